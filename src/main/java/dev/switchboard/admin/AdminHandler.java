package dev.switchboard.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.cluster.CallRouter;
import dev.switchboard.core.CallCommand;
import dev.switchboard.core.CallSnapshot;
import dev.switchboard.core.MuteTarget;
import dev.switchboard.core.Operation;
import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.graph.GraphWire;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The admin API's handlers ({@code /admin/v1/...}, docs/admin-api.md). Reads come from {@link AdminView}; actions go
 * through the {@link CallRouter} as the call's owning app, so they take exactly the bot's path through core: the bot
 * gets the same roster notifications, the same operations exist. Every action is audited. Request threads.
 */
public final class AdminHandler {
    private final AdminAccess access;
    private final AdminView view;
    private final CallRouter router;
    private final AuditLog audit;

    AdminHandler(AdminAccess access, AdminView view, CallRouter router, AuditLog audit) {
        this.access = access;
        this.view = view;
        this.router = router;
        this.audit = audit;
    }

    AdminAccess.Admin admin(Context ctx) {
        return access.require(ctx.header("Authorization"));
    }

    /** {@code POST /admin/v1/signin} {@code {"username","password","tenantId"?}} → a bearer token for the admin API. */
    public void signIn(Context ctx) {
        JsonNode body = body(ctx);
        String username = text(body, "username");
        AdminAccess.SignedIn in;
        try {
            in = access.signIn(text(body, "tenantId"), username, text(body, "password"), ctx.req().getRemoteAddr());
        } catch (SwitchboardException e) {
            if (e.code() != ErrorCode.TOO_MANY_REQUESTS) { // the limit's own line, bounded, records those (RefusalLog)
                audit.signIn(username, e.code().graphCode());
            }
            throw e;
        }
        audit.signIn(username, "ok");
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("token_type", "Bearer");
        out.put("access_token", in.token().accessToken());
        out.put("expires_in", in.token().expiresIn());
        out.set("admin", me(in.admin()));
        json(ctx, 200, out);
    }

    /** {@code GET /admin/v1/me}: who the token is, and what it sees. */
    public void me(Context ctx) {
        json(ctx, 200, me(admin(ctx)));
    }

    public void calls(Context ctx) {
        AdminAccess.Admin admin = admin(ctx);
        json(ctx, 200, view.calls(admin, new CallsFilter(ctx.queryParam("app"), ctx.queryParam("tenant"),
                ctx.queryParam("state"))));
    }

    public void call(Context ctx) {
        json(ctx, 200, view.call(admin(ctx), ctx.pathParam("callId")));
    }

    public void levels(Context ctx) {
        json(ctx, 200, view.levels(admin(ctx), ctx.pathParam("callId")));
    }

    /** {@code GET .../deliveries/{notificationId}}: the POST's body as sent (JSON). */
    public void deliveryBody(Context ctx) {
        DeliveryLog.Entry e = view.delivery(admin(ctx), ctx.pathParam("callId"), ctx.pathParam("notificationId"));
        byte[] body = e.body();
        ctx.status(200).contentType(e.truncated() ? "text/plain; charset=utf-8" : "application/json");
        ctx.header("X-Switchboard-Body-Truncated", Boolean.toString(e.truncated()));
        write(ctx, body);
    }

    public void server(Context ctx) {
        admin(ctx);
        json(ctx, 200, view.server());
    }

    public void mute(Context ctx) {
        mute(ctx, true);
    }

    public void unmute(Context ctx) {
        mute(ctx, false);
    }

    private void mute(Context ctx, boolean muted) {
        String pid = ctx.pathParam("participantId");
        Operation op = act(ctx, muted ? "mute" : "unmute", pid, call -> router.send(
                new CallCommand.ServerMute(call.id(), MuteTarget.participant(pid), muted, call.owner(), null)));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("id", op.id());
        out.put("type", op.kind().typeName());
        out.put("status", op.status().wireName());
        json(ctx, 200, out);
    }

    /** {@code DELETE .../participants/{participantId}}: removes the participant as the owning bot would. */
    public void remove(Context ctx) {
        String pid = ctx.pathParam("participantId");
        act(ctx, "remove", pid, call -> router.send(new CallCommand.RemoveParticipant(call.id(), pid, call.owner())));
        ctx.status(204);
    }

    /** {@code POST .../end}: ends the whole call; every bot in it hears {@code terminated}. */
    public void end(Context ctx) {
        act(ctx, "end", null, call -> {
            if (!router.send(new CallCommand.EndCall(call.id()))) {
                throw SwitchboardException.notFound("Call '" + call.id() + "'");
            }
            return null;
        });
        ctx.status(204);
    }

    private <T> T act(Context ctx, String action, String participantId, java.util.function.Function<CallSnapshot, T> run) {
        AdminAccess.Admin admin = admin(ctx);
        String callId = ctx.pathParam("callId");
        try {
            T result = run.apply(view.liveCall(admin, callId));
            audit.action(admin, action, callId, participantId, "ok");
            return result;
        } catch (SwitchboardException e) {
            audit.action(admin, action, callId, participantId, e.code().graphCode());
            throw e;
        }
    }

    private static ObjectNode me(AdminAccess.Admin a) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("userId", a.userId());
        out.put("username", a.username());
        out.put("displayName", a.displayName());
        out.put("tenantId", a.tenantId());
        out.put("scope", a.scope().tenantId() == null ? "allTenants" : "tenant");
        if (a.scope().tenantId() != null) {
            out.put("scopeTenantId", a.scope().tenantId());
        }
        return out;
    }

    private static JsonNode body(Context ctx) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length > 16 * 1024) {
            throw SwitchboardException.badRequest("The request body is too large.");
        }
        try {
            JsonNode n = GraphWire.JSON.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw SwitchboardException.badRequest("The request body must be a JSON object.");
            }
            return n;
        } catch (IOException e) {
            throw SwitchboardException.badRequest("The request body is not valid JSON.");
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw SwitchboardException.badRequest("'" + field + "' must be a string.");
        }
        return n.asText();
    }

    static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json");
        ctx.header("Cache-Control", "no-store");
        write(ctx, GraphWire.bytes(body));
    }

    private static void write(Context ctx, byte[] bytes) {
        ctx.res().setContentLength(bytes.length);
        try {
            ctx.res().getOutputStream().write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("the client went away", e);
        }
    }
}
