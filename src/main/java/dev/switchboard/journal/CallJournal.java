package dev.switchboard.journal;

import dev.switchboard.error.SwitchboardException;

import java.util.List;

/**
 * Where the call engine writes down its live calls, so that a restart after a crash can tell their bots that
 * they are gone. The engine calls it at exactly three points, with the call's conference lock held (so one
 * call's records are in order): a call was created (before its {@code 201}), the participants of a live call
 * changed (join, leave, another bot in or out; never mute), a call ended (and why).
 *
 * <p>Besides, where else a conference is found by call id, for an implementation that keeps calls findable across
 * processes (the cluster's call directory; docs/cluster.md): an id users reach a conference by with no bot call of
 * its own ({@link #aliasAdded}, {@link #callLeft}), a user's old call id after a move ({@link #userMoved}), all of
 * them forgotten when the conference ends ({@link #conferenceEnded}). Nothing a restart needs: the defaults keep
 * nothing (a bot call that leaves is simply {@link #callEnded}).
 *
 * <p>Implementations are thread-safe. See {@code docs/durability.md}.
 */
public interface CallJournal {

    /** Writes nothing: for tests and embedders that want no durability. */
    CallJournal NONE = new CallJournal() {
        @Override
        public void callCreated(JournaledCall call) {
        }

        @Override
        public void callRinging(JournaledCall call) {
        }

        @Override
        public void callUpdated(JournaledCall call) {
        }

        @Override
        public void participantsChanged(String callId, List<String> participantIds) {
        }

        @Override
        public void callEnded(String callId) {
        }
    };

    /**
     * Records a new live call; when this returns, the record survives a process crash and a power loss.
     * May block for one disk flush.
     *
     * @throws SwitchboardException SERVICE_UNAVAILABLE when it cannot be made durable (the call must not be created)
     */
    void callCreated(JournaledCall call);

    /**
     * Records a new ringing incoming call: when this returns, the record survives a process crash; it is forced to disk
     * in the background, without the caller waiting for the flush, so a power loss within that flush may lose it (then
     * the restart does not announce the ringing call; the bot's answer finds no call, as for a call that stopped
     * ringing). A caller's dial must not wait for the disk: the ring itself lasts seconds and dies with the process.
     * Implementations without that distinction record it as {@link #callCreated}.
     *
     * @throws SwitchboardException SERVICE_UNAVAILABLE when it cannot be written (the call must not ring)
     */
    default void callRinging(JournaledCall call) {
        callCreated(call);
    }

    /**
     * Records a new version of a call {@link #callCreated} already made durable (a ringing incoming call answered:
     * its new callback URI and the bot's participant). Not forced to disk: a process crash keeps it, a power loss
     * may lose it, and then a restart announces the call to the callback URI of the durable record. Called where
     * the engine's answer path must not wait for a disk flush; implementations that need the write to succeed
     * (the cluster's call directory) may throw like {@link #callCreated}.
     *
     * @throws SwitchboardException SERVICE_UNAVAILABLE when it cannot be written (the change must not happen)
     */
    default void callUpdated(JournaledCall call) {
        callCreated(call);
    }

    /** The live call's participants are now {@code participantIds}. Never throws; a failure is logged. */
    void participantsChanged(String callId, List<String> participantIds);

    /** The call ended and its bot was told; a restart must not announce it. Never throws; a failure is logged. */
    void callEnded(String callId);

    /**
     * The call ended for {@code why} (called right after {@link #callEnded} or {@link #callLeft}, lock held): a journal
     * that still holds the call because its bot has not heard the end yet keeps the reason, so a restart announces
     * {@code why} instead of "lost"; a call it no longer holds is ignored. Not forced to disk. Never throws.
     */
    default void callFinished(String callId, JournaledEnd why) {
    }

    /**
     * Users reach the live conference {@code conferenceId} by {@code callId}, an id with no bot call of its own (the
     * new call of a transfer out of a group call, which the rung user joins by), until {@link #conferenceEnded}.
     *
     * @throws SwitchboardException SERVICE_UNAVAILABLE when it cannot be written (the call must not ring)
     */
    default void aliasAdded(String callId, String conferenceId) {
    }

    /**
     * The bot's call {@code callId} ended, as {@link #callEnded}, but its conference {@code conferenceId} goes on (a
     * transfer completed, a redirect, a bot that left a group call) and its users still address it by this id until
     * {@link #conferenceEnded}. Never throws; a failure is logged.
     */
    default void callLeft(String callId, String conferenceId) {
        callEnded(callId);
    }

    /**
     * User {@code userId} moved out of call {@code fromCallId} into the conference {@code conferenceId}, addressed as
     * {@code intoCallId}: the old id still leads that user there until {@link #conferenceEnded}. Never throws.
     */
    default void userMoved(String fromCallId, String userId, String intoCallId, String conferenceId) {
    }

    /** The conference ended: its {@link #aliasAdded aliases}, left ids and moves lead nowhere any more. Never throws. */
    default void conferenceEnded(String conferenceId) {
    }
}
