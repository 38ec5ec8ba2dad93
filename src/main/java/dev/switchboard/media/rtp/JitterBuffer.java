package dev.switchboard.media.rtp;

import java.util.Arrays;

/**
 * A fixed-delay jitter buffer for one RTP stream of 20 ms frames, ordered by extended sequence number.
 * It reorders, drops duplicates and late packets, conceals losses, survives sequence and timestamp
 * wrap-around, and restarts on an SSRC change or a large sequence jump (the old stream's unplayed frames are
 * discarded and counted in {@link #restartDiscards()}). Playout starts once
 * {@link #PREFILL} frames are buffered and stops after {@link #MAX_CONCEAL} empty ticks (end of a talk
 * spurt), so a silent sender costs nothing.
 *
 * <p>Not thread-safe: the owning leg guards it with its lock. Allocation-free after construction.
 */
public final class JitterBuffer {
    /** Slots; the window of sequence numbers the buffer holds. Power of two. */
    public static final int CAPACITY = 16;
    /** Frames buffered before playout starts (40 ms of delay). */
    public static final int PREFILL = 2;
    /** Above this depth the oldest frames are dropped to keep the delay bounded. */
    public static final int MAX_DEPTH = 8;
    /** Ticks of concealment before playout stops. */
    public static final int MAX_CONCEAL = 5;
    /**
     * Ticks over which the buffer's depth is watched while playing: if more than {@link #PREFILL} frames waited at every
     * tick of such a window, the delay has grown beyond what the stream's jitter needs (the backlog of a delay spike, a
     * burst, or a sender whose clock runs fast) and the oldest frames beyond the prefill are dropped: the delay is back
     * to the prefill's within half a second.
     */
    public static final int DEPTH_WINDOW = 25;
    /** Ticks after a restart during which packets of the stream before it are stragglers, not a switch back. */
    static final int STRAGGLER_TICKS = 10;
    /** A sequence jump larger than this is a restarted stream, not a burst. */
    static final int RESYNC_GAP = 200;
    /** Largest payload any buffer keeps (an Opus packet is at most 1275 bytes). */
    public static final int MAX_PAYLOAD = 1280;

    /** {@link #insert} results. */
    public enum Insert { ACCEPTED, DUPLICATE, LATE, TOO_LARGE }

    /** {@link #pop} returns this when nothing is playing (no audio, not a loss). */
    public static final int NOTHING = -2;
    /** {@link #pop} returns this when the frame due now was lost and must be concealed. */
    public static final int LOST = -1;

    private static final long BASE = 1L << 32;
    private final byte[][] payloads;
    private final int maxPayload;
    private final int[] lengths = new int[CAPACITY];
    private final long[] slotSeq = new long[CAPACITY];
    private boolean hasSsrc;
    private int ssrc;
    private long highest;
    private boolean started;
    private long playout;
    /** The extended sequence number of the last frame played in this stream, or -1: nothing older may play after it. */
    private long lastPlayed = -1;
    private int buffered;
    private int emptyTicks;
    private long trimmed;
    private long restartDiscards;
    /** Frames needed before playout starts: {@link #PREFILL}, or 1 once after {@link #clearForUnmute()}. */
    private int prefill = PREFILL;
    /** Underruns that may still hold the playout point (to win back the delay an early start skipped). */
    private int stallsLeft;
    /** The extended sequence number each slot last played, to tell a duplicate of a played frame from a late one. */
    private final long[] slotPlayed = new long[CAPACITY];
    /** Nothing at or before this extended sequence number plays: the stream's newest frame when it was muted, or -1. */
    private long floor = -1;
    /** The stream before the last restart (its SSRC and newest sequence number): its stragglers must not restart again. */
    private boolean hasPrevious;
    private int previousSsrc;
    private int previousSeq;
    private int ticksSinceRestart;
    /** Ticks of the current depth window, and the fewest frames waiting at any of them. */
    private int windowTicks;
    private int windowMinDepth = Integer.MAX_VALUE;

