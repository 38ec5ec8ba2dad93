package dev.switchboard.media.mix;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.codec.FrameEncoder;
import dev.switchboard.media.codec.OpusEncoderSettings;

/**
 * The arithmetic of one room's 20 ms tick at 48 kHz (or at 8 kHz, {@link #begin(boolean)}, when every leg of the
 * room is G.711 and nothing else plays: no 48 kHz round trip, a sixth of the work per frame): the sum of every contributing leg, each
 * talker's mix-minus (the sum without itself, saturated to 16 bits), and the encoded full mix that
 * every non-contributing leg of a codec shares. Sharing is exact for G.711 (stateless) and for the
 * content of Opus; an Opus leg that starts or stops talking switches between its own encoder and the
 * shared one, which its decoder sees like a speaker switch in an SFU.
 *
 * <p>Not thread-safe: owned by the room's mixer thread. The sum and the full mix live in that thread's
 * {@link MixBuffers}, which every room the thread ticks uses in turn: they are valid within a tick only. The shared
 * encoders (their state runs from tick to tick) are the room's own. Allocation-free per tick (encoders are created on
 * first use).
 */
public final class AudioMixer {
    private static final int WIDE = AudioCodec.MIX_FRAME;
    private static final AudioCodec[] CODECS = AudioCodec.values();
    private final int[] total;
    private final short[] fullMix;
    /** Samples of this tick's frames: {@link AudioCodec#MIX_FRAME}, or {@link AudioCodec#NARROW_FRAME} at 8 kHz. */
    private int n = WIDE;
    private boolean narrow;
    private final FrameEncoder[] sharedEncoders = new FrameEncoder[CODECS.length];
    private final byte[][] sharedPayloads = new byte[CODECS.length][];
    private final int[] sharedLengths = new int[CODECS.length];
    /** The tick each shared encoder last encoded at 48 kHz (a G.711 encoder's filter continues only from the last tick). */
    private final long[] sharedWideTicks = new long[CODECS.length];
    /** Ticks begun, this one included. */
    private long ticks;
    /**
     * Mutes announced so far ({@link #restartEncoders()}): an encoder whose last frame was encoded at another count may
     * hold audio from before a mute, and restarts before its next frame.
     */
    private long restarts;
    /** {@link #restarts} at each shared encoder's last 48 kHz frame. */
    private final long[] sharedRestarts = new long[CODECS.length];
    private final OpusEncoderSettings opus;
    private boolean fullMixReady;
    private int contributors;

    /** A mixer with buffers of its own, whose shared Opus encoder uses {@link OpusEncoderSettings#SWITCHBOARD}. */
    public AudioMixer() {
        this(OpusEncoderSettings.SWITCHBOARD, new MixBuffers());
    }

    /**
     * A mixer whose shared Opus encoder uses {@code opus} and whose sum and full mix are {@code buffers}' (its mixer
     * thread's).
     */
    public AudioMixer(OpusEncoderSettings opus, MixBuffers buffers) {
        this.opus = java.util.Objects.requireNonNull(opus, "opus");
        this.total = buffers.total;
        this.fullMix = buffers.fullMix;
    }

    /** Starts a 48 kHz tick: empties the sum and the shared encodings. */
    public void begin() {
        begin(false);
    }

    /**
     * Starts a tick at 8 kHz ({@code narrow}: frames are {@link AudioCodec#NARROW_FRAME} samples, every codec encoded
     * is narrowband) or 48 kHz; empties the sum and the shared encodings.
     */
    public void begin(boolean narrow) {
        this.narrow = narrow;
        this.n = narrow ? AudioCodec.NARROW_FRAME : WIDE;
        ticks++;
        java.util.Arrays.fill(total, 0, n, 0);
        for (int i = 0; i < CODECS.length; i++) {
            sharedLengths[i] = -2;
        }
        fullMixReady = false;
        contributors = 0;
    }

    /** Adds one contributing leg's frame. */
    public void add(short[] pcm) {
        for (int i = 0; i < n; i++) {
            total[i] += pcm[i];
        }
        contributors++;
    }

