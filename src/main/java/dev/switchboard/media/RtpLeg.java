package dev.switchboard.media;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.codec.FrameDecoder;
import dev.switchboard.media.codec.FrameEncoder;
import dev.switchboard.media.mix.AudioMixer;
import dev.switchboard.media.rtp.JitterBuffer;
import dev.switchboard.media.rtp.RtpPacket;
import dev.switchboard.media.rtp.RtpStreamWriter;
import dev.switchboard.media.sdp.AudioNegotiation;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * One participant's RTP leg: its UDP port, ingress filter, jitter buffer, decoder and outgoing stream.
 *
 * <p>Threads: {@link #onDatagram} runs on the engine's packet thread; {@link #pullFrame} and the send
 * methods run on the room's mixer thread; the mute setters and {@link #close} on any thread. The jitter
 * buffer is the only state shared between the packet and mixer threads and is guarded by a lock held only
 * for a copy (never across I/O). Mute flags are volatile and are re-checked under that lock, so a packet
 * cannot slip into the buffer after a mute's flush.
 *
 * <p>Source filter: only datagrams from the offer's {@code c=} address are accepted. The first valid RTP
 * packet latches the source port; RTP from another port of that address is dropped as unexpected_source
 * until the latched port has been silent for {@link #RELATCH_NANOS} (then the new port is latched, e.g.
 * after a NAT rebinding). RTCP is accepted from any port of the address and ignored. We send to the port
 * of the offer, not to the latched source (peers such as ffmpeg send from another port than they receive on).
 */
public final class RtpLeg implements MediaLeg {
    static final long RELATCH_NANOS = 2_000_000_000L;
    /** A frame whose peak is below this (about -66 dBFS) counts as silence: the leg does not contribute. */
    static final int SILENCE_PEAK = 16;

    private final RtpRoom room;
    private final String participantId;
    private final DatagramChannel channel;
    private final int localPort;
    private final String sdpAnswer;
    private final AudioCodec codec;
    private final int payloadType;
    private final InetAddress remoteIp;
    private final InetSocketAddress sendTarget;
    private final boolean acceptsMedia;

    private volatile boolean serverMuted;
    private volatile boolean clientMuted;
    private volatile long serverMutedSince;
    private volatile long clientMutedSince;
    private volatile boolean closed;
    private volatile boolean decoderResetPending;

    // packet thread only
    private int latchedPort;
    private long latchedSeenNanos;
    private final PacketBudget budget = new PacketBudget();

    private final Object bufferLock = new Object();
    private final JitterBuffer jitter;

    // mixer thread only
    private final byte[] playoutPayload;
    private final short[] pcm = new short[AudioCodec.MIX_FRAME];
    /** Created on the first frame to decode, so a leg that is muted or never talks costs no codec state. */
    private FrameDecoder decoder;
    private FrameEncoder encoder;
    private final RtpStreamWriter writer;
    private final byte[] out;
    private final ByteBuffer outBuffer;
    private boolean contributing;
    private boolean playing;

    private final LegCounters stats;

    /** An RTP leg on {@code channel} for a negotiated offer. */
    RtpLeg(RtpRoom room, MediaCounters counters, String participantId, DatagramChannel channel, int localPort,
           AudioNegotiation negotiation, String localAddress) {
        this.room = room;
        this.stats = new LegCounters(counters);
        this.participantId = participantId;
        this.channel = channel;
        this.localPort = localPort;
        this.codec = negotiation.codec();
        this.payloadType = negotiation.payloadType();
        this.sdpAnswer = negotiation.answer(localAddress, localPort);
        this.remoteIp = parseIp(negotiation.remoteAddress());
        this.sendTarget = negotiation.weSend() ? new InetSocketAddress(remoteIp, negotiation.remotePort()) : null;
        this.acceptsMedia = negotiation.weReceive();
        this.jitter = new JitterBuffer(maxPayload(codec));
        this.playoutPayload = new byte[maxPayload(codec)];
        this.writer = new RtpStreamWriter(payloadType, codec.samplesPerFrame());
        this.out = new byte[RtpPacket.HEADER_BYTES + (codec == AudioCodec.OPUS ? 1275 : 160)];
        this.outBuffer = ByteBuffer.wrap(out);
    }

    /** A server-side leg: no port, no peer; silent, but mutable like any leg. */
    RtpLeg(RtpRoom room, MediaCounters counters, String participantId) {
        this.room = room;
        this.stats = new LegCounters(counters);
        this.participantId = participantId;
        this.channel = null;
        this.localPort = 0;
        this.codec = null;
        this.payloadType = -1;
        this.sdpAnswer = null;
        this.remoteIp = null;
        this.sendTarget = null;
        this.acceptsMedia = false;
        this.jitter = new JitterBuffer(0);
        this.playoutPayload = new byte[0];
        this.writer = null;
        this.out = null;
        this.outBuffer = null;
    }

    /**
     * Largest payload buffered: 60 ms of G.711, or an Opus packet of up to 640 bytes (256 kbit/s at 20 ms,
     * far above any voice bitrate); larger payloads are dropped as malformed. Keeps a leg's heap small.
     */
    static int maxPayload(AudioCodec codec) {
        return codec == AudioCodec.OPUS ? 640 : 480;
    }

    private static InetAddress parseIp(String dotted) {
        try {
            return InetAddress.getByName(dotted); // a dotted literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv4 literal: " + dotted, e);
        }
    }

    @Override
    public String participantId() {
        return participantId;
    }

    @Override
    public String sdpAnswer() {
        return sdpAnswer;
    }

    /** The leg's UDP port, 0 for a server-side leg. */
    public int localPort() {
        return localPort;
    }

    /** The negotiated codec, null for a server-side leg. */
    public AudioCodec codec() {
        return codec;
    }

    DatagramChannel channel() {
        return channel;
    }

    // ---------------------------------------------------------------- control plane

    @Override
    public void setServerMuted(boolean muted) {
        if (muted) {
            boolean wasMuted = serverMuted;
            serverMuted = true;
            flushAndAwaitTick(DropReason.SERVER_MUTED);
            if (!wasMuted) {
                serverMutedSince = System.nanoTime();
            }
        } else if (serverMuted) {
            serverMutedSince = 0;
            synchronized (bufferLock) {
                jitter.clear();
                serverMuted = false;
            }
            decoderResetPending = true;
        }
    }

    @Override
    public void setClientMuted(boolean muted) {
        if (muted) {
            boolean wasMuted = clientMuted;
            clientMuted = true;
            flushAndAwaitTick(DropReason.CLIENT_MUTED);
            if (!wasMuted) {
                clientMutedSince = System.nanoTime();
            }
        } else if (clientMuted) {
            clientMutedSince = 0;
            synchronized (bufferLock) {
                jitter.clear();
                clientMuted = false;
            }
            decoderResetPending = true;
        }
    }

    /** Discards what was buffered before the flag was set, then waits out a mixer tick that may hold a frame. */
    private void flushAndAwaitTick(DropReason reason) {
        int discarded;
        synchronized (bufferLock) {
            discarded = jitter.clear();
        }
        drop(reason, discarded);
        room.awaitTickBoundary();
    }

    public boolean serverMuted() {
        return serverMuted;
    }

    public boolean clientMuted() {
        return clientMuted;
    }

    @Override
    public void close() {
        room.removeLeg(this);
    }

    /** Called by the room once the leg is out of its mixing set. */
    void release(PortAllocator ports, PacketReceiver receiver) {
        if (closed) {
            return;
        }
        closed = true;
        if (channel != null) {
            PortAllocator.closeQuietly(channel);
            receiver.wakeup(); // lets the selector deregister the key, which frees the socket
            ports.release(localPort);
        }
    }

    boolean isClosed() {
        return closed;
    }

    // ---------------------------------------------------------------- packet thread

    /** Ingress: filters one datagram and, if it passes, buffers its payload. Never throws, never blocks on I/O. */
    void onDatagram(byte[] buf, int length, InetSocketAddress source, RtpPacket packet, long now) {
        stats.packetIn();
        RtpPacket.Kind kind = packet.parse(buf, length);
        if (kind == RtpPacket.Kind.MALFORMED) {
            drop(DropReason.MALFORMED, 1);
            return;
        }
        if (!remoteIp.equals(source.getAddress())) {
            drop(DropReason.UNEXPECTED_SOURCE, 1);
            return;
        }
        if (kind == RtpPacket.Kind.RTCP) {
            stats.rtcpIn();
            return;
        }
        if (packet.payloadType() != payloadType) {
            drop(DropReason.MALFORMED, 1);
            return;
        }
        int port = source.getPort();
        if (port != latchedPort) {
            if (latchedPort != 0 && now - latchedSeenNanos < RELATCH_NANOS) {
                drop(DropReason.UNEXPECTED_SOURCE, 1);
                return;
            }
            latchedPort = port;
        }
        latchedSeenNanos = now;
        if (serverMuted) {
            drop(DropReason.SERVER_MUTED, 1);
            return;
        }
        if (clientMuted || !acceptsMedia) {
            drop(DropReason.CLIENT_MUTED, 1);
            return;
        }
        if (!budget.take(now)) {
            drop(DropReason.QUEUE_FULL, 1);
            return;
        }
        JitterBuffer.Insert result;
        long trimmed;
        DropReason muted = null;
        synchronized (bufferLock) {
            if (serverMuted) {
                muted = DropReason.SERVER_MUTED;
            } else if (clientMuted) {
                muted = DropReason.CLIENT_MUTED;
            }
            if (muted != null) {
                result = null;
                trimmed = 0;
            } else {
                long before = jitter.trimmed();
                result = jitter.insert(packet.sequence(), packet.ssrc(), buf, packet.payloadOffset(), packet.payloadLength());
                trimmed = jitter.trimmed() - before;
            }
        }
        if (muted != null) {
            drop(muted, 1);
            return;
        }
        if (trimmed > 0) {
            drop(DropReason.QUEUE_FULL, trimmed);
        }
        switch (result) {
            case DUPLICATE -> drop(DropReason.DUPLICATE, 1);
            case LATE -> drop(DropReason.LATE, 1);
            case TOO_LARGE -> drop(DropReason.MALFORMED, 1);
            default -> {
            }
        }
    }

    private void drop(DropReason reason, long n) {
        stats.drop(reason, n);
    }

    // ---------------------------------------------------------------- mixer thread

    /**
     * Takes this tick's frame from the jitter buffer and decodes it into {@link #pcm()}.
     *
     * @return true if the leg contributes audible audio to this tick's mix
     */
    boolean pullFrame() {
        contributing = false;
        if (codec == null) {
            return false; // a server-side leg is silent
        }
        if (decoderResetPending) {
            decoderResetPending = false;
            if (decoder != null) {
                decoder.reset();
            }
            playing = false;
        }
        int n;
        long trimmed;
        synchronized (bufferLock) {
            if (serverMuted || clientMuted) {
                return false;
            }
            long before = jitter.trimmed();
            n = jitter.pop(playoutPayload);
            trimmed = jitter.trimmed() - before;
        }
        if (trimmed > 0) {
            drop(DropReason.QUEUE_FULL, trimmed);
        }
        if (n >= 0) {
            if (decoder == null) {
                decoder = codec.newDecoder();
            }
            decoder.decode(playoutPayload, 0, n, pcm);
            playing = true;
        } else if (n == JitterBuffer.LOST && playing) {
            decoder.conceal(pcm);
            stats.frameConcealed();
        } else {
            playing = false;
            return false;
        }
        contributing = !silent(pcm);
        return contributing;
    }

    private static boolean silent(short[] pcm) {
        for (short s : pcm) {
            if (s >= SILENCE_PEAK || s <= -SILENCE_PEAK) {
                return false;
            }
        }
        return true;
    }

    short[] pcm() {
        return pcm;
    }

    boolean contributing() {
        return contributing;
    }

    /** True if either mute flag is set now (volatile reads). */
    boolean mutedNow() {
        return serverMuted || clientMuted;
    }

    /** Takes this leg's frame out of the current tick (it was muted after its frame was pulled). */
    void withdraw() {
        contributing = false;
    }

    /** True if the mixer sends this leg a stream (an RTP leg whose peer receives, not closed). */
    boolean receivesMix() {
        return sendTarget != null && !closed;
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
        outBuffer.clear().limit(RtpPacket.HEADER_BYTES + payloadLength);
        try {
            channel.send(outBuffer, sendTarget);
            stats.packetOut();
        } catch (IOException e) {
            // closed under us or the peer is unreachable: the next tick tries again; nothing to log per packet
        }
    }

    /** Advances the outgoing RTP timestamp over frames the mixer skipped. Mixer thread. */
    void skipFrames(long frames) {
        if (writer != null) {
            for (long i = 0; i < frames; i++) {
                writer.skipFrame();
            }
        }
    }

    /** After a tick's sends: counts this leg's frame as mixed, and as a leak if a mute had already returned. */
    void accountMixed(long tickEndNanos) {
        stats.frameMixed();
        long s = serverMutedSince;
        if (s != 0 && s - tickEndNanos < 0) {
            stats.mixedAfterMute(true);
        }
        long c = clientMutedSince;
        if (c != 0 && c - tickEndNanos < 0) {
            stats.mixedAfterMute(false);
        }
    }

    /** A snapshot of this leg's counters. Any thread. */
    public LegStats stats() {
        return stats.snapshot(participantId, localPort, codec, serverMuted, clientMuted);
    }
}
