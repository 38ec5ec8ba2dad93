package dev.switchboard.server;

import dev.switchboard.auth.PublicOrigins;
import dev.switchboard.auth.TrustedProxies;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.util.EnumSet;

/**
 * The server's HTTP listeners on Jetty: the plain http connector on the configured host and port, with a
 * certificate the https one, and an in-memory one for the requests of JSON batches ({@link LocalDispatch}); Graph-style error pages; no method override; the Javalin settings every surface relies
 * on (virtual threads, request size limit, 405 over 404, case-insensitive routes without trailing slashes).
 *
 * <p>Threads: {@link #configure} runs once while the server is built; Jetty hands its server and connectors over on
 * the starting thread, and any thread may read the ports after {@link Javalin#start()} returned.
 */
final class HttpListeners {
    /** The largest request body accepted, in bytes. */
    static final long MAX_REQUEST_BYTES = 1024 * 1024;

    private final ServerConfig config;
    private final LocalCa.ServerCertificate certificate;
    private final TrustedProxies trustedProxies;
    private volatile Server jetty;
    private volatile ServerConnector httpsConnector;
    private volatile ServerConnector httpConnector;
    private volatile LocalConnector localConnector;

    /**
     * @param certificate    the https certificate, or null for http only
     * @param trustedProxies whose {@code X-Forwarded-For} names the client ({@link ForwardedClient})
     */
    HttpListeners(ServerConfig config, LocalCa.ServerCertificate certificate, TrustedProxies trustedProxies) {
        this.config = config;
        this.certificate = certificate;
        this.trustedProxies = trustedProxies;
    }

    /** Applies the listeners and the Javalin settings to the configuration of the server's one Javalin. */
    void configure(JavalinConfig cfg) {
        cfg.startup.showJavalinBanner = false;
        cfg.concurrency.useVirtualThreads = true;
        cfg.startup.showOldJavalinVersionWarning = false;
        cfg.http.maxRequestSize = MAX_REQUEST_BYTES;
        cfg.http.prefer405over404 = true;
        cfg.router.ignoreTrailingSlashes = true;
        cfg.router.caseInsensitiveRoutes = true;
        // Jetty's per-connection cache of header lines (Authorization, Cookie, Accept, ...) matches ignoring case by
        // default and keeps the cached text for a matched prefix: a token differing from an earlier line only in the case
        // of its letters was read as that line (KeepAliveHeadersTest). Header values must reach us byte for byte.
        cfg.jetty.modifyHttpConfiguration(http -> {
            http.setHeaderCacheCaseSensitive(true);
            http.addCustomizer(new ForwardedClient(trustedProxies)); // the in-memory connector's requests it leaves alone
        });
        // roster and ring streams: the handlers ping every half of it (HttpSettings#websocketPingPeriod)
        cfg.jetty.modifyWebSocketServletFactory(ws -> ws.setIdleTimeout(config.websocketIdleTimeout()));
        cfg.jetty.host = config.host();
        cfg.jetty.port = config.port();
        // Javalin adds its own http connector only when none is added: add them all, http first (Javalin's port())
        cfg.jetty.addConnector((server, httpConfig) -> {
            ServerConnector plain = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
            plain.setHost(config.host());
            plain.setPort(config.port());
            return httpConnector = plain;
        });
        if (certificate != null) {
            cfg.jetty.addConnector((server, httpConfig) ->
                    httpsConnector = TlsConnector.create(server, httpConfig, config.host(), config.https().port(), certificate));
        }
        cfg.jetty.addConnector((server, httpConfig) -> localConnector = inMemory(server, httpConfig));
        cfg.jetty.modifyServer(server -> {
            server.setErrorHandler(GraphErrorPages.forServer());
            server.setHandler((Handler) null); // Javalin's StatisticsHandler: nothing reads it (issue 17)
            this.jetty = server;
        });
        cfg.jetty.modifyServletContextHandler(context -> {
            context.getServletHandler().setFilterChainsCached(false); // its per-path cache missed on every call id
            context.setErrorHandler(GraphErrorPages.forServlets());
            context.addFilter(new Http2HeaderLimit(), "/*", EnumSet.of(DispatcherType.REQUEST));
            context.addFilter(new NoMethodOverride(), "/*", EnumSet.of(DispatcherType.REQUEST));
            keepNoSessions(context.getSessionHandler());
        });
    }

    /**
     * The server uses no HTTP sessions, but Javalin reads the session's attributes at every WebSocket upgrade (refused
     * ones too), which creates one, and Jetty keeps a session for ever by default: one more for every roster or ring
     * stream, and for every upgrade anyone without a token sent (HttpSessionsTest). A session now lives only as long as
     * the request that made it, and no cookie names it.
     */
    private static void keepNoSessions(org.eclipse.jetty.ee10.servlet.SessionHandler sessions) {
        if (sessions == null) {
            return;
        }
        sessions.setUsingCookies(false);
        org.eclipse.jetty.session.DefaultSessionCache cache = new org.eclipse.jetty.session.DefaultSessionCache(sessions);
        cache.setEvictionPolicy(org.eclipse.jetty.session.SessionCache.EVICT_ON_SESSION_EXIT);
        cache.setSessionDataStore(new org.eclipse.jetty.session.NullSessionDataStore());
        sessions.setSessionCache(cache);
    }

    /**
     * The in-memory connector a JSON batch's requests run through ({@link LocalDispatch}). Only the server writes to
     * it, so there, and only there, the forwarding headers it sets (scheme, host, the batch's client address) are
     * trusted.
     */
    private static LocalConnector inMemory(Server server, HttpConfiguration shared) {
        HttpConfiguration http = new HttpConfiguration(shared);
        http.addCustomizer(new ForwardedRequestCustomizer());
        LocalConnector local = new LocalConnector(server, new HttpConnectionFactory(http));
        local.setIdleTimeout(LocalDispatch.TIMEOUT.plusSeconds(5).toMillis());
        return local;
    }

    /** The in-memory connector once the server is being started, else null. */
    LocalConnector localConnector() {
        return localConnector;
    }

    /** Tells {@code origins} every port {@code http} (the Javalin configured here) listens on, once it started. */
    void announcePorts(Javalin http, PublicOrigins origins) {
        origins.listeningOn(port(http));
        if (httpsConnector != null) {
            origins.listeningOn(httpsConnector.getLocalPort());
        }
    }

    /** Jetty's server once it is being started, else null (the header-read deadline sweeps its connections). */
    Server jetty() {
        return jetty;
    }

    /** The plain http port of {@code http}, the Javalin configured here. */
    int port(Javalin http) {
        ServerConnector c = httpConnector;
        return c != null ? c.getLocalPort() : http.port();
    }

    /** The https port, or -1 without an https listener. */
    int httpsPort() {
        ServerConnector c = httpsConnector;
        return c == null ? -1 : c.getLocalPort();
    }

    /**
     * The https base URL with a name the certificate covers ({@code https://localhost:8443}, or the bound host when it
     * is not loopback), or null without an https listener.
     */
    String httpsBaseUrl() {
        int p = httpsPort();
        if (p < 0) {
            return null;
        }
        String h = config.host();
        boolean loopbackOrAny = h.equals("127.0.0.1") || h.equals("::1") || h.equals("0.0.0.0") || h.equals("::")
                || h.equalsIgnoreCase("localhost");
        return "https://" + (loopbackOrAny ? "localhost" : h.contains(":") ? "[" + h + "]" : h) + ":" + p;
    }
}
