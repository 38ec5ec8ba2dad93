package dev.switchboard.media.webrtc;

import java.util.concurrent.ThreadLocalRandom;

/**
 * One leg's RTCP reports to the browser (RFC 3550 §6.4): what it sent (counted by {@link #onSent} on the sending
 * thread), what it received ({@link ReceptionStats}, packet thread), and, when {@link #due} on the report timer,
 * a compound SR (or RR) + report block + SDES CNAME written into a reused buffer.
 *
 * <p>Interval: {@value #INTERVAL_MILLIS} ms on average, each one drawn uniformly from 0.5–1.5 times that (RFC 3550
 * §6.3.1's randomization; with two members and audio-sized reports the §6.2 bandwidth rule would allow less, the
 * 5 s minimum is halved as §6.2 permits for unicast, the way browsers report about once a second or so). The
 * first report goes out as soon as the leg sends or receives RTP (§6.2: the initial report may be early).
 */
final class RtcpReporter {
    /** The mean report interval. */
    static final long INTERVAL_MILLIS = 2_500;

    private final ReceptionStats reception;
    private final int clockRate;
    private final long ownSsrc;
    private final byte[] cname;
    private final RtcpReport report = new RtcpReport();
    final byte[] packet;
    // sending thread writes, timer reads
    private volatile long sentSsrc = -1;
    private volatile long sentPackets;
    private volatile long sentOctets;
    private volatile long lastTimestamp;
    private volatile long lastSentNanos;
    // timer only
    private long nextNanos;

    /**
     * @param ownSsrc   the SSRC this leg's RTP uses (reports name it before any RTP was sent)
     * @param clockRate the RTP clock rate of the negotiated codec (48000 for Opus)
     */
    RtcpReporter(long ownSsrc, int clockRate, String cname) {
        this.ownSsrc = ownSsrc & 0xFFFF_FFFFL;
        this.clockRate = clockRate;
        this.reception = new ReceptionStats(clockRate);
        this.cname = RtcpWriter.cname(cname);
        this.packet = new byte[RtcpWriter.maxLength(this.cname.length) + 32];
    }

    ReceptionStats reception() {
        return reception;
    }

    /** A plain RTP packet {@code rtp[0..length)} this leg sent at {@code nowNanos} (sending thread). */
    void onSent(byte[] rtp, int length, long nowNanos) {
        int header = SrtpContext.rtpHeaderLength(rtp, length);
        if (header < 0) {
            return;
        }
        sentSsrc = Bytes.getInt(rtp, 8) & 0xFFFF_FFFFL;
        lastTimestamp = Bytes.getInt(rtp, 4) & 0xFFFF_FFFFL;
        lastSentNanos = nowNanos;
        sentPackets = sentPackets + 1;
        sentOctets = sentOctets + (length - header);
    }

    /**
     * On the timer: writes the next report into {@link #packet} if it is due.
     *
     * @param unixMillis the wall clock now (for the NTP timestamp)
     * @return the report's length, or 0 if none is due (or there is nothing to report yet)
     */
    int due(long nowNanos, long unixMillis) {
        if (nextNanos != 0 && nowNanos - nextNanos < 0) {
            return 0;
        }
        long sent = sentPackets;
        if (sent == 0 && !reception.hasSource()) {
            return 0;
        }
        long jittered = INTERVAL_MILLIS / 2 + ThreadLocalRandom.current().nextLong(INTERVAL_MILLIS + 1);
        nextNanos = nowNanos + jittered * 1_000_000L;
        if (sent > 0) {
            long sinceLast = nowNanos - lastSentNanos;
            long rtp = lastTimestamp + sinceLast / 1000 * clockRate / 1_000_000;
            report.sender(sentSsrc, RtcpReport.ntp(unixMillis, 0), rtp & 0xFFFF_FFFFL, sent, sentOctets);
        } else {
            report.receiver(ownSsrc);
        }
        reception.fill(report, nowNanos);
        return RtcpWriter.write(report, cname, packet);
    }
}
