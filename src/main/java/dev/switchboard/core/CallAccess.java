package dev.switchboard.core;

import dev.switchboard.error.SwitchboardException;

import java.util.function.Function;

/**
 * Finds a call for whoever asks and runs an action under its conference lock: a bot reaches only its own live calls,
 * a user any live conference of its tenant by any of its call ids; everyone else gets the same {@code itemNotFound}
 * as for an id that never existed. Stateless apart from the registry; thread-safe.
 *
 * <p>Threads and locks: docs/concurrency.md.
 */
final class CallAccess {
    private final CallRegistry registry;

    CallAccess(CallRegistry registry) {
        this.registry = registry;
    }

    /** Runs {@code action} on the bot's live call {@code callId}, lock held. */
    <T> T withCall(String callId, Caller app, Function<Call, T> action) {
        Call call = registry.call(callId);
        if (call == null || app.isUser() || !call.tenantId.equals(app.tenantId()) || !call.appId.equals(app.appId())) {
            throw CallRules.callNotFound(callId);
        }
        Conference c = call.conference;
        c.lock.lock();
        try {
            if (!call.live()) {
                throw CallRules.callNotFound(callId);
            }
            return action.apply(call);
        } finally {
            c.lock.unlock();
        }
    }

    /**
     * As {@link #withCall}, for a step of a longer action (a move between calls): null, nothing run, when the call is
     * not (or no longer) the bot's live call.
     */
    <T> T whileLive(String callId, Caller app, Function<Call, T> action) {
        try {
            return withCall(callId, app, action);
        } catch (SwitchboardException e) {
            if (e.code() == dev.switchboard.error.ErrorCode.ITEM_NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    /** Runs {@code action} on the live conference a user addresses by {@code callId}, lock held. */
    <T> T withConference(String callId, Caller user, Function<Conference, T> action) {
        Conference c = registry.conference(callId);
        if (c == null && user.isUser()) {
            c = registry.movedTo(callId, user.userId()); // moved out of a replaced call: the old id leads to the new one
        }
        if (c == null || !c.tenantId.equals(user.tenantId())) {
            throw CallRules.callNotFound(callId);
        }
        c.lock.lock();
        try {
            if (c.ended) {
                throw CallRules.callNotFound(callId);
            }
            return action.apply(c);
        } finally {
            c.lock.unlock();
        }
    }

    /**
     * Runs {@code action} on the live group call of the user's tenant whose {@code joinMeetingId} this is, lock held. A
     * meeting with a passcode is found only with it. Anything else (no such meeting here, another tenant, ended, a
     * wrong passcode) is the same {@code itemNotFound}; too many wrong passcodes are {@code TooManyRequests}
     * ({@link PasscodeGuard}).
     */
    <T> T withMeeting(String joinMeetingId, String passcode, Caller user, Function<Conference, T> action) {
        Conference c = registry.meetings().get(new MeetingCoordinates(MeetingCoordinates.JOIN_MEETING_ID, joinMeetingId, null)
                .key(user.tenantId()));
        if (c == null || !c.tenantId.equals(user.tenantId()) || (c.passcode != null && !c.passcode.admits(passcode, user, joinMeetingId))) {
            throw SwitchboardException.notFound("Meeting '" + joinMeetingId + "'");
        }
        c.lock.lock();
        try {
            if (c.ended || c.aliases.isEmpty()) {
                throw SwitchboardException.notFound("Meeting '" + joinMeetingId + "'");
            }
            return action.apply(c);
        } finally {
            c.lock.unlock();
        }
    }
}
