package dev.switchboard.media;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.codec.FrameEncoder;
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
    private final ByteBuffer outBuffer;
    private FrameEncoder encoder;
    /** A WebRTC leg's transport: RTP goes out SRTP-protected through it instead of {@link #channel}. */
    private WebRtcTransport webRtc;
    private volatile boolean latched;

    LegSender(DatagramChannel channel, InetSocketAddress target, AudioCodec codec, int payloadType, LegCounters stats) {
        this.channel = channel;
        this.target = target;
        this.codec = codec;
        this.stats = stats;
        this.writer = new RtpStreamWriter(payloadType, codec.samplesPerFrame());
        this.out = new byte[RtpPacket.HEADER_BYTES + (codec == AudioCodec.OPUS ? 1275 : 160)];
        this.outBuffer = ByteBuffer.wrap(out);
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

    /** Sends this leg its own mix-minus, encoded with its own encoder. */
    void sendOwn(short[] mix) {
        if (encoder == null) {
            encoder = codec.newEncoder();
        }
        int n = encoder.encode(mix, out, RtpPacket.HEADER_BYTES);
        if (n < 0) {
            writer.skipFrame();
            return;
        }
        transmit(n);
    }

    /** Sends this leg the room's shared encoding of the full mix. */
    void sendShared(AudioMixer mixer) {
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
        if (webRtc != null) {
            if (webRtc.sendRtp(out, RtpPacket.HEADER_BYTES + payloadLength, System.nanoTime())) {
                stats.packetOut();
            }
            return;
        }
        outBuffer.clear().limit(RtpPacket.HEADER_BYTES + payloadLength);
        try {
            channel.send(outBuffer, target);
            stats.packetOut();
        } catch (IOException e) {
            // closed under us or the peer is unreachable: the next tick tries again; nothing to log per packet
        }
    }

    /** Advances the outgoing RTP timestamp over frames the mixer skipped. */
    void skipFrames(long frames) {
        for (long i = 0; i < frames; i++) {
            writer.skipFrame();
        }
    }
}
