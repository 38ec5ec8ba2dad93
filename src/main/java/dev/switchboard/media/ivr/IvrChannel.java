package dev.switchboard.media.ivr;

import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service-hosted media of one call: a FIFO queue of prompt and record jobs (the bot's voice, mixed so every
 * participant hears it) and the participants on hold (each hears its music instead of the call, and nobody hears it).
 *
 * <p>Threads: requests queue, cancel, hold and deliver digits from any thread (lock-free hand-offs); the room's
 * mixer thread calls {@link #begin}, {@link #held}, {@link #hear}, {@link #voice} and {@link #holdFrame} in that
 * order every tick; {@link #close} runs once no tick is in flight. Nothing here allocates per tick.
 */
public final class IvrChannel {
    private final ConcurrentLinkedQueue<MediaJob> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong sequence = new AtomicLong();
    /** Every job queued at or before this position is to be cancelled. */
    private volatile long cancelUpTo;
    /** Every job queued at or before this position is to end as if the call had ended ({@link #endAll}). */
    private volatile long endUpTo;
    private volatile HoldLoop[] holds = new HoldLoop[0];
    /** The job at the head, published for digits (written by the mixer thread). */
    private volatile MediaJob active;
    private volatile boolean closed;
    // mixer thread only
    private MediaJob current;
    private RecordJob recordingNow;
    /** The prompt frame lent for this tick ({@link #begin}). */
    private short[] prompt;

    /** Queues a job behind every earlier one. */
    public void enqueue(MediaJob job) {
        synchronized (sequence) { // sequence order = queue order
            job.sequence = sequence.incrementAndGet();
            queue.add(job);
        }
        if (closed) {
            drain(Ending.HANG_UP);
        }
    }

    /** Queues {@code job} and cancels everything queued or playing before it (a barge-in record). */
    public void enqueueBargingIn(MediaJob job) {
        synchronized (sequence) {
            job.sequence = sequence.incrementAndGet();
            cancelUpTo = job.sequence - 1;
            queue.add(job);
        }
        if (closed) {
            drain(Ending.HANG_UP);
        }
    }

    /** Cancels every job queued or playing now; jobs queued later are not affected. */
    public void cancelAll() {
        synchronized (sequence) {
            cancelUpTo = sequence.get();
        }
    }

    /**
     * The bot this media speaks for left while the call goes on (its call was transferred away): every job queued or
     * playing now ends with {@link Ending#HANG_UP}, as if the call had ended for it, and every participant on hold is
     * released (their holds end likewise); jobs queued later are not affected. Any thread.
     */
    public void endAll() {
        synchronized (sequence) {
            endUpTo = sequence.get();
        }
        HoldLoop[] released;
        synchronized (this) {
            released = holds;
            holds = new HoldLoop[0];
        }
        for (HoldLoop h : released) {
            h.stop(Ending.HANG_UP);
        }
    }

    /** Puts a participant on hold with {@code music} looping (replacing any music it had). */
    public void hold(String participantId, PromptSlot music, JobListener listener) {
        HoldLoop loop = new HoldLoop(participantId, music, listener);
        HoldLoop replaced;
        synchronized (this) {
            replaced = find(holds, participantId);
            HoldLoop[] next = without(holds, participantId);
            next = Arrays.copyOf(next, next.length + 1);
            next[next.length - 1] = loop;
            holds = next;
        }
        if (replaced != null) {
            replaced.stop(Ending.CANCELED);
        }
        if (closed) {
            loop.stop(Ending.HANG_UP);
        }
    }

    /** Takes a participant off hold; false if it was not held. */
    public boolean unhold(String participantId) {
        return stopHold(participantId, Ending.CANCELED);
    }

    /**
     * The participant left the call (or moved out of it): its hold, if any, ends as at a hang-up and no longer takes
     * the call's hold slot. Any thread.
     */
    public void release(String participantId) {
        stopHold(participantId, Ending.HANG_UP);
    }

    private boolean stopHold(String participantId, Ending why) {
        HoldLoop removed;
        synchronized (this) {
            removed = find(holds, participantId);
            holds = without(holds, participantId);
        }
        if (removed != null) {
            removed.stop(why);
        }
        return removed != null;
    }

    /** A DTMF digit from a participant: a running record job with it as a stop tone ends. Any thread. */
    public void digit(char digit) {
        if (active instanceof RecordJob r) {
            r.tone(digit);
        }
    }

    /** The participant on hold, or null (the first one if several). */
    public String heldParticipant() {
        HoldLoop[] hs = holds;
        return hs.length == 0 ? null : hs[0].participantId;
    }

    /** Whether anything is queued or playing (for tests and metrics). */
    public boolean busy() {
        return active != null || !queue.isEmpty();
    }

    // ---- mixer thread --------------------------------------------------------------------------------------------

    /**
     * Starts a tick: applies cancels, picks the job at the head, moves hold music on.
     *
     * @param heard  where what the bot hears is summed this tick (the mixer thread's, lent for the tick)
     * @param prompt where the bot's prompt frame is rendered this tick (likewise; valid until the tick ends)
     */
    public void begin(int[] heard, short[] prompt) {
        this.prompt = prompt;
        long ended = endUpTo;
        long cancel = Math.max(cancelUpTo, ended);
        if (current != null && current.sequence <= cancel) {
            current.end(current.sequence <= ended ? Ending.HANG_UP : Ending.CANCELED, null);
        }
        if (current == null || current.ended()) {
            current = next(cancel, ended);
            active = current;
        }
        recordingNow = current instanceof RecordJob r && r.recording() ? r : null;
        if (recordingNow != null) {
            recordingNow.beginFrame(heard);
        }
        for (HoldLoop h : holds) {
            h.advance();
        }
    }

    private MediaJob next(long cancel, long ended) {
        MediaJob j;
        while ((j = queue.peek()) != null && j.sequence <= cancel) {
            queue.poll();
            j.end(j.sequence <= ended ? Ending.HANG_UP : Ending.CANCELED, null);
        }
        return queue.poll();
    }

    /**
     * True if, after {@link #begin()}, this tick has no prompt, recording or hold: {@link #voice()} and every
     * {@link #holdFrame} are null and {@link #hear} does nothing, so the room may mix at 8 kHz. Mixer thread.
     */
    public boolean idle() {
        return current == null && holds.length == 0;
    }

    /** Whether the participant is on hold: its audio is mixed for nobody. */
    public boolean held(String participantId) {
        HoldLoop[] hs = holds;
        return hs.length != 0 && find(hs, participantId) != null;
    }

    /** Adds a participant's frame to what the bot hears (recorded if a recording runs). */
    public void hear(short[] pcm) {
        if (recordingNow != null) {
            recordingNow.hear(pcm);
        }
    }

    /** The bot's voice this tick (a prompt frame to mix for everyone), or null. */
    public short[] voice() {
        MediaJob j = current;
        if (j == null) {
            return null;
        }
        short[] f = j.frame(prompt);
        if (j.ended()) {
            current = null;
            active = null;
        }
        return f;
    }

    /** What a held participant hears instead of the call, or null if it is not held. */
    public short[] holdFrame(String participantId) {
        HoldLoop[] hs = holds;
        if (hs.length == 0) {
            return null;
        }
        HoldLoop h = find(hs, participantId);
        return h == null ? null : h.frame();
    }

    /** The call's media ended: every job and hold ends with {@link Ending#HANG_UP}. Once no tick runs. */
    public void close() {
        closed = true;
        MediaJob c = current;
        current = null;
        active = null;
        if (c != null) {
            c.end(Ending.HANG_UP, null);
        }
        drain(Ending.HANG_UP);
        HoldLoop[] hs;
        synchronized (this) {
            hs = holds;
            holds = new HoldLoop[0];
        }
        for (HoldLoop h : hs) {
            h.stop(Ending.HANG_UP);
        }
    }

    private void drain(Ending why) {
        MediaJob j;
        while ((j = queue.poll()) != null) {
            j.end(why, null);
        }
    }

    private static HoldLoop find(HoldLoop[] hs, String participantId) {
        for (HoldLoop h : hs) {
            if (h.participantId.equals(participantId)) {
                return h;
            }
        }
        return null;
    }

    private static HoldLoop[] without(HoldLoop[] hs, String participantId) {
        return Arrays.stream(hs).filter(h -> !h.participantId.equals(participantId)).toArray(HoldLoop[]::new);
    }
}
