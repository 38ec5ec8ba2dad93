package dev.switchboard.media.webrtc;

/**
 * What a leg's reports say about the browser's RTP stream (RFC 3550 §6.4.1, Appendix A.1, A.3, A.8): its SSRC,
 * the extended highest sequence number, packets received, interarrival jitter, and the last Sender Report heard
 * (for LSR/DLSR). Written by the packet thread ({@link #onRtp}, {@link #onSenderReport}), read by the report
 * timer ({@link #fill}) through volatile fields: a report may mix values a packet apart, never blocks either side.
 * The loss fraction's "prior" counters belong to the timer alone. Simplified from A.1: no probation; a jump of
 * more than 3000 ahead (or 100 behind) restarts the count at once. No allocation.
 */
final class ReceptionStats {
    private final int clockRate;
    // packet thread writes, timer reads
    private volatile long ssrc = -1;
    private volatile long baseSeq;
    private volatile long cycles;
    private volatile int maxSeq;
    private volatile long received;
    private volatile long jitterQ4; // jitter * 16 (RFC 3550 A.8), in RTP units
    private volatile long lastSrMiddle;
    private volatile long lastSrNanos;
    private long lastTransit;
    // timer only
    private long priorSsrc = -1;
    private long expectedPrior;
    private long receivedPrior;

    ReceptionStats(int clockRate) {
        this.clockRate = clockRate;
    }

    /** A decrypted RTP packet {@code buf[0..length)} (at least 12 bytes) that arrived at {@code nowNanos}. */
    void onRtp(byte[] buf, int length, long nowNanos) {
        if (length < 12) {
            return;
        }
        long s = Bytes.getInt(buf, 8) & 0xFFFF_FFFFL;
        int seq = Bytes.getShort(buf, 2);
        long ts = Bytes.getInt(buf, 4) & 0xFFFF_FFFFL;
        long arrival = (nowNanos / 1000) * clockRate / 1_000_000;
        if (s != ssrc) { // a new (or the first) source: start over (A.1 init_seq)
            ssrc = s;
            baseSeq = seq;
            maxSeq = seq;
            cycles = 0;
            received = 1;
            jitterQ4 = 0;
            lastTransit = arrival - ts;
            return;
        }
        int delta = (seq - maxSeq) & 0xFFFF;
        if (delta < 3000) { // in order, possibly with a gap (A.1 MAX_DROPOUT)
            if (seq < maxSeq) {
                cycles += 65536;
            }
            maxSeq = seq;
        } else if (delta <= 65536 - 100) { // a very large jump: the sender restarted; resync (A.1, simplified)
            baseSeq = seq;
            maxSeq = seq;
            cycles = 0;
            received = 0;
        } // else: a duplicate or reordered packet; counted below
        received++;
        long transit = arrival - ts;
        long d = Math.abs(transit - lastTransit);
        lastTransit = transit;
        long j = jitterQ4;
        jitterQ4 = j + d - ((j + 8) >> 4);
    }

    /** A Sender Report of the browser's arrived: its NTP timestamp's middle 32 bits, at {@code nowNanos}. */
    void onSenderReport(long ntpMiddle, long nowNanos) {
        lastSrNanos = nowNanos;
        lastSrMiddle = ntpMiddle;
    }

    /** True once an RTP packet arrived. */
    boolean hasSource() {
        return ssrc >= 0;
    }

    /** Fills {@code report}'s block for now (timer thread); the loss fraction covers the time since the last fill. */
    void fill(RtcpReport report, long nowNanos) {
        long s = ssrc;
        if (s < 0) {
            report.noBlock();
            return;
        }
        long extended = cycles + maxSeq;
        long got = received;
        long expected = extended - baseSeq + 1;
        long lost = expected - got;
        if (s != priorSsrc || expected < expectedPrior || got < receivedPrior) { // a new source or a resync
            priorSsrc = s;
            expectedPrior = 0;
            receivedPrior = 0;
        }
        long expectedInterval = expected - expectedPrior;
        long receivedInterval = got - receivedPrior;
        expectedPrior = expected;
        receivedPrior = got;
        long lostInterval = expectedInterval - receivedInterval;
        int fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : (int) Math.min(255, (lostInterval << 8) / expectedInterval);
        long lsr = lastSrMiddle;
        long dlsr = 0;
        if (lastSrNanos != 0 && lsr != 0) {
            dlsr = Math.min(0xFFFF_FFFFL, ((nowNanos - lastSrNanos) << 16) / 1_000_000_000L); // units of 1/65536 s
        }
        report.block(s, fraction, (int) Math.max(-0x80_0000, Math.min(0x7F_FFFF, lost)), extended & 0xFFFF_FFFFL,
                jitterQ4 >> 4, lsr, dlsr);
    }
}
