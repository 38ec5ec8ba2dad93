package dev.switchboard.media.webrtc;

/**
 * The values of one outgoing RTCP report (RFC 3550 §6.4): sender info when this side sent RTP, and at most one
 * report block, for the browser's stream. Mutable and reused by the one thread that writes a leg's reports, so a
 * report costs no allocation; {@link RtcpWriter} turns it into bytes.
 */
public final class RtcpReport {
    /** This side's SSRC (the SSRC of the RTP it sends). */
    long ssrc;
    /** True for a Sender Report (this side sent RTP); false for a Receiver Report. */
    boolean sender;
    /** The 64-bit NTP timestamp of the report (RFC 3550 §4). */
    long ntp;
    /** The RTP timestamp of the same instant on this side's stream's clock. */
    long rtpTimestamp;
    long packets;
    long octets;
    /** True if a report block follows (this side received RTP). */
    boolean block;
    long sourceSsrc;
    int fractionLost;
    int cumulativeLost;
    long extendedHighestSeq;
    long jitter;
    long lastSr;
    long delaySinceLastSr;

    /** Sets the sender info (a Sender Report). */
    public RtcpReport sender(long ssrc, long ntp, long rtpTimestamp, long packets, long octets) {
        this.ssrc = ssrc;
        this.sender = true;
        this.ntp = ntp;
        this.rtpTimestamp = rtpTimestamp;
        this.packets = packets;
        this.octets = octets;
        return this;
    }

    /** Makes it a Receiver Report from {@code ssrc}. */
    public RtcpReport receiver(long ssrc) {
        this.ssrc = ssrc;
        this.sender = false;
        return this;
    }

    /** Sets the one report block (RFC 3550 §6.4.1); {@code lastSr}, {@code delaySinceLastSr} 0 when no SR came. */
    public RtcpReport block(long sourceSsrc, int fractionLost, int cumulativeLost, long extendedHighestSeq, long jitter,
                            long lastSr, long delaySinceLastSr) {
        this.block = true;
        this.sourceSsrc = sourceSsrc;
        this.fractionLost = fractionLost;
        this.cumulativeLost = cumulativeLost;
        this.extendedHighestSeq = extendedHighestSeq;
        this.jitter = jitter;
        this.lastSr = lastSr;
        this.delaySinceLastSr = delaySinceLastSr;
        return this;
    }

    /** No report block. */
    public RtcpReport noBlock() {
        this.block = false;
        return this;
    }

    /** The NTP timestamp (RFC 3550 §4) of a wall-clock instant in Unix milliseconds plus nanoseconds of that milli. */
    public static long ntp(long unixMillis, int extraNanos) {
        long seconds = Math.floorDiv(unixMillis, 1000) + 2_208_988_800L;
        long nanos = Math.floorMod(unixMillis, 1000) * 1_000_000L + extraNanos;
        return (seconds << 32) | ((nanos << 32) / 1_000_000_000L);
    }
}
