package dev.switchboard.core;

import java.time.Instant;
import java.util.List;

/**
 * One {@code commsOperation}, immutable; a running operation that finishes is replaced by a new value.
 *
 * @param id            operation id
 * @param callId        the call it belongs to
 * @param kind          its type
 * @param status        its status
 * @param clientContext the caller's string, echoed; may be null
 * @param resultInfo    how it finished; null while running and for mute/unmute
 * @param invitees      the invited identities ({@link OperationKind#INVITE} only, else empty)
 * @param createdAt     when it was made (invitation timeouts count from here)
 * @param media         how a media operation ended: its {@code completionReason} (as an extra property where v1.0
 *                      has no typed one, e.g. play/record; typed for {@code sendDtmfTones}) and a recording, or null
 */
public record Operation(String id, String callId, OperationKind kind, OperationStatus status, String clientContext,
                        ResultInfo resultInfo, List<ParticipantIdentity> invitees, Instant createdAt,
                        MediaOutcome media) {
    public Operation {
        invitees = List.copyOf(invitees);
    }

    /** An operation without a completion reason. */
    public Operation(String id, String callId, OperationKind kind, OperationStatus status, String clientContext,
                     ResultInfo resultInfo, List<ParticipantIdentity> invitees, Instant createdAt) {
        this(id, callId, kind, status, clientContext, resultInfo, invitees, createdAt, null);
    }

    Operation finish(OperationStatus newStatus, ResultInfo result) {
        return new Operation(id, callId, kind, newStatus, clientContext, result, invitees, createdAt, media);
    }

    Operation finish(OperationStatus newStatus, ResultInfo result, MediaOutcome outcome) {
        return new Operation(id, callId, kind, newStatus, clientContext, result, invitees, createdAt, outcome);
    }

    /** Finishes with a {@code completionReason} and no recording. */
    Operation finish(OperationStatus newStatus, ResultInfo result, String completionReason) {
        return finish(newStatus, result, completionReason == null ? null : new MediaOutcome(completionReason, null, null));
    }

    /** The operation's {@code completionReason}, or null. */
    public String completionReason() {
        return media == null ? null : media.completionReason();
    }
}
