package dev.switchboard.core;

import dev.switchboard.media.DtmfTone;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Carries the DTMF key presses a conference's media legs receive to the bots' calls in it. Each key press of a
 * participant reaches every {@link Hook}, once for every live bot call of the conference except the presser's own
 * (a bot does not hear its own tones), in the order the participant pressed the keys.
 *
 * <p><b>The core hook for key presses.</b> A feature that reacts to digits (the tone subscription here; the stop
 * tones of {@code recordResponse}) registers a {@link Hook} with {@link #addHook} when the engine is built, and calls
 * {@link #ensureAttached} (conference lock held) when a call starts needing digits; the relay listens to the room
 * from then until the conference ends.
 *
 * <p>Threads and locks: hooks run on the media engine's DTMF thread with the conference lock held (like every core
 * action), so they may change the call's state and publish {@link CallEvent}s; they must not block.
 */
final class ToneRelay {

    /** Hears one key press for one bot call. Conference lock held; must not block. */
    @FunctionalInterface
    interface Hook {
        /**
         * @param call          a live bot call of the conference
         * @param participantId who pressed the key (a user's or another bot's participant id)
         * @param tone          the key
         */
        void onDigit(Call call, String participantId, DtmfTone tone);
    }

    private final List<Hook> hooks = new CopyOnWriteArrayList<>();

    ToneRelay(CallEvents events) {
        hooks.add((call, participantId, tone) -> {
            if (call.toneSubscribed) {
                events.tone(call, tone, ++call.toneSequence);
            }
        });
    }

    /** Adds a hook for every conference's key presses (at engine construction). */
    void addHook(Hook hook) {
        hooks.add(hook);
    }

    /** From now on the conference's key presses reach the hooks. Idempotent; conference lock held. */
    void ensureAttached(Conference c) {
        if (!c.digitsRelayed) {
            c.digitsRelayed = true;
            c.room.addDigitListener((participantId, tone) -> deliver(c, participantId, tone));
        }
    }

    private void deliver(Conference c, String participantId, DtmfTone tone) {
        c.lock.lock();
        try {
            if (c.ended) {
                return;
            }
            for (Call call : List.copyOf(c.botCalls)) {
                if (!call.live() || participantId.equals(call.myParticipantId)) {
                    continue;
                }
                for (Hook h : hooks) {
                    h.onDigit(call, participantId, tone);
                }
            }
        } finally {
            c.lock.unlock();
        }
    }
}
