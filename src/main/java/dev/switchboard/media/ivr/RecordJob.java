package dev.switchboard.media.ivr;

import dev.switchboard.media.codec.AudioCodec;

import java.util.ArrayList;
import java.util.List;

/**
 * A recordResponse: its prompt, then the beep, then a recording of what the bot hears (the mix of every other
 * participant, without the bot's own prompts) until a stop condition.
 *
 * <p>Voice activity rule (docs/ivr-media.md): each 20 ms frame, taken at 16 kHz, is <em>voice</em> when its RMS level
 * is at least {@value #VOICE_RMS} (about −40 dBFS), else silence. No voice within the initial silence timeout ends
 * the recording ({@link Ending#INITIAL_SILENCE}); after voice, an unbroken run of silence as long as the max silence
 * timeout ends it ({@link Ending#MAX_SILENCE}) and that run is trimmed from the file. A stop tone, the max duration,
 * a cancel, the call's end and a full recording store ({@link Ending#STORAGE_FULL}) also end it.
 *
 * <p>Mixer thread, apart from construction and {@link #tone}. The audio goes to disk as it is recorded: each full 200 ms
 * chunk is handed to the {@link RecordingWriter}'s thread ({@link SpooledRecording}), so no file work and no copy of
 * the whole recording happen on the mixer thread, and chunks come back through the writer's pool.
 */
public final class RecordJob extends MediaJob {
    /** The recording's sample rate: Graph's documented prompt format, so a recording can be replayed as a prompt. */
    public static final int RATE = 16000;
    static final int FRAME = RATE / 50;
    static final int VOICE_RMS = 328;
    private static final int CHUNK = RecordingWriter.CHUNK;
    private final ClipPlayer prompt;
    private final String stopTones;
    private final int initialSilenceFrames;
    private final int maxSilenceFrames;
    private final int maxFrames;
    /** This tick's sum of what the bot hears: the mixer thread's array, lent for the tick ({@link #beginFrame}). */
    private int[] heard;
    private final SpooledRecording spool;
    /** 48 → 16 kHz without aliasing; keeps the recording's last 2 ms at 48 kHz. */
    private final RecordingDecimator decimator = new RecordingDecimator();
    private short[] chunk;
    private int filled;
    private volatile boolean stopToneHeard;
    private boolean recording;
    private boolean voiceHeard;
    private int frames;
    private int silentRun;

    /**
     * @param prompts          played first (may be empty)
     * @param beep             played after the prompts, or null for none
     * @param stopTones        DTMF characters that end the recording ({@code "#*1"}), may be empty
     * @param initialSilenceMs how long to wait for the first voice
     * @param maxSilenceMs     how much silence after voice ends it
     * @param maxDurationMs    the longest recording
     * @param spool            where the audio goes ({@link RecordingWriter#open()}); the job's {@link JobResult}
     *                         carries it
     */
    public RecordJob(List<PromptSlot> prompts, PcmClip beep, String stopTones, int initialSilenceMs, int maxSilenceMs,
                     int maxDurationMs, SpooledRecording spool, JobListener listener) {
        super(listener);
        this.spool = spool;
        List<PromptSlot> all = new ArrayList<>(prompts);
        if (beep != null) {
            all.add(PromptSlot.of(beep));
        }
        this.prompt = new ClipPlayer(all.toArray(PromptSlot[]::new), false);
        this.stopTones = stopTones;
        this.initialSilenceFrames = Math.max(1, initialSilenceMs / AudioCodec.FRAME_MILLIS);
        this.maxSilenceFrames = Math.max(1, maxSilenceMs / AudioCodec.FRAME_MILLIS);
        this.maxFrames = Math.max(1, maxDurationMs / AudioCodec.FRAME_MILLIS);
    }

    @Override
    void releasePrompts() {
        prompt.release();
    }

    /** A DTMF digit from a participant; a stop tone ends the recording at the next tick. Any thread. */
    public void tone(char digit) {
        if (stopTones.indexOf(digit) >= 0) {
            stopToneHeard = true;
        }
    }

    /** Whether this tick's audio is being recorded (the prompt and beep are over). */
    boolean recording() {
        return recording;
    }

    /** Starts this tick's frame of what the bot hears, summed in {@code heard} (lent for the tick). */
    void beginFrame(int[] heard) {
        this.heard = heard;
        java.util.Arrays.fill(heard, 0);
    }

    /** Adds one participant's 48 kHz frame to what the bot hears this tick. */
    void hear(short[] pcm) {
        for (int i = 0; i < heard.length; i++) {
            heard[i] += pcm[i];
        }
    }

    @Override
    short[] frame(short[] out) {
        if (stopToneHeard) {
            end(Ending.STOP_TONE, null);
            return null;
        }
        if (!recording) {
            String failure = prompt.failure();
            if (failure != null) {
                end(Ending.PROMPT_FAILED, failure);
                return null;
            }
            short[] f = prompt.next(out);
            recording = prompt.done();
            return f;
        }
        String full = spool.fullMessage();
        if (full != null) {
            end(Ending.STORAGE_FULL, full);
            return null;
        }
        boolean voice = store();
        frames++;
        if (voice) {
            voiceHeard = true;
            silentRun = 0;
        } else {
            silentRun++;
        }
        if (frames >= maxFrames) {
            end(Ending.MAX_DURATION, null);
        } else if (!voiceHeard && frames >= initialSilenceFrames) {
            end(Ending.INITIAL_SILENCE, null);
        } else if (voiceHeard && silentRun >= maxSilenceFrames) {
            end(Ending.MAX_SILENCE, null);
        }
        return null;
    }

    /** Appends this tick's frame at 16 kHz (the 48 kHz mix low-passed and decimated, saturated); true if it is voice. */
    private boolean store() {
        if (chunk == null) {
            chunk = spool.chunk();
        }
        long energy = decimator.down(heard, chunk, filled);
        filled += FRAME;
        if (filled == CHUNK) {
            spool.write(chunk, CHUNK);
            chunk = null;
            filled = 0;
        }
        return energy >= (long) VOICE_RMS * VOICE_RMS * FRAME;
    }

    /**
     * What was recorded; null when the call ended before the recording began (the job was still queued, or its prompt
     * or beep still played): there is nothing to keep, and the file is discarded.
     */
    @Override
    SpooledRecording recording(Ending ending) {
        int keep = frames - (ending == Ending.MAX_SILENCE ? silentRun : 0);
        spool.finish(chunk, filled, (long) Math.max(0, keep) * FRAME);
        chunk = null;
        filled = 0;
        if (ending == Ending.HANG_UP && !recording) {
            spool.discard();
            return null;
        }
        return spool;
    }
}
