package dev.switchboard.media;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.codec.FrameDecoder;
import dev.switchboard.media.rtp.JitterBuffer;
import dev.switchboard.media.rtp.RtpPacket;

/**
 * A leg's playout: its jitter buffer and decoder. The packet thread {@link #insert}s admitted RTP payloads; the mixer
 * thread {@link #pull}s one decoded 20 ms frame per tick into {@link #pcm()}. The buffer is the only state the two
 * share, guarded by one lock held only for a copy (never across I/O); the mute flags are re-checked under it, so a
 * packet cannot slip into the buffer after a mute's {@link #clear()}.
 *
 * <p>Threads (see docs/concurrency.md): {@link #insert} on the packet thread; {@link #pull}, {@link #pcm()},
 * {@link #contributing()} and {@link #withdraw()} on the room's mixer thread; {@link #clear()} and
 * {@link #clearAndUnmute} on request threads (through {@link MuteState}).
 */
public final class Playout {
    /** A frame whose peak is below this (about -66 dBFS) counts as silence: the leg does not contribute. */
    static final int SILENCE_PEAK = 16;

    private final AudioCodec codec;
    private final DropSink drops;
    private final Object lock = new Object();
    private final JitterBuffer jitter;
    private final java.util.concurrent.atomic.LongAdder concealed = new java.util.concurrent.atomic.LongAdder();
    private volatile boolean decoderResetPending;

    // mixer thread only
    private final byte[] payload;
    private final short[] pcm = new short[AudioCodec.MIX_FRAME];
    /** Created on the first frame to decode, so a leg that is muted or never talks costs no codec state. */
    private FrameDecoder decoder;
    private boolean playing;
    private boolean contributing;
    /** How loud the leg has been lately, for the room's mix depth ({@link LoudestVoices}). */
    private final VoiceLevel voice = new VoiceLevel();
    /** Samples of the last frame decoded: 960 at 48 kHz, 160 at 8 kHz (read by watchers too: a torn value is harmless). */
    private int frameSamples = AudioCodec.MIX_FRAME;

    public Playout(AudioCodec codec, DropSink drops) {
        this.codec = codec;
        this.drops = drops;
        this.jitter = new JitterBuffer(maxPayload(codec));
        this.jitter.startOnFirstFrame(); // a new leg is heard from its first frame (docs/media.md, jitter buffer)
        this.payload = new byte[maxPayload(codec)];
    }

    /**
     * Largest payload buffered: 60 ms of G.711, or an Opus packet of up to 640 bytes (256 kbit/s at 20 ms,
     * far above any voice bitrate); larger payloads are dropped as malformed. Keeps a leg's heap small.
     */
    static int maxPayload(AudioCodec codec) {
        return codec == AudioCodec.OPUS ? 640 : 480;
    }

    /**
     * Buffers the payload of an admitted RTP packet (parsed in {@code packet} from {@code buf}) unless the leg was
     * muted meanwhile; counts frames pushed out of a full buffer as {@code queue_full}, and those of a stream its
     * sender restarted as {@code stream_restart}. Packet thread.
     *
     * @return null if buffered, else why not (muted, duplicate, late, or too large = malformed)
     */
    public DropReason insert(RtpPacket packet, byte[] buf, MuteState mute) {
        JitterBuffer.Insert result = null;
        DropReason muted;
        long trimmed;
        long restarted;
        synchronized (lock) {
            long before = jitter.trimmed();
            long restartsBefore = jitter.restartDiscards();
            muted = mute.reason();
            if (muted != null) {
                jitter.refuse(packet.sequence(), packet.ssrc());
            } else {
                result = jitter.insert(packet.sequence(), packet.ssrc(), buf, packet.payloadOffset(), packet.payloadLength());
            }
            trimmed = jitter.trimmed() - before;
            restarted = jitter.restartDiscards() - restartsBefore;
        }
        drops.drop(DropReason.QUEUE_FULL, trimmed);
        drops.drop(DropReason.STREAM_RESTART, restarted);
        if (muted != null) {
            return muted;
        }
        return switch (result) {
            case DUPLICATE -> DropReason.DUPLICATE;
            case LATE -> DropReason.LATE;
            case TOO_LARGE -> DropReason.MALFORMED;
            case ACCEPTED -> null;
        };
    }

    /**
     * Notes an RTP audio packet the leg refused because it is muted (parsed in {@code packet}): after the unmute, no
     * frame sent before it plays, however late a reordered or duplicated copy arrives. Packet thread.
     */
    public void refuseMuted(RtpPacket packet) {
        long restarted;
        synchronized (lock) {
            long before = jitter.restartDiscards();
            jitter.refuse(packet.sequence(), packet.ssrc());
            restarted = jitter.restartDiscards() - before;
        }
        drops.drop(DropReason.STREAM_RESTART, restarted);
    }

