package dev.switchboard.media.webrtc;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Exposes a {@link WebRtcCounters} to Micrometer as function counters (no cost per packet): the WebRTC drop
 * reasons join {@code switchboard.media.dropped.packets{reason}} ({@code srtp_auth_failed}, {@code srtp_replay},
 * {@code stun_unauthenticated}, …), plus {@code switchboard.webrtc.stun.answered},
 * {@code switchboard.webrtc.dtls.handshakes{outcome}}, {@code switchboard.webrtc.legs.ended},
 * {@code switchboard.webrtc.rtcp.received{type=sr|rr}} and {@code switchboard.webrtc.rtcp.sent}.
 */
public final class WebRtcMeters {
    private WebRtcMeters() {
    }

    /** Registers the meters; returns them so the owner can remove them again when the port closes. */
    public static List<Meter> bind(MeterRegistry registry, WebRtcCounters counters) {
        List<Meter> meters = new ArrayList<>();
        for (WebRtcDropReason r : WebRtcDropReason.values()) {
            meters.add(FunctionCounter.builder("switchboard.media.dropped.packets", counters, c -> c.dropped(r))
                    .tag("reason", r.tag()).description("RTP packets/frames not mixed, by reason").register(registry));
        }
        meters.add(counter(registry, "switchboard.webrtc.stun.answered", counters, WebRtcCounters::stunAnswered, "ICE checks answered"));
        meters.add(FunctionCounter.builder("switchboard.webrtc.dtls.handshakes", counters, WebRtcCounters::dtlsHandshakes)
                .tag("outcome", "ok").description("DTLS-SRTP handshakes").register(registry));
        meters.add(FunctionCounter.builder("switchboard.webrtc.dtls.handshakes", counters, c -> c.dtlsFailed() - c.dtlsFingerprintMismatch())
                .tag("outcome", "failed").description("DTLS-SRTP handshakes").register(registry));
        meters.add(FunctionCounter.builder("switchboard.webrtc.dtls.handshakes", counters, WebRtcCounters::dtlsFingerprintMismatch)
                .tag("outcome", "fingerprint_mismatch").description("DTLS-SRTP handshakes").register(registry));
        meters.add(counter(registry, "switchboard.webrtc.legs.ended", counters, WebRtcCounters::legsEnded,
                "WebRTC legs ended by their transport (no ICE, consent expired, DTLS failed or closed)"));
        meters.add(FunctionCounter.builder("switchboard.webrtc.rtcp.received", counters, WebRtcCounters::rtcpSenderReports)
                .tag("type", "sr").description("RTCP reports received from browsers").register(registry));
        meters.add(FunctionCounter.builder("switchboard.webrtc.rtcp.received", counters, WebRtcCounters::rtcpReceiverReports)
                .tag("type", "rr").description("RTCP reports received from browsers").register(registry));
        meters.add(counter(registry, "switchboard.webrtc.rtcp.sent", counters, WebRtcCounters::rtcpReportsSent,
                "RTCP reports (SR or RR with SDES) sent to browsers"));
        return meters;
    }

    private static Meter counter(MeterRegistry registry, String name, WebRtcCounters c, ToDoubleFunction<WebRtcCounters> f, String description) {
        return FunctionCounter.builder(name, c, f).description(description).register(registry);
    }

}
