package dev.switchboard.server;

import dev.switchboard.admin.AdminConsole;
import dev.switchboard.auth.BearerAuthenticator;
import dev.switchboard.auth.EmbeddedAuthority;
import dev.switchboard.auth.PublicOrigins;
import dev.switchboard.client.ParticipantLevels;
import dev.switchboard.client.RingStreams;
import dev.switchboard.client.RosterStreams;
import dev.switchboard.cluster.CallRouter;
import dev.switchboard.cluster.LocalCallRouter;
import dev.switchboard.core.CallEngine;
import dev.switchboard.core.CallEventSink;
import dev.switchboard.core.CallingBots;
import dev.switchboard.core.DeviceQualityLog;
import dev.switchboard.journal.FileCallJournal;
import dev.switchboard.media.MediaEngine;
import dev.switchboard.media.RtpMediaEngine;
import dev.switchboard.notify.CallbackTokenSigner;
import dev.switchboard.notify.CallbackUriPolicy;
import dev.switchboard.notify.NotificationSink;
import dev.switchboard.notify.NotifierSettings;
import dev.switchboard.notify.WebhookNotifier;
import io.javalin.Javalin;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Builds every part by hand and runs them in one process. Not reusable after {@link #close()}.
 *
 * <p>Threads and locks: docs/concurrency.md.
 *
 * <p>The one place that builds every part by hand (ARCHITECTURE.md: no DI container) in dependency order, connects
 * the call engine's events to their listeners, and releases the parts in reverse on a failed start and on
 * {@link #close()}. How a part is built lives with it: {@link RtpMediaPlane}, {@link ServerAuthority},
 * {@link BotDelivery}, {@link HttpListeners}, {@link ServerRoutes}, {@link CallSweeper}, {@link Draining},
 * {@link JvmMeters}, {@link IvrWiring}, {@link ClusterMode}.
 */
public final class SwitchboardServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SwitchboardServer.class);
    /** The live calls, in the data directory (docs/durability.md). */
    public static final String JOURNAL_FILE = "calls.journal";

    static {
        WebhookNotifier.allowPinnedHostHeader(); // before any HTTP client of this JVM exists
    }

    private final ServerConfig config;
    private final PrometheusMeterRegistry metrics;
    private final Draining draining = new Draining();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Javalin http;
    private final HttpListeners listeners;
    private final EmbeddedAuthority authority;
    private final MediaEngine media;
    private final CallEngine calls;
    private final CallRouter router;
    private final CallSweeper sweeper = new CallSweeper();
    private final IvrWiring ivr;
    private final BotDelivery bots;
    private final FileCallJournal journal;
    /** This server's hold on its data directory, from before the journal is read until it stopped. */
    private final DataDirLock dataDirLock;
    private final RosterStreams rosterStreams;
    private final RingStreams ringStreams;
    private final JvmMeters jvmMeters;
    private final PublicOrigins origins;
    private final dev.switchboard.api.GraphRequestThrottle graphThrottle;
    private volatile String baseUrl;
    /** Cluster mode's parts, or null without {@code --redis} (docs/cluster.md). */
    private final ClusterMode cluster;

    /** The server with the RTP media plane and webhook delivery wired from the configuration. */
    public SwitchboardServer(ServerConfig config) {
        this(config, MetricsRegistry.create());
    }

    private SwitchboardServer(ServerConfig config, PrometheusMeterRegistry metrics) {
        this(config, metrics, RtpMediaPlane.open(config, metrics), null);
    }

    /**
     * The server with the given media plane (closed with the server) and notification sink; tests pass recording
     * fakes. A null sink means real webhook delivery ({@link WebhookNotifier}, signed by the embedded authority).
     */
    public SwitchboardServer(ServerConfig config, MediaEngine media, NotificationSink notifications) {
        this(config, MetricsRegistry.create(), media, notifications);
    }

    private SwitchboardServer(ServerConfig config, PrometheusMeterRegistry metrics, MediaEngine media,
                              NotificationSink notifications) {
        this.config = config;
        this.metrics = metrics;
        this.media = media;
        this.jvmMeters = new JvmMeters(metrics);
        LocalCa.ServerCertificate certificate;
        NotifierSettings notifierSettings;
        CallbackUriPolicy callbackPolicy; // immutable: shared by its users
        CallingBots callingBots;
        ClusterMode clusterMode = null;
        DataDirLock lock = null;
        try {
            lock = DataDirLock.acquire(config.dataDir()); // first: before anything reads or writes the directory
            clusterMode = config.cluster().enabled() ? ClusterMode.open(config.cluster(), config.dataDir()) : null;
            this.origins = new PublicOrigins(config.publicBaseUrl(), config.https().trustedProxies(), this::baseUrl);
            certificate = config.https().enabled() ? ServerCertificates.resolve(config) : null;
            this.authority = ServerAuthority.open(config, origins, metrics, clusterMode);
        } catch (RuntimeException e) {
            if (clusterMode != null) {
                clusterMode.close();
            }
            if (lock != null) {
                lock.close();
            }
            // a bad identity config or key file: release what is already running (media ports and threads)
            sweeper.shutdownNow();
            media.close();
            jvmMeters.close();
            throw e;
        }
        try {
            notifierSettings = config.notifierSettings();
            callbackPolicy = new CallbackUriPolicy(notifierSettings);
            callingBots = config.inbound().bots(config.identity().identities().directory(), callbackPolicy);
            this.journal = FileCallJournal.open(config.dataDir().resolve(JOURNAL_FILE));
        } catch (RuntimeException e) {
            sweeper.shutdownNow();
            media.close();
            authority.close();
            jvmMeters.close();
            if (clusterMode != null) {
                clusterMode.close();
            }
            lock.close();
            throw e;
        }
        this.dataDirLock = lock;
        this.cluster = clusterMode;
        // bots' logTeleconferenceDeviceQuality reports, the latest 1,000, read through the admin API
        DeviceQualityLog deviceQuality = new DeviceQualityLog(DeviceQualityLog.DEFAULT_CAPACITY);
        AdminConsole adminConsole = new AdminConsole(Clock.systemUTC(), deviceQuality); // the dashboard (docs/admin-api.md)
        this.bots = new BotDelivery(notifications, notifierSettings, this::callbackSigner, metrics, callbackPolicy,
                adminConsole);
        // The engine's events go to the bots (rendered, then delivered) and to the participants' roster streams.
        this.rosterStreams = new RosterStreams(config.rosterStreams(), metrics);
        this.ringStreams = new RingStreams(rosterStreams); // users rung (docs/inbound-calls.md)
        CallEventSink outgoing = bots.events();
        if (cluster != null) {
            outgoing = cluster.build(journal, () -> calls().liveCalls(), bots.events(), rosterStreams, ringStreams);
            bots.numberFrom(cluster.node().webhookSequences()); // a survivor continues a dead owner's numbering
            Gauge.builder("switchboard.cluster.nodes", cluster.node(), n -> n.nodes().size())
                    .description("live nodes of the cluster (this one included) in this node's view, refreshed each second")
                    .register(metrics);
        }
        List<CallEventSink> all = List.of(outgoing, rosterStreams, ringStreams, new JoinLinks(this::baseUrl),
                adminConsole.events());
        this.calls = new CallEngine(media, CallEventSink.all(all), Clock.systemUTC(), config.calls(),
                cluster == null ? bots.endsOnceHeard(journal) : cluster.journal());
        this.ivr = new IvrWiring(calls, callbackPolicy, config.dataDir(), config.media(),
                sweeper.executor(), metrics);
        if (cluster != null) {
            cluster.endFencedCallsOn(calls);
            cluster.routes(authority.authenticator());
            cluster.recordingsHere(ivr::hasRecording); // a recording made elsewhere is fetched from its node
        }
        // a crash ended them: their bots hear it now (in a cluster, unless a survivor told them or the cluster does)
        bots.announceLost(journal, cluster == null ? journal.orphans() : cluster.lostInCrash(journal.orphans()));
        this.router = cluster == null ? new LocalCallRouter(calls) : cluster.router(calls);
        rosterStreams.sendLevels(new ParticipantLevels(calls.directory(), // join page meters (docs/roster-stream.md)
                media instanceof RtpMediaEngine rtp ? rtp : null));
        Gauge.builder("switchboard.calls.active", calls, CallEngine::liveCalls)
                .description("calls in progress").register(metrics);
        calls.refusals().forEach((limit, refusals) -> FunctionCounter.builder("switchboard.guesses.refused", refusals,
                        dev.switchboard.error.RefusalLog::refused)
                .description("Attempts refused by a guessing limit, whether their log line was written or summarised")
                .tag("limit", limit).register(metrics));
        FunctionCounter.builder("switchboard.device.quality.reports", deviceQuality, DeviceQualityLog::received)
                .description("logTeleconferenceDeviceQuality reports received and kept").register(metrics);
        FunctionCounter.builder("switchboard.device.quality.reports.dropped", deviceQuality, DeviceQualityLog::dropped)
                .description("device quality reports dropped from the admin API's log to make room for newer ones")
                .register(metrics);
        this.graphThrottle = new dev.switchboard.api.GraphRequestThrottle(config.graphRequests(), Clock.systemUTC());
        FunctionCounter.builder("switchboard.graph.requests.throttled", graphThrottle.refusals(),
                        dev.switchboard.error.RefusalLog::refused)
                .description("Graph API requests refused with 429 past --graph-request-limit").register(metrics);
        this.listeners = new HttpListeners(config, certificate, origins.trustedProxies());
        ServerRoutes routes = new ServerRoutes(config, metrics, draining, authority, origins, calls, router, media,
                callbackPolicy, callingBots, rosterStreams, ringStreams, adminConsole, deviceQuality, cluster,
                new LocalDispatch(listeners::localConnector), graphThrottle);
        this.http = Javalin.create(cfg -> {
            listeners.configure(cfg);
            routes.register(cfg);
        });
        sweeper.start(calls, new HeaderReadDeadline(config.headerTimeout(), listeners::jetty, metrics),
                HeaderReadDeadline.period(config.headerTimeout()).toMillis());
    }

    /**
     * Cluster mode's SIGTERM: no new calls are placed here, and the live calls get up to the drain timeout to end
     * by themselves ({@link #close()} ends the rest). Without cluster mode it returns at once.
     */
    public void drainCalls() throws InterruptedException {
        if (cluster != null) {
            beginDraining();
            cluster.drain(calls::liveCalls);
        }
    }

    /** The media plane (tests read its per-leg statistics). */
    public MediaEngine media() {
        return media;
    }

    /** The call engine of this node (tests drive participants through it). */
    public CallEngine calls() {
        return calls;
    }

    /** The users' ring streams here (tests hand them rings relayed from other nodes, as cluster mode does). */
    public RingStreams ringStreams() {
        return ringStreams;
    }

        /** Where requests on calls go. */
    public CallRouter router() {
        return router;
    }

    /** Starts listening; returns once the HTTP port is bound. On failure (e.g. port in use) everything is released. */
    public SwitchboardServer start() {
        try {
            http.start();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        baseUrl = config.baseUrl(port());
        listeners.announcePorts(http, origins);
        if (cluster != null) {
            try {
                cluster.join(baseUrl, config, authority, origins);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }
        log.info("switchboard listening url={} httpsUrl={} bound={} dataDir={} mediaPorts={}-{}", baseUrl, httpsBaseUrl(),
                boundAddress(), config.dataDir(), config.mediaPortLow(), config.mediaPortHigh());
        return this;
    }

    /** Where the plain http listener is bound, {@code host:port} (what a {@code --public-url} stands in front of). */
    public String boundAddress() {
        String host = config.host();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    /** The plain http port. */
    public int port() {
        return listeners.port(http);
    }

    /** The https port, or -1 without an https listener. */
    public int httpsPort() {
        return listeners.httpsPort();
    }

    /**
     * The https base URL with a name the certificate covers ({@code https://localhost:8443}, or the bound host when it
     * is not loopback), or null without an https listener.
     */
    public String httpsBaseUrl() {
        return listeners.httpsBaseUrl();
    }

    /** The base URL clients use, without a trailing slash, e.g. {@code http://127.0.0.1:8080}. */
    public String baseUrl() {
        return baseUrl;
    }

    /** Verifies bearer tokens (the embedded authority plus configured external issuers). */
    public BearerAuthenticator authenticator() {
        return authority.authenticator();
    }

    /** Signs webhook callback tokens with a key published in the tenant's JWKS. */
    public CallbackTokenSigner callbackSigner() {
        return new AuthorityCallbackSigner(authority.callbackSigner());
    }

    /** The embedded token authority (identities, keys, issuer). */
    public EmbeddedAuthority authority() {
        return authority;
    }

    /** Jetty's server once started (tests look at what it holds). */
    org.eclipse.jetty.server.Server jetty() {
        return listeners.jetty();
    }

    public ServerConfig config() {
        return config;
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    /**
     * Stops taking calls: {@code /readyz} answers 503 and new calls and joins are refused with 503, while live
     * calls go on. {@link #close()} begins with this.
     */
    public void beginDraining() {
        draining.begin();
    }

    /**
     * Graceful stop: drain, end every live call (each bot is told {@code terminated} with a resultInfo), deliver the
     * queued notifications for a bounded time, then stop HTTP and release every media port and thread.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        beginDraining();
        sweeper.shutdownNow();
        calls.close();
        ivr.close();
        bots.close(); // before the journal: the ends its bots heard while it drained are written down
        journal.close();
        rosterStreams.close(); // after the calls ended: their last roster messages are handed to the sockets
        if (cluster != null) {
            cluster.close(); // after the calls ended: their records are gone, the node leaves the registry
        }
        http.stop();
        graphThrottle.refusals().flush();
        media.close();
        authority.close();
        jvmMeters.close();
        metrics.close();
        dataDirLock.close(); // last: the directory is free for the next server
        log.info("switchboard stopped");
    }
}
