package dev.switchboard.client;

import io.javalin.config.RoutesConfig;

/** The participants' client API route table. */
public final class ClientRoutes {
    private static final String CALL = "/client/v1/calls/{callId}";
    private static final String PARTICIPANT = CALL + "/participants/{participantId}";

    private ClientRoutes() {
    }

    public static void register(RoutesConfig routes, ClientHandler handler) {
        routes.post(CALL + "/participants", handler::join);
        routes.delete(PARTICIPANT, handler::leave);
        routes.patch(PARTICIPANT, handler::patch);
        routes.post(PARTICIPANT + "/mute", handler::mute);
        routes.post(PARTICIPANT + "/unmute", handler::unmute);
        routes.wsBeforeUpgrade(CALL + "/roster", handler::beforeRosterUpgrade);
        routes.ws(CALL + "/roster", ws -> {
            ws.onConnect(handler::rosterConnected);
            ws.onClose(handler::rosterClosed);
        });
    }
}
