package dev.switchboard.media;

import dev.switchboard.media.rtp.RtpPacket;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The first stage of a leg's packet path: one datagram and its source in, a verdict out. Accepts only what the
 * leg negotiated, from where it negotiated it, at a rate a voice stream can use:
 * <ol>
 *   <li>not valid RTP or RTCP → {@code malformed};</li>
 *   <li>from another IP than the offer's {@code c=} address → {@code unexpected_source};</li>
 *   <li>RTCP from that address (any port) → accepted (the caller reads {@link RtpPacket#kind()} and ignores it);</li>
 *   <li>an RTP payload type that was not negotiated → {@code malformed};</li>
 *   <li>RTP from another port than the latched one while that port is active → {@code unexpected_source}: the first
 *       valid RTP packet latches its source port; another port takes over after {@link #RELATCH_NANOS} of silence,
 *       or at once with a packet that continues the latched stream (its SSRC, a sequence number at most
 *       {@link #REBIND_GAP} past the newest: a NAT rebinding, which moves the stream, not its numbers);</li>
 *   <li>the leg is muted → {@code server_muted} / {@code client_muted}; the peer's SDP says it does not send →
 *       {@code client_muted};</li>
 *   <li>over the leg's {@link RateBudget} → {@code queue_full}.</li>
 * </ol>
 * The first valid RTP or RTCP packet from the offer's address also runs the latch action: the leg's sender sends
 * nothing before it, so an offer cannot point the server's audio at an address that never asked for it.
 *
 * <p>Threads (see docs/concurrency.md): the packet thread only, one instance per leg; no locks, no allocation.
 */
public final class IngressFilter {
    /** How long the latched source port must be silent before another port of the same address takes over. */
    public static final long RELATCH_NANOS = 2_000_000_000L;
    /** How far past the latched stream's newest sequence number a packet from another port may be and still continue it. */
    public static final int REBIND_GAP = 50;

    private final InetAddress remoteIp;
    private final int payloadType;
    /** The negotiated RFC 4733 telephone-event payload type, or -1. */
    private final int dtmfPayloadType;
    private final boolean acceptsMedia;
    private final MuteState mute;
    private final Runnable onLatch;
    private final RateBudget budget = RateBudget.packets();
    private boolean latched;
    private int latchedPort;
    private long latchedSeenNanos;
    /** The SSRC and newest sequence number of the RTP stream from the latched port (valid once {@link #streamKnown}). */
    private boolean streamKnown;
    private int streamSsrc;
    private int streamSeq;
    /** When the peer's address last sent valid RTP or RTCP (0: never); read by {@link SilentLegs}. */
    private volatile long heardNanos;

    /**
     * @param remoteIp     the offer's media address: the only source accepted
     * @param payloadType  the negotiated RTP payload type
     * @param acceptsMedia false if the peer's SDP direction says it does not send (its RTP is refused as client_muted)
     * @param mute         the leg's mute flags
     * @param onLatch      run once, on the first valid RTP or RTCP packet from {@code remoteIp}
     */
    public IngressFilter(InetAddress remoteIp, int payloadType, boolean acceptsMedia, MuteState mute, Runnable onLatch) {
        this(remoteIp, payloadType, -1, acceptsMedia, mute, onLatch);
    }

    /**
     * A filter that also accepts RFC 4733 telephone-events of {@code dtmfPayloadType} (-1: none). Events pass the same
     * address, port-latch, direction and rate checks as audio, but not the mute checks: a key press is signalling,
     * not audio, and a muted participant can still answer an IVR (docs/dtmf.md).
     */
    public IngressFilter(InetAddress remoteIp, int payloadType, int dtmfPayloadType, boolean acceptsMedia, MuteState mute,
                         Runnable onLatch) {
        this.remoteIp = remoteIp;
        this.payloadType = payloadType;
        this.dtmfPayloadType = dtmfPayloadType;
        this.acceptsMedia = acceptsMedia;
        this.mute = mute;
        this.onLatch = onLatch;
    }

    /**
     * Judges {@code buf[0..length)} from {@code source} at {@code now} ({@link System#nanoTime()}), leaving it parsed
     * in {@code packet}.
     *
     * @return null to accept (RTP for the playout, or RTCP to ignore: see {@code packet.kind()}), else why it is dropped
     */
    public DropReason admit(byte[] buf, int length, InetSocketAddress source, RtpPacket packet, long now) {
        RtpPacket.Kind kind = packet.parse(buf, length);
        if (kind == RtpPacket.Kind.MALFORMED) {
            return DropReason.MALFORMED;
        }
        if (!remoteIp.equals(source.getAddress())) {
            return DropReason.UNEXPECTED_SOURCE;
        }
        if (kind == RtpPacket.Kind.RTCP) {
            heardNanos = now;
            latch();
            return null;
        }
        boolean event = packet.payloadType() == dtmfPayloadType;
        if (packet.payloadType() != payloadType && !event) {
            return DropReason.MALFORMED;
        }
        int port = source.getPort();
        if (port != latchedPort) {
            if (latchedPort != 0 && now - latchedSeenNanos < RELATCH_NANOS && !continuesStream(packet)) {
                return DropReason.UNEXPECTED_SOURCE;
            }
            latchedPort = port;
        }
        latchedSeenNanos = now;
        heardNanos = now;
        follow(packet);
        latch();
        if (event) {
            return !acceptsMedia ? DropReason.CLIENT_MUTED : budget.take(now) ? null : DropReason.QUEUE_FULL;
        }
        DropReason muted = mute.reason();
        if (muted != null) {
            return muted;
        }
        if (!acceptsMedia) {
            return DropReason.CLIENT_MUTED;
        }
        return budget.take(now) ? null : DropReason.QUEUE_FULL;
    }

    /** True if {@code packet} carries the latched stream's next numbers (a rebinding moved it to another port). */
    private boolean continuesStream(RtpPacket packet) {
        int ahead = (short) (packet.sequence() - streamSeq);
        return streamKnown && packet.ssrc() == streamSsrc && ahead > 0 && ahead <= REBIND_GAP;
    }

    private void follow(RtpPacket packet) {
        if (!streamKnown || packet.ssrc() != streamSsrc || (short) (packet.sequence() - streamSeq) > 0) {
            streamKnown = true;
            streamSsrc = packet.ssrc();
            streamSeq = packet.sequence();
        }
    }

    /**
     * When the peer last sent valid RTP or RTCP from its address (muted, over budget or not), as {@link System#nanoTime()};
     * 0 if it never did. Any thread.
     */
    long heardNanos() {
        return heardNanos;
    }

    private void latch() {
        if (!latched) {
            latched = true;
            onLatch.run();
        }
    }
}
