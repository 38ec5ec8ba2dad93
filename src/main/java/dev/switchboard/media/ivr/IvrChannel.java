package dev.switchboard.media.ivr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service-hosted media of one call: a FIFO queue of prompt and record jobs (the bot's voice, mixed so every
 * participant hears it) and the participants on hold (each hears its music instead of the call, and nobody hears it).
 * Every job and hold has an owner, the bot that asked for it (its call's id): a cancel, a barge-in and a bot's
 * departure end only that bot's jobs, so two bots in one group call do not end each other's work. The queue itself is
 * the call's: one job plays at a time, the bots' jobs in the order they were asked for.
 *
 * <p>Threads: requests queue, cancel, hold and deliver digits from any thread (lock-free hand-offs); the room's
 * mixer thread calls {@link #begin}, {@link #held}, {@link #hear}, {@link #voice} and {@link #holdFrame} in that
 * order every tick; {@link #close} runs once no tick is in flight. Nothing here allocates per tick.
 */
public final class IvrChannel {
    private final ConcurrentLinkedQueue<MediaJob> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong sequence = new AtomicLong();
    /** Jobs to end, handed to the mixer thread (applied at the next {@link #begin}). */
    private final ConcurrentLinkedQueue<Stop> stops = new ConcurrentLinkedQueue<>();
    private volatile HoldLoop[] holds = new HoldLoop[0];
    /** The job at the head, published for digits (written by the mixer thread). */
    private volatile MediaJob active;
    private volatile boolean closed;
    // mixer thread only
    private MediaJob current;
    private RecordJob recordingNow;
    /** The prompt frame lent for this tick ({@link #begin}). */
    private short[] prompt;

    /** Queues a job of no particular bot (the call's only one) behind every earlier one. */
    public void enqueue(MediaJob job) {
        enqueue(null, job);
    }

    /** Queues {@code owner}'s job behind every earlier one, whichever bot asked for those. */
    public void enqueue(String owner, MediaJob job) {
        job.owner = owner;
        synchronized (sequence) { // sequence order = queue order
            job.sequence = sequence.incrementAndGet();
            queue.add(job);
        }
        if (closed) {
            drain(Ending.HANG_UP);
        }
    }

    /**
     * Queues {@code owner}'s {@code job} and cancels everything that owner queued or is playing before it (a barge-in
     * record); another bot's jobs are not touched.
     */
    public void enqueueBargingIn(String owner, MediaJob job) {
        job.owner = owner;
        synchronized (sequence) {
            job.sequence = sequence.incrementAndGet();
            stops.add(new Stop(owner, job.sequence - 1, Ending.CANCELED));
            queue.add(job);
        }
        if (closed) {
            drain(Ending.HANG_UP);
        }
    }

    /** Cancels every job queued or playing now, whoever asked for it; jobs queued later are not affected. */
    public void cancelAll() {
        stopUpToNow(null, Ending.CANCELED);
    }

    /** Cancels every job {@code owner} queued or is playing now; other bots' jobs and later ones are not affected. */
    public void cancel(String owner) {
        stopUpToNow(owner, Ending.CANCELED);
    }

    /**
     * Bot {@code owner} left while the call goes on (its call was transferred away, or it hung up on a group call):
     * every job of its queued or playing now ends with {@link Ending#HANG_UP}, as if the call had ended for it, and
     * every participant it put on hold is released (their holds end likewise). Other bots' jobs and holds go on.
     * Returns the participants released. Any thread.
     */
    public List<String> endAll(String owner) {
        stopUpToNow(owner, Ending.HANG_UP);
        List<HoldLoop> released = new ArrayList<>();
        synchronized (this) {
            for (HoldLoop h : holds) {
                if (h.ownedBy(owner)) {
                    released.add(h);
                }
            }
            holds = Arrays.stream(holds).filter(h -> !h.ownedBy(owner)).toArray(HoldLoop[]::new);
        }
        List<String> ids = new ArrayList<>(released.size());
        for (HoldLoop h : released) {
            h.stop(Ending.HANG_UP);
            ids.add(h.participantId);
        }
        return ids;
    }

    private void stopUpToNow(String owner, Ending why) {
        synchronized (sequence) {
            stops.add(new Stop(owner, sequence.get(), why));
        }
    }

    /** Puts a participant on hold with {@code music} looping (replacing any music it had); of no particular bot. */
    public void hold(String participantId, PromptSlot music, JobListener listener) {
        hold(null, participantId, music, listener);
    }

    /** Bot {@code owner} puts a participant on hold with {@code music} looping (replacing any music it had). */
    public void hold(String owner, String participantId, PromptSlot music, JobListener listener) {
        HoldLoop loop = new HoldLoop(owner, participantId, music, listener);
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
        Stop stop;
        while ((stop = stops.poll()) != null) {
            apply(stop);
        }
        if (current == null || current.ended()) {
            current = queue.poll();
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

    /** Ends the jobs a stop names: the playing one first, then the queued ones in queue order. Mixer thread. */
    private void apply(Stop stop) {
        if (current != null && stop.covers(current)) {
            current.end(stop.ending(), null);
        }
        for (Iterator<MediaJob> it = queue.iterator(); it.hasNext(); ) {
            MediaJob j = it.next();
            if (stop.covers(j)) {
                it.remove();
                j.end(stop.ending(), null);
            }
        }
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
        stops.clear();
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

    /** End {@code owner}'s jobs (null: everyone's) queued at or before position {@code upTo} with {@code ending}. */
    private record Stop(String owner, long upTo, Ending ending) {
        boolean covers(MediaJob j) {
            return j.sequence <= upTo && (owner == null || owner.equals(j.owner));
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
