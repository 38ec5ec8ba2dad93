package dev.switchboard.server;

import dev.switchboard.admin.AdminConsole;
import dev.switchboard.api.AudioRoutingHandler;
import dev.switchboard.api.BatchHandler;
import dev.switchboard.api.CallbackCheck;
import dev.switchboard.api.CallsHandler;
import dev.switchboard.api.ContentSharingSessionsHandler;
import dev.switchboard.api.DeviceQualityHandler;
import dev.switchboard.api.DtmfHandler;
import dev.switchboard.api.GraphErrors;
import dev.switchboard.api.GraphRequestThrottle;
import dev.switchboard.api.GraphRequests;
import dev.switchboard.api.GraphRoutes;
import dev.switchboard.api.IncomingCallsHandler;
import dev.switchboard.api.IvrHandler;
import dev.switchboard.api.IvrRoutes;
import dev.switchboard.api.OperationsHandler;
import dev.switchboard.api.ParticipantsHandler;
import dev.switchboard.api.RequestIds;
import dev.switchboard.api.UnimplementedActions;
import dev.switchboard.api.UnreadBody;
import dev.switchboard.auth.AppRegistration;
import dev.switchboard.auth.EmbeddedAuthority;
import dev.switchboard.auth.IdentityRoutes;
import dev.switchboard.auth.PublicOrigins;
import dev.switchboard.auth.TenantEntry;
import dev.switchboard.client.ClientHandler;
import dev.switchboard.client.ClientRoutes;
import dev.switchboard.client.DialHandler;
import dev.switchboard.client.RingStreams;
import dev.switchboard.client.RosterStreams;
import dev.switchboard.cluster.CallRouter;
import dev.switchboard.core.CallEngine;
import dev.switchboard.core.CallingBots;
import dev.switchboard.core.DeviceQualityLog;
import dev.switchboard.media.MediaEngine;
import dev.switchboard.media.RtpMediaEngine;
import dev.switchboard.notify.CallbackUriPolicy;
import dev.switchboard.web.JoinPage;
import io.javalin.config.JavalinConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Every route of the server and what runs before and after them, in the order they apply: request ids, the hop to a
 * call's owning node (cluster mode), the refusal of new calls while draining, then the ops, identity, Graph, client,
 * inbound, IVR, join page, dashboard and cluster-internal routes. A value of the parts the routes serve; used once,
 * while the server is built.
 *
 * @param deviceQuality the bots' {@code logTeleconferenceDeviceQuality} reports (written by the Graph API, read by the
 *                      admin API)
 * @param cluster       cluster mode's parts, or null without {@code --redis}
 * @param batches       runs the requests of JSON batches through the server's own HTTP stack
 * @param graphThrottle counts the Graph API requests of each app for each tenant ({@code --graph-request-limit})
 */
record ServerRoutes(ServerConfig config, PrometheusMeterRegistry metrics, Draining draining, EmbeddedAuthority authority,
                    PublicOrigins origins, CallEngine calls, CallRouter router, MediaEngine media,
                    CallbackUriPolicy callbackPolicy, CallingBots callingBots, RosterStreams rosterStreams,
                    RingStreams ringStreams, AdminConsole adminConsole, DeviceQualityLog deviceQuality,
                    ClusterMode cluster, BatchHandler.Dispatch batches, GraphRequestThrottle graphThrottle) {

    /** Registers every route and filter on the configuration of the server's one Javalin. */
    void register(JavalinConfig cfg) {
        cfg.routes.before(RequestIds::assign);
        cfg.routes.beforeMatched(RequestIds::tagCall);
        cfg.routes.after(RequestIds::release);
        cfg.routes.after(new UnreadBody(HttpListeners.MAX_REQUEST_BYTES)::drain); // the answer reaches the client
        if (cluster != null) {
            cfg.routes.before(cluster::route); // calls owned elsewhere hop there, before anything else runs here
        }
        cfg.routes.before(draining::refuseNewCalls);
        cfg.requestLogger.http(new HttpMetrics(metrics)::record);
        GraphErrors.register(cfg.routes);
        OpsRoutes.register(cfg.routes, metrics, draining::ready);
        IdentityRoutes.register(cfg.routes, authority);
        GraphRequests requests = new GraphRequests(authority.authenticator(), origins, (int) HttpListeners.MAX_REQUEST_BYTES,
                graphThrottle);
        GraphRoutes.register(cfg.routes, new CallsHandler(router, requests, new CallbackCheck(callbackPolicy)),
                new ParticipantsHandler(router, requests), new OperationsHandler(router, requests),
                new UnimplementedActions(router, requests));
        GraphRoutes.registerDtmf(cfg.routes, new DtmfHandler(router, requests));
        GraphRoutes.registerBatch(cfg.routes, new BatchHandler(requests, batches));
        GraphRoutes.registerAudioRouting(cfg.routes, new AudioRoutingHandler(router, requests));
        GraphRoutes.registerSharingAndDeviceQuality(cfg.routes, new ContentSharingSessionsHandler(router, requests),
                new DeviceQualityHandler(requests, deviceQuality, java.time.Clock.systemUTC()));
        ClientRoutes.register(cfg.routes, new ClientHandler(router, authority.authenticator(), rosterStreams,
                config.http().websocketPingPeriod()));
        // people call bots (docs/inbound-calls.md)
        GraphRoutes.registerIncoming(cfg.routes, new IncomingCallsHandler(router, requests,
                new CallbackCheck(callbackPolicy), callingBots, config.inbound().answerWindow()));
        ClientRoutes.registerDial(cfg.routes, new DialHandler(router, authority.authenticator(),
                callingBots, config.inbound().answerWindow(), config.http().websocketPingPeriod()), ringStreams);
        IvrRoutes.register(cfg.routes, new IvrHandler(router, requests, calls));
        JoinPage.register(cfg.routes, new JoinPage(joinSignIn(authority)));
        adminConsole.register(cfg.routes, calls.directory(), router, authority.authenticator(), authority.directory(),
                authority.issuer(), media instanceof RtpMediaEngine rtp ? rtp : null, metrics, authority.tokenEndpoint().signIns());
        if (cluster != null) {
            cluster.registerInternalRoutes(cfg.routes, router);
        }
    }

    /** The join page signs people in with the first public client (no secret) of the first tenant that has one. */
    private static JoinPage.SignIn joinSignIn(EmbeddedAuthority authority) {
        for (TenantEntry tenant : authority.directory().tenants()) {
            for (AppRegistration app : tenant.apps()) {
                if (app.publicClient()) {
                    return new JoinPage.SignIn(tenant.id(), app.appId());
                }
            }
        }
        return null;
    }
}
