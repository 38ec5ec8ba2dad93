package dev.switchboard.auth;

import dev.switchboard.api.GraphErrors;
import dev.switchboard.api.RequestIds;
import io.javalin.Javalin;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A test-only HTTP surface with the server's real error mapping and a given authenticator: a Graph calls route that
 * needs an app token and a participants' client route that needs a user token (the real routes are other parts').
 * Answers 200 with the principal's app id and user id.
 */
final class ProbeApi implements AutoCloseable {
    static final String CALLS_PATH = "/v1.0/communications/calls/call-1/mute";
    static final String CLIENT_PATH = "/client/v1/calls/call-1/participants";
    final AtomicReference<Principal> seen = new AtomicReference<>();
    final Javalin http;

    ProbeApi(BearerAuthenticator authenticator) {
        http = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.host = "127.0.0.1";
            cfg.jetty.port = 0;
            cfg.routes.before(RequestIds::assign);
            GraphErrors.register(cfg.routes);
            cfg.routes.post(CALLS_PATH, ctx -> {
                Principal p = authenticator.authenticate(ctx.header("Authorization"));
                CallsPermission.requireApp(p);
                seen.set(p);
                ctx.contentType("application/json").result("{\"@odata.type\":\"#microsoft.graph.muteParticipantOperation\","
                        + "\"id\":\"op-1\",\"status\":\"Completed\",\"clientContext\":\"" + p.appId() + "\"}");
            });
            cfg.routes.post(CLIENT_PATH, ctx -> {
                Principal p = authenticator.authenticate(ctx.header("Authorization"));
                CallsPermission.requireUser(p);
                seen.set(p);
                ctx.contentType("application/json").result("{\"userId\":\"" + p.userId() + "\"}");
            });
        }).start();
    }

    String base() {
        return "http://127.0.0.1:" + http.port();
    }

    @Override
    public void close() {
        http.stop();
    }
}