    /** @param maxPayload the largest payload kept (larger ones are refused as {@code TOO_LARGE}) */
    public JitterBuffer(int maxPayload) {
        if (maxPayload < 0 || maxPayload > MAX_PAYLOAD) {
            throw new IllegalArgumentException("maxPayload must be 0-" + MAX_PAYLOAD);
        }
        this.maxPayload = maxPayload;
        this.payloads = new byte[CAPACITY][maxPayload];
        Arrays.fill(slotSeq, -1);
        Arrays.fill(slotPlayed, -1);
    }

    /**
     * Offers one packet's payload.
     *
     * Ordering uses the extended sequence number only (frames are a fixed 20 ms), so RTP timestamp
     * wrap-around cannot disturb playout. Frames pushed out of the window to make room are counted in
     * {@link #trimmed()}.
     *
     * @return ACCEPTED, or why this packet was dropped
     */
    public Insert insert(int sequence, int packetSsrc, byte[] src, int offset, int length) {
        if (length > maxPayload) {
            return Insert.TOO_LARGE;
        }
        long ext = extend(sequence, packetSsrc);
        if (ext < 0) {
            return Insert.LATE; // a straggler of the stream before the restart
        }
        if (ext <= floor) {
            return Insert.LATE; // sent before the stream was muted or while it was: never played after the unmute
        }
        if (ext < playout) {
            if (slotPlayed[(int) (ext & (CAPACITY - 1))] == ext) {
                return Insert.DUPLICATE; // a copy of a frame already played
            }
            // Between talk spurts the playout point may move back to the next spurt's first frame (a sender that
            // paused goes on from the next sequence number), but never to a frame older than one already played.
            if (started || ext <= lastPlayed || buffered > 0 && highest - ext >= CAPACITY) {
                return Insert.LATE;
            }
            playout = ext;
        }
        if (ext - playout >= CAPACITY) {
            long newPlayout = ext - CAPACITY + 1;
            while (playout < newPlayout) {
                dropSlot(playout++);
            }
        }
        int i = (int) (ext & (CAPACITY - 1));
        if (slotSeq[i] == ext) {
            return Insert.DUPLICATE;
        }
        if (slotSeq[i] >= 0) {
            buffered--;
        }
        System.arraycopy(src, offset, payloads[i], 0, length);
        lengths[i] = length;
        slotSeq[i] = ext;
        buffered++;
        return Insert.ACCEPTED;
    }

    /**
     * The extended sequence number of {@code sequence} in the stream of {@code packetSsrc}; a packet of another SSRC or
     * a jump of more than {@link #RESYNC_GAP} starts a new stream (the old one's buffered frames are discarded), except
     * a packet of the stream before the last restart near its numbers within {@link #STRAGGLER_TICKS} ticks of it
     * (reordered across the sender's switch), which gives -1; later, that stream coming back is a restart again.
     */
    private long extend(int sequence, int packetSsrc) {
        if (hasSsrc && packetSsrc == ssrc) {
            long ext = highest + (short) (sequence - (int) (highest & 0xFFFF));
            if (Math.abs(ext - highest) <= RESYNC_GAP) {
                if (ext > highest) {
                    highest = ext;
                }
                return ext;
            }
        }
        if (hasPrevious && packetSsrc == previousSsrc && ticksSinceRestart < STRAGGLER_TICKS) {
            int ahead = (short) (sequence - previousSeq);
            if (ahead >= -RESYNC_GAP && ahead <= CAPACITY) {
                return -1;
            }
        }
        if (hasSsrc) {
            hasPrevious = true;
            previousSsrc = ssrc;
            previousSeq = (int) (highest & 0xFFFF);
            ticksSinceRestart = 0;
        }
        restartDiscards += clear();
        floor = -1;
        Arrays.fill(slotPlayed, -1);
        hasSsrc = true;
        ssrc = packetSsrc;
        highest = BASE + sequence;
        playout = highest;
        return highest;
    }

    /**
     * A packet of the stream that was not offered because the leg is muted: it moves the floor, so that after the
     * unmute no frame sent before it (a late, reordered or duplicated packet of the muted time) is played.
     */
    public void refuse(int sequence, int packetSsrc) {
        long ext = extend(sequence, packetSsrc);
        if (ext > floor) {
            floor = ext;
        }
    }

    private void dropSlot(long seq) {
        int i = (int) (seq & (CAPACITY - 1));
        if (slotSeq[i] == seq) {
            slotSeq[i] = -1;
            buffered--;
            trimmed++;
        }
    }

