package dev.switchboard.media;

import dev.switchboard.media.rtp.RtpPacket;
import dev.switchboard.media.rtp.RtpStreamWriter;
import dev.switchboard.media.rtp.TelephoneEvent;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * One outgoing stream's RFC 4733 sender: sends queued key presses as telephone-events in the stream's place, one
 * packet per 20 ms frame (the frame's audio is not sent, §2.5.1.2). Each tone is {@link #TONE_FRAMES} frames long:
 * a start packet (marker set) and updates with a growing duration, all with the event's start timestamp, then
 * {@link #END_REPEATS} identical end packets (§2.5.1.4); then the gap the sender asked for, in whole frames.
 *
 * <p>Every sequence has an owner (the bot call that asked for it): {@link #stop} ends one owner's sequences and
 * leaves the others' queued, so a bot that leaves a call takes its tones with it while another bot's go on. A tone
 * under way when its sequence is stopped is not cut off mid-event: its end packets go out at once (with the duration
 * sent so far, §2.5.1.4), so the peer never hears a key held down.
 *
 * <p>Threads: {@link #enqueue}, {@link #stop} and {@link #cancel} from any thread (lock-free queues; a stop is applied
 * by the sending thread at its next frame); {@link #nextPacket} and {@link #skipFrame} on the stream's sending thread
 * (the room's mixer thread) only, allocating nothing. Completions run on the given executor, never on the sending
 * thread's call stack when that is the mixer.
 */
public final class DtmfSender {
    /** Frames per tone before the end packets: 5 × 20 ms = 100 ms of tone, then the end packets. */
    public static final int TONE_FRAMES = 5;
    /** How many times the end packet is sent (RFC 4733 §2.5.1.4 recommends three). */
    public static final int END_REPEATS = 3;

    /** How a sequence ended, declared from best to worst (a sequence sent to several legs takes its worst). */
    public enum Outcome {
        /** The last tone's end packets went out. */
        SENT,
        /** The stream closed first. */
        CLOSED,
        /** Its owner's sequences were stopped ({@link #stop}) first. */
        STOPPED
    }

    private record Job(String owner, DtmfTone[] tones, int gapFrames, Consumer<Outcome> whenDone) {
        boolean ownedBy(String who) {
            return owner != null && owner.equals(who);
        }
    }

    private final int payloadType;
    private final int samplesPerFrame;
    private final Executor completions;
    private final ConcurrentLinkedQueue<Job> queue = new ConcurrentLinkedQueue<>();
    /** Owners whose sequences end, handed to the sending thread (applied at its next frame). */
    private final ConcurrentLinkedQueue<String> stops = new ConcurrentLinkedQueue<>();
    private volatile boolean cancelled;
    // sending thread only
    private Job job;
    private int toneIndex;
    /** Frames of the current tone sent so far (0 = the tone has not started). */
    private int frame;
    private int gapLeft;
    private int eventTimestamp;
    /** Frames of the current tone before its end packets: {@link #TONE_FRAMES}, fewer once it was stopped. */
    private int toneFrames = TONE_FRAMES;
    /** The current sequence was stopped: it ends after the current tone's end packets. */
    private boolean stopping;

    /**
     * @param payloadType     the negotiated telephone-event payload type
     * @param samplesPerFrame the stream's RTP clock per 20 ms frame (160 at 8 kHz, 960 at 48 kHz)
     * @param completions     where a finished sequence's callback runs
     */
    public DtmfSender(int payloadType, int samplesPerFrame, Executor completions) {
        this.payloadType = payloadType;
        this.samplesPerFrame = samplesPerFrame;
        this.completions = completions;
    }

    /**
     * Queues {@code owner}'s tones (owner may be null: no particular bot) to send, after any queued before, with
     * {@code gapMillis} of audio between two tones. {@code whenDone} hears how the sequence ended, once.
     */
    public void enqueue(String owner, List<DtmfTone> tones, int gapMillis, Consumer<Outcome> whenDone) {
        int gap = Math.max(0, (gapMillis + 19) / 20);
        queue.add(new Job(owner, tones.toArray(new DtmfTone[0]), gap, whenDone));
        if (cancelled) {
            cancel();
        }
    }

    /**
     * Ends every sequence {@code owner} queued so far (they hear {@link Outcome#STOPPED}); other owners' sequences go
     * on. Applied at the sending thread's next frame: a tone under way sends its end packets first. Any thread.
     */
    public void stop(String owner) {
        if (owner != null) {
            stops.add(owner);
        }
    }

    /** True while tones are queued or being sent. Any thread (approximate). */
    public boolean busy() {
        return job != null || !queue.isEmpty();
    }

    /**
     * This frame's telephone-event packet, if one is due: writes header and payload at {@code buf[0..)} in
     * {@code writer}'s stream and returns its length; 0 when the frame carries audio as usual.
     */
    public int nextPacket(byte[] buf, RtpStreamWriter writer) {
        int step = step();
        if (step == 0) {
            return 0;
        }
        if (frame == 1) {
            eventTimestamp = writer.nextTimestamp();
        }
        boolean end = step == 2;
        int duration = Math.min(frame, toneFrames) * samplesPerFrame;
        writer.writeHeader(buf, payloadType, eventTimestamp, frame == 1);
        TelephoneEvent.write(buf, RtpPacket.HEADER_BYTES, job.tones()[toneIndex].code(), end,
                TelephoneEvent.SEND_VOLUME, duration);
        afterFrame();
        return RtpPacket.HEADER_BYTES + TelephoneEvent.BYTES;
    }

    /** The frame passes without being sent (the peer has not latched): the tones advance all the same. */
    public void skipFrame() {
        if (step() != 0) {
            afterFrame();
        }
    }

    /** The stream closed: every queued and unfinished sequence hears CLOSED. Any thread, after the last frame. */
    public void cancel() {
        cancelled = true;
        stops.clear();
        Job j;
        while ((j = queue.poll()) != null) {
            finish(j, Outcome.CLOSED);
        }
        Job current = job;
        job = null;
        if (current != null) {
            finish(current, Outcome.CLOSED);
        }
    }

    /** Applies the stops handed over since the last frame. Sending thread. */
    private void applyStops() {
        String owner;
        while ((owner = stops.poll()) != null) {
            for (java.util.Iterator<Job> it = queue.iterator(); it.hasNext(); ) {
                Job j = it.next();
                if (j.ownedBy(owner)) {
                    it.remove();
                    finish(j, Outcome.STOPPED);
                }
            }
            if (job != null && job.ownedBy(owner) && !stopping) {
                if (frame == 0 || gapLeft > 0) {
                    Job done = job;
                    job = null;
                    finish(done, Outcome.STOPPED);
                } else {
                    stopping = true;
                    toneFrames = Math.min(toneFrames, frame + 1); // the next packet is the first end packet
                }
            }
        }
    }

    /** What this frame is: 0 audio (idle or gap), 1 a tone packet, 2 an end packet. Advances {@link #frame}. */
    private int step() {
        if (!stops.isEmpty()) {
            applyStops();
        }
        if (job == null) {
            job = queue.poll();
            if (job == null) {
                return 0;
            }
            toneIndex = 0;
            frame = 0;
            gapLeft = 0;
            toneFrames = TONE_FRAMES;
            stopping = false;
            if (job.tones().length == 0) {
                finishCurrent();
                return 0;
            }
        }
        if (gapLeft > 0) {
            gapLeft--;
            return 0;
        }
        frame++;
        return frame < toneFrames ? 1 : 2;
    }

    private void afterFrame() {
        if (frame < toneFrames - 1 + END_REPEATS) {
            return;
        }
        frame = 0;
        toneFrames = TONE_FRAMES;
        toneIndex++;
        if (stopping) {
            stopping = false;
            Job done = job;
            job = null;
            finish(done, Outcome.STOPPED);
        } else if (toneIndex < job.tones().length) {
            gapLeft = job.gapFrames();
        } else {
            finishCurrent();
        }
    }

    private void finishCurrent() {
        Job done = job;
        job = null;
        finish(done, Outcome.SENT);
    }

    private void finish(Job j, Outcome outcome) {
        completions.execute(() -> j.whenDone().accept(outcome));
    }
}