    /**
     * Takes this tick's frame and decodes it into {@link #pcm()} (or conceals a lost one). Mixer thread.
     *
     * @return true if the leg contributes audible audio to this tick's mix
     */
    public boolean pull(MuteState mute) {
        return pull(mute, false);
    }

    /**
     * Like {@link #pull(MuteState)}, decoding at 8 kHz into {@code pcm()[0..160)} when {@code narrow} (the room mixes
     * at 8 kHz; only for a narrowband codec, {@link AudioCodec#narrowband()}). Mixer thread.
     */
    public boolean pull(MuteState mute, boolean narrow) {
        contributing = false;
        if (decoderResetPending) {
            decoderResetPending = false;
            if (decoder != null) {
                decoder.reset();
            }
            playing = false;
        }
        int n;
        long trimmed;
        synchronized (lock) {
            if (mute.muted()) {
                voice.reset(); // a muted leg gives its seat up at once
                return false;
            }
            long before = jitter.trimmed();
            n = jitter.pop(payload);
            trimmed = jitter.trimmed() - before;
        }
        drops.drop(DropReason.QUEUE_FULL, trimmed);
        if (n >= 0) {
            if (decoder == null) {
                decoder = codec.newDecoder();
            }
            if (narrow) {
                decoder.decodeNarrow(payload, 0, n, pcm);
            } else {
                decoder.decode(payload, 0, n, pcm);
            }
            playing = true;
        } else if (n == JitterBuffer.LOST && playing) {
            if (narrow) {
                decoder.concealNarrow(pcm);
            } else {
                decoder.conceal(pcm);
            }
            concealed.increment();
        } else {
            playing = false;
            voice.quiet();
            return false;
        }
        int samples = narrow ? AudioCodec.NARROW_FRAME : AudioCodec.MIX_FRAME;
        frameSamples = samples;
        int peak = 0;
        long sum = 0;
        for (int i = 0; i < samples; i++) {
            int a = Math.abs(pcm[i]);
            peak = Math.max(peak, a);
            sum += a;
        }
        contributing = peak >= SILENCE_PEAK;
        if (contributing) {
            voice.heard((int) (sum / samples));
        } else {
            voice.quiet();
        }
        return contributing;
    }

    /** How loud the leg has been lately (mixer thread). */
    VoiceLevel voice() {
        return voice;
    }

    /** The frame of the last {@link #pull}: 960 samples at 48 kHz, or the first 160 at 8 kHz. Mixer thread. */
    public short[] pcm() {
        return pcm;
    }

    /** True if the last {@link #pull} contributed and the frame was not {@link #withdraw() withdrawn}. Mixer thread. */
    public boolean contributing() {
        return contributing;
    }

    /** Takes this tick's frame out of the mix (the leg was muted after its frame was pulled). Mixer thread. */
    public void withdraw() {
        contributing = false;
    }

    /**
     * Frees the decoder's native memory (libopus) once the leg is out of the mix. Any thread: a decoder this thread
     * does not see yet is freed when it is collected, and a decode still running finishes first.
     */
    void releaseCodec() {
        FrameDecoder d = decoder;
        if (d != null) {
            d.close();
        }
    }

    /** Frames concealed so far. Any thread. */
    long concealed() {
        return concealed.sum();
    }

    /** Frames in the jitter buffer now. Any thread (takes the lock briefly); for watchers, not the packet path. */
    int buffered() {
        synchronized (lock) {
            return jitter.buffered();
        }
    }

    /**
     * The peak absolute sample of the last decoded frame, read without the mixer's cooperation (a torn read is possible
     * and harmless). Any thread; for watchers, not the packet path.
     */
    int lastPeak() {
        int peak = 0;
        int samples = frameSamples;
        for (int i = 0; i < samples; i++) {
            short s = pcm[i];
            int a = s < 0 ? -s : s;
            if (a > peak) {
                peak = a;
            }
        }
        return peak;
    }

    /** Discards every buffered frame; returns how many. Any thread (takes the lock briefly). */
    public int clear() {
        synchronized (lock) {
            return jitter.clear();
        }
    }

    /** Clears the buffer and lifts a mute under one lock hold, and has the decoder start afresh at the next pull. */
    void clearAndUnmute(MuteState mute, MuteState.Side side) {
        synchronized (lock) {
            jitter.clearForUnmute(); // the next talk spurt plays from its first frame: the unmute is heard sooner
            mute.unmuteUnderPlayoutLock(side);
        }
        decoderResetPending = true;
    }
}
