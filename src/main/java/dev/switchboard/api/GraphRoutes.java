package dev.switchboard.api;

import io.javalin.config.RoutesConfig;

/**
 * The Graph calls API route table, read top to bottom. Every route exists under {@code /v1.0/communications/calls}
 * and under the deprecated alias {@code /v1.0/app/calls}, which Graph still maps. Paths match case-insensitively
 * (the server's router setting), so {@code keepalive} and {@code keepAlive} both work.
 */
public final class GraphRoutes {
    private static final String[] ROOTS = {"/v1.0/communications/calls", "/v1.0/app/calls"};

    private GraphRoutes() {
    }

    public static void register(RoutesConfig routes, CallsHandler calls, ParticipantsHandler participants,
                                OperationsHandler operations) {
        for (String root : ROOTS) {
            String call = root + "/{callId}";
            String participant = call + "/participants/{participantId}";

            routes.post(root, calls::create);
            routes.get(call, calls::get);
            routes.delete(call, calls::delete);
            routes.post(call + "/keepAlive", calls::keepAlive);
            routes.post(call + "/mute", calls::mute);
            routes.post(call + "/unmute", calls::unmute);

            routes.get(call + "/participants", participants::list);
            routes.post(call + "/participants/invite", participants::invite);
            routes.get(participant, participants::get);
            routes.delete(participant, participants::delete);
            routes.post(participant + "/mute", participants::mute);
            routes.post(participant + "/unmute", participants::unmute);   // Switchboard extension

            routes.get(call + "/operations/{operationId}", operations::get);
        }
    }
}
