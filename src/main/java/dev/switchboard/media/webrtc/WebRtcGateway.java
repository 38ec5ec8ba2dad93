package dev.switchboard.media.webrtc;

import dev.switchboard.media.sdp.WebRtcAnswer;
import dev.switchboard.media.sdp.WebRtcOffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Everything WebRTC legs share: the one UDP port and its demultiplexer, the server certificate, the counters,
 * the consent policy, and a sweeper (thread {@code webrtc-sweeper}, once a second) that finds legs whose ICE
 * consent expired, whose DTLS failed or whose browser closed DTLS, and hands each to its {@code onFinished}
 * callback once. Thread-safe.
 */
public final class WebRtcGateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebRtcGateway.class);

    /** A leg's transport and the answer to send back for it. */
    public record Session(WebRtcTransport transport, String answer) {
    }

    private final SecureRandom random = new SecureRandom();
    private final String advertisedAddress;
    private final ConsentPolicy consent;
    /** Generated on first use ({@link #certificate()}): Bouncy Castle is loaded only once WebRTC is used. */
    private volatile DtlsCertificate certificate;
    private final WebRtcCounters counters = new WebRtcCounters();
    private final WebRtcDemux demux = new WebRtcDemux(counters);
    private final WebRtcPort port;
    private final ScheduledExecutorService sweeper;
    private final ScheduledExecutorService reports;
    /** Open legs and what to call when each should end (by identity: closing one is a lookup, not a scan). */
    private final ConcurrentHashMap<WebRtcTransport, Consumer<WebRtcTransport>> open = new ConcurrentHashMap<>();

    private WebRtcGateway(InetSocketAddress bind, String advertisedAddress, ConsentPolicy consent) throws IOException {
        this.advertisedAddress = advertisedAddress;
        this.consent = consent;
        this.port = WebRtcPort.open(bind, demux);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("webrtc-sweeper").daemon().unstarted(r));
        sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
        this.reports = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("webrtc-rtcp").daemon().unstarted(r));
        reports.scheduleWithFixedDelay(this::report, 250, 250, TimeUnit.MILLISECONDS);
    }

    /**
     * Binds the WebRTC port. The server certificate is generated on the first leg's offer (or {@link #fingerprint()}),
     * not here: it loads Bouncy Castle's ~300 classes, which a server that never sees a browser does not need.
     *
     * @param advertisedAddress the address written in answers' host candidate (what browsers can reach)
     */
    public static WebRtcGateway start(InetSocketAddress bind, String advertisedAddress, ConsentPolicy consent) throws IOException {
        WebRtcGateway g = new WebRtcGateway(bind, advertisedAddress, consent);
        log.info("webrtc port open port={} advertised={}", g.port.localPort(), advertisedAddress);
        return g;
    }

    /**
     * Opens a leg's transport for a parsed offer and renders the answer.
     *
     * @param ssrc       the SSRC the leg sends with (for {@code a=ssrc})
     * @param media      where the leg's decrypted packets go (packet thread)
     * @param onFinished called once (sweeper thread) when the leg should end; the leg then calls {@link #close(WebRtcTransport)}
     */
    public Session open(WebRtcOffer offer, long ssrc, MediaSink media, String name, Consumer<WebRtcTransport> onFinished) {
        IceCredentials local = IceCredentials.random(random);
        DtlsCertificate certificate = certificate();
        WebRtcTransport transport = new WebRtcTransport(local, offer.iceUfrag(), offer.fingerprint(), certificate, consent,
                counters, port, media, random, name, System.nanoTime());
        transport.enableReports(ssrc, offer.codec().clockRate(), "switchboard-" + name);
        demux.register(transport);
        open.put(transport, onFinished);
        String answer = new WebRtcAnswer(advertisedAddress, port.localPort(), local.ufrag(), local.password(),
                certificate.fingerprint(), ssrc & 0xFFFF_FFFFL).render(offer);
        return new Session(transport, answer);
    }

    /** Ends a leg's transport: it is unreachable and sends nothing more. Idempotent. */
    public void close(WebRtcTransport transport) {
        open.remove(transport);
        demux.unregister(transport);
        transport.close();
    }

    public int localPort() {
        return port.localPort();
    }

    /** The server certificate's fingerprint (generating the certificate if no leg has yet). */
    public DtlsFingerprint fingerprint() {
        return certificate().fingerprint();
    }

    /** The server certificate, generated by the first caller (~10 ms); later callers get the same one. */
    private DtlsCertificate certificate() {
        DtlsCertificate c = certificate;
        if (c == null) {
            synchronized (this) {
                c = certificate;
                if (c == null) {
                    c = DtlsCertificate.generate("switchboard", Duration.ofDays(365), random);
                    certificate = c;
                    log.info("webrtc certificate generated fingerprint={}", c.fingerprint());
                }
            }
        }
        return c;
    }

    public WebRtcCounters counters() {
        return counters;
    }

    /** Legs open on the port. */
    public int legs() {
        return demux.size();
    }

    private void sweep() {
        long now = System.nanoTime();
        for (var o : open.entrySet()) {
            if (o.getKey().isFinished(now) && open.remove(o.getKey(), o.getValue())) {
                counters.legsEnded.increment();
                try {
                    o.getValue().accept(o.getKey());
                } catch (RuntimeException e) {
                    log.warn("webrtc leg end handler failed reason={}", e.toString());
                }
            }
        }
    }

    /** Thread {@code webrtc-rtcp}, every 250 ms: each leg whose randomized report interval passed sends its report. */
    private void report() {
        long now = System.nanoTime();
        long wall = System.currentTimeMillis();
        for (WebRtcTransport t : open.keySet()) {
            try {
                t.reportIfDue(now, wall);
            } catch (RuntimeException e) {
                log.warn("webrtc rtcp report failed reason={}", e.toString());
            }
        }
    }

    @Override
    public void close() throws IOException {
        reports.shutdownNow();
        sweeper.shutdownNow();
        for (WebRtcTransport t : open.keySet()) {
            t.close();
        }
        open.clear();
        port.close();
    }
}
