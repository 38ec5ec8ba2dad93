package dev.switchboard.client;

import dev.switchboard.error.SwitchboardException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/** The participants' client API route table. */
public final class ClientRoutes {
    private static final String CALL = "/client/v1/calls/{callId}";
    private static final String PARTICIPANT = CALL + "/participants/{participantId}";

    private ClientRoutes() {
    }

    public static void register(RoutesConfig routes, ClientHandler handler) {
        routes.before("/client/v1/*", ClientCors::allow); // pages on other origins (MSAL Browser apps) call it
        routes.options("/client/v1/*", ClientCors::preflight);
        routes.post(CALL + "/participants", handler::join);
        routes.delete(PARTICIPANT, handler::leave);
        routes.patch(PARTICIPANT, handler::patch);
        routes.post(PARTICIPANT + "/mute", handler::mute);
        routes.post(PARTICIPANT + "/unmute", handler::unmute);
        routes.get("/client/v1/meetings/{joinMeetingId}", handler::findMeeting); // the join page's /join?meeting=
        routes.get(CALL + "/roster", ClientRoutes::notAnUpgrade);
        routes.wsBeforeUpgrade(CALL + "/roster", handler::beforeRosterUpgrade);
        routes.ws(CALL + "/roster", ws -> {
            ws.onConnect(handler::rosterConnected);
            ws.onClose(handler::rosterClosed);
        });
    }

    /** Users calling bots (docs/inbound-calls.md). */
    public static void registerDial(RoutesConfig routes, DialHandler handler, RingStreams rings) {
        routes.post("/client/v1/apps/{appId}/calls", handler::dial);
        routes.get(PARTICIPANT, handler::legStatus);
        routes.post(CALL + "/decline", handler::decline);
        routes.get("/client/v1/ring", ClientRoutes::notAnUpgrade);
        routes.wsBeforeUpgrade("/client/v1/ring", ctx -> handler.beforeRingUpgrade(ctx, rings));
        routes.ws("/client/v1/ring", ws -> {
            ws.onConnect(ctx -> handler.ringConnected(ctx, rings));
            ws.onClose(ctx -> handler.ringClosed(ctx, rings));
        });
    }

    /** A GET of a WebSocket path that asks for no upgrade: a 400 saying so, rather than a 405 saying GET is not allowed. */
    private static void notAnUpgrade(Context ctx) {
        throw SwitchboardException.badRequest(ctx.path() + " is a WebSocket: open it with a GET that asks for the upgrade"
                + " (Connection: Upgrade, Upgrade: websocket).");
    }
}
