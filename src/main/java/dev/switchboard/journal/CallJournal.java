package dev.switchboard.journal;

import dev.switchboard.error.SwitchboardException;

import java.util.List;

/**
 * Where the call engine writes down its live calls, so that a restart after a crash can tell their bots that
 * they are gone. The engine calls it at exactly three points, with the call's conference lock held (so one
 * call's records are in order): a call was created (before its {@code 201}), the participants of a live call
 * changed (join, leave, another bot in or out; never mute), a call ended.
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
}