    /**
     * Takes a frame added this tick out of the sum again (its leg was muted mid-tick); shared encodings
     * made so far are dropped and re-encoded on demand.
     */
    public void remove(short[] pcm) {
        for (int i = 0; i < n; i++) {
            total[i] -= pcm[i];
        }
        contributors--;
        fullMixReady = false;
        for (int i = 0; i < CODECS.length; i++) {
            sharedLengths[i] = -2;
        }
    }

    /**
     * A mute was announced since the last send: every encoder of this room, the shared ones and the legs' own, restarts
     * ({@link FrameEncoder#restart()}) before its next frame, whether that comes in this tick or ticks later, instead of
     * going on from its history, which may hold the muted leg's last milliseconds (a G.711 listener's resampler: 1.7
     * ms; Opus: CELT's overlap, the encoder's delay compensation, SILK's state); shared encodings made so far are
     * dropped and re-encoded on demand. No packet sent after a mute carries any of the muted audio, not even from
     * before it (docs/media.md, "The zero-leak rule").
     */
    public void restartEncoders() {
        restarts++;
        for (int i = 0; i < CODECS.length; i++) {
            sharedLengths[i] = -2;
        }
    }

    /**
     * How many times {@link #restartEncoders()} was called: an encoder whose last frame of this mixer was encoded at
     * another count restarts before its next one.
     */
    public long restarts() {
        return restarts;
    }

    /** True if this tick mixes at 8 kHz. */
    public boolean narrow() {
        return narrow;
    }

    /** The number of the current tick (1 for the first {@link #begin()}): a stream's encoder continues from tick - 1. */
    public long tick() {
        return ticks;
    }

    public int contributors() {
        return contributors;
    }

    /** Writes the sum of all contributions except {@code own} into {@code out}, saturated. */
    public void mixMinus(short[] own, short[] out) {
        for (int i = 0; i < n; i++) {
            out[i] = saturate(total[i] - own[i]);
        }
    }

    /** Writes the sum of all contributions except {@code own} (null: all of them) into {@code out}, unsaturated. */
    public void sumInto(int[] out, short[] own) {
        for (int i = 0; i < n; i++) {
            out[i] = own == null ? total[i] : total[i] - own[i];
        }
    }

    /**
     * The full mix (every contribution), saturated. Valid until the next {@link #begin()} of any room of this mixer
     * thread (the array is its {@link MixBuffers}').
     */
    public short[] fullMix() {
        if (!fullMixReady) {
            for (int i = 0; i < n; i++) {
                fullMix[i] = saturate(total[i]);
            }
            fullMixReady = true;
        }
        return fullMix;
    }

    /**
     * The full mix encoded with {@code codec}, encoded at most once per tick and shared by every leg that
     * receives it. Read the bytes from {@link #sharedPayload(AudioCodec)}.
     *
     * @return the payload length, or -1 if encoding failed
     */
    public int encodeShared(AudioCodec codec) {
        int c = codec.ordinal();
        if (sharedLengths[c] == -2) {
            if (sharedEncoders[c] == null) {
                sharedEncoders[c] = codec.newEncoder(opus);
                sharedPayloads[c] = new byte[sharedEncoders[c].maxPayloadBytes()];
                sharedRestarts[c] = restarts; // new: no history
            }
            FrameEncoder e = sharedEncoders[c];
            if (narrow) {
                sharedLengths[c] = e.encodeNarrow(fullMix(), sharedPayloads[c], 0);
                sharedWideTicks[c] = 0;
            } else {
                if (sharedRestarts[c] != restarts) {
                    e.restart(); // a mute since its last frame (this tick or earlier): forget all of it
                    sharedRestarts[c] = restarts;
                } else if (sharedWideTicks[c] != ticks - 1) {
                    e.discontinuity(); // skipped ticks or came from 8 kHz
                }
                sharedLengths[c] = e.encode(fullMix(), sharedPayloads[c], 0);
                sharedWideTicks[c] = ticks;
            }
        }
        return sharedLengths[c];
    }

    public byte[] sharedPayload(AudioCodec codec) {
        return sharedPayloads[codec.ordinal()];
    }

    static short saturate(int v) {
        return (short) (v > Short.MAX_VALUE ? Short.MAX_VALUE : Math.max(v, Short.MIN_VALUE));
    }
}