    /**
     * Takes the frame due at this 20 ms tick, copying its payload into {@code dst}.
     *
     * @return the payload length, {@link #LOST} (conceal one frame) or {@link #NOTHING} (not playing)
     */
    public int pop(byte[] dst) {
        if (ticksSinceRestart < STRAGGLER_TICKS) {
            ticksSinceRestart++;
        }
        if (!started) {
            if (buffered < prefill) {
                return NOTHING;
            }
            started = true;
            emptyTicks = 0;
            stallsLeft = PREFILL - prefill;
            // A talk spurt starts on its oldest frame received, not on the numbers lost before it (after a gap the
            // first packet may have pushed the playout point back by up to the window: that would be delay for good).
            for (int k = 0; k < CAPACITY && slotSeq[(int) (playout & (CAPACITY - 1))] != playout; k++) {
                playout++; // bounded: a buffered frame lies within CAPACITY of the playout point (insert keeps it so)
            }
            prefill = PREFILL;
            windowTicks = 0;
            windowMinDepth = Integer.MAX_VALUE;
        }
        while (buffered > MAX_DEPTH) {
            dropSlot(playout++);
        }
        windowMinDepth = Math.min(windowMinDepth, buffered);
        if (++windowTicks == DEPTH_WINDOW) {
            for (int excess = windowMinDepth - PREFILL; excess > 0; excess--) {
                dropSlot(playout++); // the delay outgrew the jitter all window long: win it back
            }
            windowTicks = 0;
            windowMinDepth = Integer.MAX_VALUE;
        }
        int i = (int) (playout & (CAPACITY - 1));
        if (slotSeq[i] == playout) {
            int n = lengths[i];
            System.arraycopy(payloads[i], 0, dst, 0, n);
            slotSeq[i] = -1;
            slotPlayed[i] = playout;
            buffered--;
            lastPlayed = playout++;
            emptyTicks = 0;
            return n;
        }
        if (stallsLeft > 0 && buffered == 0) {
            stallsLeft--; // an early start's first underrun: wait for the frame (one more frame of delay from now on)
            return LOST;
        }
        playout++;
        if (buffered == 0 && ++emptyTicks > MAX_CONCEAL) {
            started = false;
            emptyTicks = 0;
            return NOTHING;
        }
        return LOST;
    }

    /**
     * Discards every buffered frame, for a mute: nothing of the stream up to its newest frame so far plays afterwards
     * (and, through {@link #refuse}, nothing up to the newest packet refused while muted); a new SSRC or a sequence
     * jump starts afresh.
     */
    public int clear() {
        int dropped = buffered;
        Arrays.fill(slotSeq, -1);
        buffered = 0;
        started = false;
        if (hasSsrc) {
            floor = Math.max(floor, highest);
        }
        lastPlayed = -1;
        emptyTicks = 0;
        stallsLeft = 0;
        return dropped;
    }

    /**
     * The next talk spurt starts playing on its first frame instead of after {@link #PREFILL}, with the same
     * one-time wait on a late frame as after {@link #clearForUnmute()}: for a new leg, whose first words (a caller
     * hearing the bot that answered) should not wait for a second frame. Changes nothing once playing.
     */
    public void startOnFirstFrame() {
        if (!started) {
            prefill = 1;
        }
    }

    /**
     * Like {@link #clear()}, for an unmute: the next talk spurt starts playing on its first frame instead of after
     * {@link #PREFILL}, so the unmuted participant is heard one frame (20 ms) sooner; if a frame then comes late, the
     * playout point waits for it once, winning back the delay the early start skipped.
     */
    public int clearForUnmute() {
        int dropped = clear();
        prefill = 1;
        return dropped;
    }

    public int buffered() {
        return buffered;
    }

    public boolean playing() {
        return started;
    }

    /** Frames dropped so far to keep the delay bounded or to make room. */
    public long trimmed() {
        return trimmed;
    }

    /**
     * Frames discarded so far, unplayed, because their stream restarted: a packet of another SSRC, or a sequence jump
     * of more than {@value #RESYNC_GAP}. Not counted by {@link #clear()}'s own return (which callers count).
     */
    public long restartDiscards() {
        return restartDiscards;
    }
}
