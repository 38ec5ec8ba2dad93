package dev.switchboard.media.webrtc;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The WebRTC port's counters: drops by reason and the handshake outcomes, as {@link LongAdder}s written on the
 * packet and handshake threads without locks or allocation. Thread-safe; one instance per port, shared by its
 * legs.
 */
public final class WebRtcCounters {
    private static final WebRtcDropReason[] REASONS = WebRtcDropReason.values();

    private final LongAdder[] dropped = new LongAdder[REASONS.length];
    final LongAdder stunAnswered = new LongAdder();
    final LongAdder dtlsHandshakes = new LongAdder();
    final LongAdder dtlsFailed = new LongAdder();
    final LongAdder dtlsFingerprintMismatch = new LongAdder();
    final LongAdder legsEnded = new LongAdder();
    final LongAdder rtcpSenderReports = new LongAdder();
    final LongAdder rtcpReceiverReports = new LongAdder();
    final LongAdder rtcpReportsSent = new LongAdder();

    public WebRtcCounters() {
        for (int i = 0; i < REASONS.length; i++) {
            dropped[i] = new LongAdder();
        }
    }

    void drop(WebRtcDropReason reason) {
        dropped[reason.ordinal()].increment();
    }

    public long dropped(WebRtcDropReason reason) {
        return dropped[reason.ordinal()].sum();
    }

    public Map<WebRtcDropReason, Long> droppedSnapshot() {
        Map<WebRtcDropReason, Long> m = new EnumMap<>(WebRtcDropReason.class);
        for (WebRtcDropReason r : REASONS) {
            m.put(r, dropped(r));
        }
        return m;
    }

    /** Binding requests answered with a success response. */
    public long stunAnswered() {
        return stunAnswered.sum();
    }

    /** DTLS handshakes completed with SRTP keys. */
    public long dtlsHandshakes() {
        return dtlsHandshakes.sum();
    }

    /** DTLS handshakes that failed for any reason (including a fingerprint mismatch). */
    public long dtlsFailed() {
        return dtlsFailed.sum();
    }

    /** DTLS handshakes refused because the client's certificate did not match the offer's fingerprint. */
    public long dtlsFingerprintMismatch() {
        return dtlsFingerprintMismatch.sum();
    }

    /** Legs the transport ended: ICE never connected, consent expired, DTLS failed or the browser closed it. */
    public long legsEnded() {
        return legsEnded.sum();
    }

    /** Sender Reports received from browsers (in valid compound SRTCP packets). */
    public long rtcpSenderReports() {
        return rtcpSenderReports.sum();
    }

    /** Receiver Reports received from browsers. */
    public long rtcpReceiverReports() {
        return rtcpReceiverReports.sum();
    }

    /** RTCP reports (compound SR/RR + SDES) sent to browsers. */
    public long rtcpReportsSent() {
        return rtcpReportsSent.sum();
    }
}
