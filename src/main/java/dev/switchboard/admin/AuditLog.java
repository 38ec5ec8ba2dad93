package dev.switchboard.admin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per administrator action, on the logger {@code switchboard.audit}: who (user id, name, tenant), what,
 * which call and participant, and how it went. Thread-safe.
 */
public final class AuditLog {
    private static final Logger audit = LoggerFactory.getLogger("switchboard.audit");

    /** Records an action; {@code participantId} may be null; {@code outcome} is {@code ok} or the error code. */
    public void action(AdminAccess.Admin who, String action, String callId, String participantId, String outcome) {
        audit.info("admin action actorId={} actor={} actorTenant={} action={} callId={} participantId={} outcome={}",
                who.userId(), who.username(), who.tenantId(), action, callId, participantId == null ? "-" : participantId,
                outcome);
    }

    /** Records a sign-in attempt (successful or not) without the password. */
    public void signIn(String username, String outcome) {
        audit.info("admin sign-in actor={} outcome={}", username, outcome);
    }
}
