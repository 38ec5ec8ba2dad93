package dev.switchboard.server;

import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The servlet context's session handler, as a pass-through: Javalin always installs Jetty's session handler, and
 * nothing in this server uses servlet sessions (the API authenticates every request by its bearer token, the
 * dashboard and the join page by theirs), yet that handler looked up a requested session id and wrapped the response
 * stream on every request (~2.6 % of the server's CPU per mute with webhooks on, issue 17). With this one in its
 * place no request has a servlet session ({@code getSession()} answers null) and no session cookie is ever set.
 *
 * <p>Thread-safe (stateless).
 */
final class NoServletSessions extends SessionHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Handler next = getHandler();
        return next != null && next.handle(request, response, callback);
    }
}
