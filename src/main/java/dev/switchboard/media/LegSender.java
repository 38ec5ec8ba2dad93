package dev.switchboard.media;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.codec.FrameEncoder;
import dev.switchboard.media.codec.OpusEncoderSettings;
import dev.switchboard.media.mix.AudioMixer;
import dev.switchboard.media.rtp.RtpPacket;
import dev.switchboard.media.rtp.RtpStreamWriter;
import dev.switchboard.media.webrtc.WebRtcTransport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * The last stage of a leg: encodes the leg's mix and sends it as RTP to the offer's address and port — but only once
 * that address has sent the leg valid RTP or RTCP ({@link #latch()}, from the {@link IngressFilter}). Before that,
 * the room counts each packet it would have sent as withheld. We send to the offer's port, not to the packets'
 * source port: peers such as ffmpeg send from another port than they receive on.
 *
 * <p>Threads (see docs/concurrency.md): {@link #latch()} on the packet thread; everything else on the room's mixer
 * thread. The socket is shared with the packet thread's receive (a datagram channel allows one sender and one
 * receiver at once).
 */
final class LegSender {
    private final DatagramChannel channel;
    private final InetSocketAddress target;
    private final AudioCodec codec;
    private final LegCounters stats;
    private final RtpStreamWriter writer;
    private final byte[] out;
    /**
     * Direct: a heap buffer handed to {@code DatagramChannel.send} is copied by the JDK into a temporary direct buffer
     * (a thread-local cache look-up per send); copying into our own direct buffer skips that (~0.1–0.3 µs of a ~5.6 µs
     * loopback send, docs/benchmarks.md "Issue 17, PCMU media plane CPU").
     */
    private final ByteBuffer outBuffer;
    private FrameEncoder encoder;
    /** The mixer and tick of {@link #encoder}'s last 48 kHz frame: its stream continues only into the next tick. */
    private AudioMixer encodedBy;
    private long encodedTick;
    /** {@link AudioMixer#restarts()} at that frame: a mute since, and the encoder restarts. */
    private long encodedRestarts;
    private final OpusEncoderSettings opus;
    /** A WebRTC leg's transport: RTP goes out SRTP-protected through it instead of {@link #channel}. */
    private WebRtcTransport webRtc;
    /** The leg's RFC 4733 sender, or null when the peer negotiated no telephone-event. */
    private final DtmfSender dtmf;
    private volatile boolean latched;

    LegSender(DatagramChannel channel, InetSocketAddress target, AudioCodec codec, int payloadType, LegCounters stats) {
        this(channel, target, codec, payloadType, -1, null, stats, OpusEncoderSettings.SWITCHBOARD);
    }

    /** @param dtmfPayloadType the peer's telephone-event payload type, or -1; completions run on {@code dtmfCompletions};
     *                        {@code opus} is how this leg's own Opus encoder encodes */
    LegSender(DatagramChannel channel, InetSocketAddress target, AudioCodec codec, int payloadType, int dtmfPayloadType,
              java.util.concurrent.Executor dtmfCompletions, LegCounters stats, OpusEncoderSettings opus) {
        this.opus = opus;
        this.dtmf = dtmfPayloadType >= 0 ? new DtmfSender(dtmfPayloadType, codec.samplesPerFrame(), dtmfCompletions) : null;
        this.channel = channel;
        this.target = target;
        this.codec = codec;
        this.stats = stats;
        this.writer = new RtpStreamWriter(payloadType, codec.samplesPerFrame());
        this.out = new byte[RtpPacket.HEADER_BYTES + (codec == AudioCodec.OPUS ? 1275 : 160)];
        this.outBuffer = ByteBuffer.allocateDirect(out.length);
    }

    /** Sends through a WebRTC transport (SRTP protect, ICE-checked address, consent) instead of a plain channel. */
    void sendVia(WebRtcTransport transport) {
        this.webRtc = transport;
    }

    /** The SSRC this sender writes. */
    int ssrc() {
        return writer.ssrc();
    }

    /** The peer's address has sent valid RTP or RTCP: from now on the leg's stream goes out. Packet thread. */
    void latch() {
        latched = true;
    }

    /** True once {@link #latch()} ran. Any thread. */
    boolean latched() {
        return latched;
    }

    /** The leg's RFC 4733 sender, or null. */
    DtmfSender dtmf() {
        return dtmf;
    }

    /** Sends this frame's telephone-event instead of audio if one is due; true if it did. */
    private boolean sentEvent() {
        if (dtmf == null) {
            return false;
        }
        int n = dtmf.nextPacket(out, writer);
        if (n == 0) {
            return false;
        }
        if (send(n)) {
            stats.dtmfPacketOut();
        }
        return true;
    }

    /**
     * Sends this leg a mix of its own (its mix-minus, hold music, a routed mix) of {@code mixer}'s tick, encoded with its
     * own encoder, at the tick's rate ({@link AudioMixer#narrow()}: 160 samples at 8 kHz).
     */
    void sendOwn(short[] mix, AudioMixer mixer) {
        if (sentEvent()) {
            return;
        }
        if (encoder == null) {
            encoder = codec.newEncoder(opus);
        }
        int n;
        if (mixer.narrow()) {
            n = encoder.encodeNarrow(mix, out, RtpPacket.HEADER_BYTES);
        } else {
            if (encodedBy != mixer || encodedRestarts != mixer.restarts()) {
                encoder.restart(); // first frame, another room's history, or a mute came since (in this tick or before)
            } else if (encodedTick != mixer.tick() - 1) {
                encoder.discontinuity(); // the last frame came from the shared encoder, at 8 kHz, or ticks ago
            }
            encodedBy = mixer;
            encodedTick = mixer.tick();
            encodedRestarts = mixer.restarts();
            n = encoder.encode(mix, out, RtpPacket.HEADER_BYTES);
        }
        if (n < 0) {
            writer.skipFrame();
            return;
        }
        transmit(n);
    }

    /** Frees the encoder's native memory (libopus) once the leg is out of the mix; any thread, as Playout's. */
    void releaseCodec() {
        FrameEncoder e = encoder;
        if (e != null) {
            e.close();
        }
    }

    /** Sends this leg the room's shared encoding of the full mix. */
    void sendShared(AudioMixer mixer) {
        if (sentEvent()) {
            return;
        }
        int n = mixer.encodeShared(codec);
        if (n < 0) {
            writer.skipFrame();
            return;
        }
        System.arraycopy(mixer.sharedPayload(codec), 0, out, RtpPacket.HEADER_BYTES, n);
        transmit(n);
    }

    private void transmit(int payloadLength) {
        writer.writeNextHeader(out);
        send(RtpPacket.HEADER_BYTES + payloadLength);
    }

    /** Sends {@code out[0..length)}; true if it went out. */
    private boolean send(int length) {
        if (webRtc != null) {
            if (webRtc.sendRtp(out, length, System.nanoTime())) {
                stats.packetOut();
                return true;
            }
            return false;
        }
        outBuffer.clear();
        outBuffer.put(out, 0, length).flip();
        try {
            channel.send(outBuffer, target);
            stats.packetOut();
            return true;
        } catch (IOException e) {
            // closed under us or the peer is unreachable: the next tick tries again; nothing to log per packet
            return false;
        }
    }

    /** Advances the outgoing RTP timestamp over frames the mixer skipped. */
    void skipFrames(long frames) {
        for (long i = 0; i < frames; i++) {
            writer.skipFrame();
        }
    }
}
