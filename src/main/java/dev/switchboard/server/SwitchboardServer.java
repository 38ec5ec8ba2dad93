package dev.switchboard.server;

import dev.switchboard.admin.AdminConsole;
import dev.switchboard.api.CallbackCheck;
import dev.switchboard.api.CallsHandler;
import dev.switchboard.api.GraphErrors;
import dev.switchboard.api.GraphRequests;
import dev.switchboard.api.GraphRoutes;
import dev.switchboard.api.OperationsHandler;
import dev.switchboard.api.ParticipantsHandler;
import dev.switchboard.api.RequestIds;
import dev.switchboard.auth.AuthMetrics;
import dev.switchboard.api.UnimplementedActions;
import dev.switchboard.auth.BearerAuthenticator;
import dev.switchboard.client.ClientHandler;
import dev.switchboard.client.ClientRoutes;
import dev.switchboard.client.RosterStreams;
import dev.switchboard.auth.EmbeddedAuthority;
import dev.switchboard.auth.IdentityRoutes;
import dev.switchboard.auth.PublicOrigins;
import dev.switchboard.cluster.CallRouter;
import dev.switchboard.cluster.LocalCallRouter;
import dev.switchboard.core.CallEngine;
import dev.switchboard.core.CallEventSink;
import dev.switchboard.core.LostCalls;
import dev.switchboard.graph.BotNotifications;
import dev.switchboard.journal.FileCallJournal;
import dev.switchboard.journal.JournaledCall;
import dev.switchboard.media.MediaEngine;
import dev.switchboard.media.RtpMediaEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import dev.switchboard.media.webrtc.ConsentPolicy;
import dev.switchboard.notify.CallbackTokenSigner;
import dev.switchboard.notify.CallbackUriPolicy;
import dev.switchboard.notify.NotificationSink;
import dev.switchboard.notify.NotifierSettings;
import dev.switchboard.notify.WebhookNotifier;
import dev.switchboard.web.JoinPage;
import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Builds every part by hand and runs them in one process. Not reusable after {@link #close()}.
 *
 * <p>Threads and locks: docs/concurrency.md.
 *
 * <p>Why this class is longer than ~300 lines: it is the one place that builds every part by hand
 * (ARCHITECTURE.md: no DI container), in dependency order, and releases them in reverse on a failed start. Every
 * surface (Graph API, client API, inbound calls, IVR, join page, dashboard, cluster) adds its wiring here; the next
 * step is one small wiring class per surface (as {@code IvrWiring} and {@code ClusterMode} already are).
 */
public final class SwitchboardServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SwitchboardServer.class);
    private static final long MAX_REQUEST_BYTES = 1024 * 1024;
    /** The live calls, in the data directory (docs/durability.md). */
    public static final String JOURNAL_FILE = "calls.journal";
    /** Requests that start a call or join one: refused while draining. */
    private static final java.util.regex.Pattern NEW_CALL = java.util.regex.Pattern.compile(
            "(?i)/v1\\.0/(communications|app)/calls/?|/client/v1/calls/[^/]+/participants/?");

    static {
        WebhookNotifier.allowPinnedHostHeader(); // before any HTTP client of this JVM exists
    }

    private final ServerConfig config;
    private final PrometheusMeterRegistry metrics;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Javalin http;
    private final EmbeddedAuthority authority;
    private final MediaEngine media;
    private final CallEngine calls;
    private final CallRouter router;
    private final ScheduledExecutorService sweeper;
    private final IvrWiring ivr;
    private final WebhookNotifier webhooks;
    private final FileCallJournal journal;
    private final RosterStreams rosterStreams;
    private final dev.switchboard.core.CallingBots callingBots;
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final JvmHeapPressureMetrics heapPressure = new JvmHeapPressureMetrics();
    private volatile org.eclipse.jetty.server.Server jetty;
    private final PublicOrigins origins;
    private volatile org.eclipse.jetty.server.ServerConnector httpsConnector;
    private volatile org.eclipse.jetty.server.ServerConnector httpConnector;
    private volatile String baseUrl;
    /** Cluster mode's parts, or null without {@code --redis} (docs/cluster.md). */
    private final ClusterMode cluster;

    /** The server with the RTP media plane and webhook delivery wired from the configuration. */
    public SwitchboardServer(ServerConfig config) {
        this(config, MetricsRegistry.create());
    }

    private SwitchboardServer(ServerConfig config, PrometheusMeterRegistry metrics) {
        this(config, metrics, mediaEngine(config, metrics), null);
    }

    /** The RTP media plane, with the shared WebRTC port when {@code --webrtc-port} is not -1. */
    private static RtpMediaEngine mediaEngine(ServerConfig config, PrometheusMeterRegistry metrics) {
        RtpMediaEngine engine = new RtpMediaEngine(config.host(), config.advertisedMediaAddress(), config.mediaPortLow(),
                config.mediaPortHigh(), config.media().allow(), metrics);
        engine.useOpusEncoder(config.opus().encoder());
        OpusLibraryMetrics.register(dev.switchboard.media.codec.OpusCodecs.use(config.opus().library()), metrics);
        int webrtcPort = config.media().webrtcPort();
        if (webrtcPort >= 0) {
            try {
                engine.enableWebRtc(new InetSocketAddress(config.host(), webrtcPort), ConsentPolicy.DEFAULT, metrics);
            } catch (IOException e) {
                engine.close();
                throw new UncheckedIOException("cannot bind the WebRTC port " + config.host() + ":" + webrtcPort, e);
            }
        }
        return engine;
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
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "call-sweeper");
            t.setDaemon(true);
            return t;
        });
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        gcMetrics.bindTo(metrics);
        heapPressure.bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        LocalCa.ServerCertificate certificate;
        ClusterMode clusterMode = null;
        try {
            clusterMode = config.cluster().enabled() ? ClusterMode.open(config.cluster(), config.dataDir()) : null;
            this.origins = new PublicOrigins(config.publicBaseUrl(), config.https().trustedProxies(), this::baseUrl);
            certificate = config.https().enabled() ? ServerCertificates.resolve(config) : null;
            this.authority = clusterMode == null ? newAuthority(config, origins, metrics)
                    : sharedAuthority(clusterMode, config, origins, metrics);
        } catch (RuntimeException e) {
            if (clusterMode != null) {
                clusterMode.close();
            }
            // a bad identity config or key file: release what is already running (media ports and threads)
            sweeper.shutdownNow();
            media.close();
            gcMetrics.close();
            heapPressure.close();
            throw e;
        }
        try {
            this.callingBots = config.inbound().bots(config.identity().identities().directory(), new CallbackUriPolicy(
                    NotifierSettings.defaults().withAllowedHosts(config.callbackAllowedHosts())));
            this.journal = FileCallJournal.open(config.dataDir().resolve(JOURNAL_FILE));
        } catch (RuntimeException e) {
            sweeper.shutdownNow();
            media.close();
            authority.close();
            if (clusterMode != null) {
                clusterMode.close();
            }
            throw e;
        }
        this.cluster = clusterMode;
        NotifierSettings notifierSettings = NotifierSettings.defaults().withAllowedHosts(config.callbackAllowedHosts());
        CallbackUriPolicy callbackPolicy = new CallbackUriPolicy(notifierSettings);
        this.webhooks = notifications == null
                ? new WebhookNotifier(notifierSettings, callbackSigner(), metrics, callbackPolicy) : null;
        AdminConsole adminConsole = new AdminConsole(Clock.systemUTC()); // the dashboard (docs/admin-api.md)
        if (webhooks != null) {
            webhooks.observe(adminConsole.deliveries());
        }
        // The engine's events go to the bots (rendered, then delivered) and to the participants' roster streams.
        BotNotifications toBots = new BotNotifications(notifications != null ? notifications : webhooks);
        this.rosterStreams = new RosterStreams(config.rosterStreams(), metrics);
        dev.switchboard.client.RingStreams ringStreams = new dev.switchboard.client.RingStreams(rosterStreams); // users rung (docs/inbound-calls.md)
        List<CallEventSink> surfaces = List.of(ringStreams, new JoinLinks(this::baseUrl), adminConsole.events());
        if (cluster == null) {
            List<CallEventSink> all = new java.util.ArrayList<>(List.of(toBots, rosterStreams));
            all.addAll(surfaces);
            this.calls = new CallEngine(media, CallEventSink.all(all), Clock.systemUTC(), config.calls(), journal);
        } else {
            CallEventSink outgoing = cluster.build(journal, this::liveCallCount, toBots, rosterStreams, ringStreams);
            if (webhooks != null) {
                webhooks.sequences(cluster.node().webhookSequences()); // a survivor continues a dead owner's numbering
            }
            List<CallEventSink> all = new java.util.ArrayList<>(List.of(outgoing, rosterStreams));
            all.addAll(surfaces);
            this.calls = new CallEngine(media, CallEventSink.all(all), Clock.systemUTC(), config.calls(), cluster.journal());
            cluster.endFencedCallsOn(calls);
            cluster.routes(authority.authenticator());
        }
        this.ivr = new IvrWiring(calls, callbackPolicy, config.dataDir(), sweeper);
        if (cluster != null) {
            cluster.recordingsHere(ivr::hasRecording); // a recording made elsewhere is fetched from its node
        }
        new LostCalls(toBots).announce(journal.orphans()); // a crash ended them: their bots hear it now
        NotificationSink botSink = notifications != null ? notifications : webhooks;
        for (JournaledCall lost : journal.orphans()) { // kept until the bot heard it: a second crash re-announces it
            botSink.whenSettled(lost.callId(), () -> journal.callEnded(lost.callId()));
        }
        this.router = cluster == null ? new LocalCallRouter(calls) : cluster.router(calls);
        ClientHandler clientHandler = new ClientHandler(router, authority.authenticator(), rosterStreams);
        rosterStreams.sendLevels(new dev.switchboard.client.ParticipantLevels(calls.directory(), // join page meters (docs/roster-stream.md)
                media instanceof RtpMediaEngine rtp ? rtp : null));
        io.micrometer.core.instrument.Gauge.builder("switchboard.calls.active", calls, CallEngine::liveCalls)
                .description("calls in progress").register(metrics);
        this.http = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.http.maxRequestSize = MAX_REQUEST_BYTES;
            cfg.http.prefer405over404 = true;
            cfg.router.ignoreTrailingSlashes = true;
            cfg.router.caseInsensitiveRoutes = true;
            cfg.jetty.host = config.host();
            cfg.jetty.port = config.port();
            if (certificate != null) {
                // Javalin adds its own http connector only when none is added: add both, http first (Javalin's port())
                cfg.jetty.addConnector((server, httpConfig) -> {
                    org.eclipse.jetty.server.ServerConnector plain = new org.eclipse.jetty.server.ServerConnector(server,
                            new org.eclipse.jetty.server.HttpConnectionFactory(httpConfig));
                    plain.setHost(config.host());
                    plain.setPort(config.port());
                    return httpConnector = plain;
                });
                cfg.jetty.addConnector((server, httpConfig) ->
                        httpsConnector = TlsConnector.create(server, httpConfig, config.host(), config.https().port(), certificate));
            }
            cfg.jetty.modifyServer(server -> {
                server.setErrorHandler(GraphErrorPages.forServer());
                server.setHandler((org.eclipse.jetty.server.Handler) null); // Javalin's StatisticsHandler: nothing reads it (issue 17)
                this.jetty = server;
            });
            cfg.jetty.modifyServletContextHandler(context -> {
                context.getServletHandler().setFilterChainsCached(false); // its per-path cache missed on every call id
                context.setErrorHandler(GraphErrorPages.forServlets());
                context.addFilter(new NoMethodOverride(), "/*", java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
            });
            cfg.routes.before(RequestIds::assign);
            cfg.routes.beforeMatched(RequestIds::tagCall);
            cfg.routes.after(RequestIds::release);
            if (cluster != null) {
                cfg.routes.before(cluster::route); // calls owned elsewhere hop there, before anything else runs here
            }
            cfg.routes.before(ctx -> refuseNewCallsWhileDraining(ctx));
            cfg.requestLogger.http(new HttpMetrics(metrics)::record);
            GraphErrors.register(cfg.routes);
            OpsRoutes.register(cfg.routes, metrics, () -> !draining.get());
            IdentityRoutes.register(cfg.routes, authority);
            GraphRequests requests = new GraphRequests(authority.authenticator(), origins, (int) MAX_REQUEST_BYTES);
            GraphRoutes.register(cfg.routes, new CallsHandler(router, requests, new CallbackCheck(callbackPolicy)),
                    new ParticipantsHandler(router, requests), new OperationsHandler(router, requests),
                    new UnimplementedActions(router, requests));
            GraphRoutes.registerDtmf(cfg.routes, new dev.switchboard.api.DtmfHandler(router, requests));
            ClientRoutes.register(cfg.routes, clientHandler);
            // people call bots (docs/inbound-calls.md)
            GraphRoutes.registerIncoming(cfg.routes, new dev.switchboard.api.IncomingCallsHandler(router, requests,
                    new CallbackCheck(callbackPolicy), callingBots, config.inbound().answerWindow()));
            ClientRoutes.registerDial(cfg.routes, new dev.switchboard.client.DialHandler(router, authority.authenticator(),
                    callingBots, config.inbound().answerWindow()), ringStreams);
            dev.switchboard.api.IvrRoutes.register(cfg.routes, new dev.switchboard.api.IvrHandler(router, requests, calls));
            JoinPage.register(cfg.routes, new JoinPage(joinSignIn(authority)));
            adminConsole.register(cfg.routes, calls.directory(), router, authority.authenticator(), authority.directory(),
                    authority.issuer(), media instanceof RtpMediaEngine rtp ? rtp : null, metrics, authority.tokenEndpoint().signIns());
            if (cluster != null) {
                cluster.registerInternalRoutes(cfg.routes, router);
            }
        });
        sweeper.scheduleWithFixedDelay(this::expireRinging, RINGING_SWEEP_MS, RINGING_SWEEP_MS, TimeUnit.MILLISECONDS);
        sweeper.scheduleWithFixedDelay(this::sweep, 10, 10, TimeUnit.SECONDS);
        HeaderReadDeadline headerDeadline = new HeaderReadDeadline(config.headerTimeout(), () -> jetty, metrics);
        long headerSweep = HeaderReadDeadline.period(config.headerTimeout()).toMillis();
        sweeper.scheduleWithFixedDelay(headerDeadline::sweep, headerSweep, headerSweep, TimeUnit.MILLISECONDS);
    }

    /** The join page signs people in with the first public client (no secret) of the first tenant that has one. */
    private static JoinPage.SignIn joinSignIn(EmbeddedAuthority authority) {
        for (dev.switchboard.auth.TenantEntry tenant : authority.directory().tenants()) {
            for (dev.switchboard.auth.AppRegistration app : tenant.apps()) {
                if (app.publicClient()) {
                    return new JoinPage.SignIn(tenant.id(), app.appId());
                }
            }
        }
        return null;
    }

    private int liveCallCount() {
        return calls.liveCalls();
    }

    private static EmbeddedAuthority newAuthority(ServerConfig config, PublicOrigins origins, PrometheusMeterRegistry metrics) {
        return newAuthority(config.identity().identities(), config, origins, metrics);
    }

    private static EmbeddedAuthority newAuthority(dev.switchboard.auth.IdentityConfig identities, ServerConfig config,
                                                  PublicOrigins origins, PrometheusMeterRegistry metrics) {
        return new EmbeddedAuthority(identities, config.identity().development(),
                config.dataDir(), origins, Clock.systemUTC(), new AuthMetrics(metrics), config.callbacks().signing());
    }

    /** Cluster mode: the authority on the cluster's key files (the first node's, shared through Redis). */
    private static EmbeddedAuthority sharedAuthority(ClusterMode cluster, ServerConfig config, PublicOrigins origins,
                                                     PrometheusMeterRegistry metrics) {
        dev.switchboard.cluster.SharedIdentity identity = cluster.identity(config.dataDir().resolve("auth"));
        var ids = ClusterMode.withoutLocalKeyRotation(config.identity().identities()); // the cluster rotates (KeyRotation)
        if (identity.adopt()) {
            return newAuthority(ids, config, origins, metrics);
        }
        EmbeddedAuthority mine = newAuthority(ids, config, origins, metrics);
        if (identity.offer()) {
            return mine;
        }
        mine.close(); // another node's keys were there first: start again on them
        return newAuthority(ids, config, origins, metrics);
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

    private void refuseNewCallsWhileDraining(io.javalin.http.Context ctx) {
        if (draining.get() && ctx.method() == io.javalin.http.HandlerType.POST && NEW_CALL.matcher(ctx.path()).matches()) {
            throw new dev.switchboard.error.SwitchboardException(dev.switchboard.error.ErrorCode.SERVICE_UNAVAILABLE,
                    "The server is shutting down and takes no new calls.", java.time.Duration.ofSeconds(30));
        }
    }

    /** How often unanswered incoming calls are looked for: the answer window is kept to within this. */
    private static final long RINGING_SWEEP_MS = 250;

    private void expireRinging() {
        try {
            calls.incoming().expireUnanswered();
        } catch (RuntimeException e) {
            log.error("ringing sweep failed", e);
        }
    }

    private void sweep() {
        try {
            calls.sweep();
        } catch (RuntimeException e) {
            log.error("call sweep failed", e);
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
        origins.listeningOn(port());
        if (httpsConnector != null) {
            origins.listeningOn(httpsConnector.getLocalPort());
        }
        if (cluster != null) {
            try {
                cluster.start(baseUrl, config.advertisedMediaAddress(), config.dataDir().resolve("auth"));
                cluster.followKeyRotations(authority.keys(), config.identity().identities().tokens());
                origins.trustPeers(cluster.node()::isPeer);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }
        log.info("switchboard listening url={} httpsUrl={} dataDir={} mediaPorts={}-{}", baseUrl, httpsBaseUrl(),
                config.dataDir(), config.mediaPortLow(), config.mediaPortHigh());
        return this;
    }

    /** The plain http port. */
    public int port() {
        org.eclipse.jetty.server.ServerConnector c = httpConnector;
        return c != null ? c.getLocalPort() : http.port();
    }

    /** The https port, or -1 without an https listener. */
    public int httpsPort() {
        org.eclipse.jetty.server.ServerConnector c = httpsConnector;
        return c == null ? -1 : c.getLocalPort();
    }

    /**
     * The https base URL with a name the certificate covers ({@code https://localhost:8443}, or the bound host when it
     * is not loopback), or null without an https listener.
     */
    public String httpsBaseUrl() {
        int p = httpsPort();
        if (p < 0) {
            return null;
        }
        String h = config.host();
        boolean loopbackOrAny = h.equals("127.0.0.1") || h.equals("::1") || h.equals("0.0.0.0") || h.equals("::")
                || h.equalsIgnoreCase("localhost");
        return "https://" + (loopbackOrAny ? "localhost" : h.contains(":") ? "[" + h + "]" : h) + ":" + p;
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
        if (draining.compareAndSet(false, true)) {
            log.info("draining: no new calls");
        }
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
        journal.close();
        if (webhooks != null) {
            webhooks.close();
        }
        rosterStreams.close(); // after the calls ended: their last roster messages are handed to the sockets
        if (cluster != null) {
            cluster.close(); // after the calls ended: their records are gone, the node leaves the registry
        }
        http.stop();
        media.close();
        authority.close();
        gcMetrics.close();
        heapPressure.close();
        metrics.close();
        log.info("switchboard stopped");
    }
}
