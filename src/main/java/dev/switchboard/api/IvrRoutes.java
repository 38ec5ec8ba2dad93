package dev.switchboard.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;

/**
 * The routes of service-hosted media, beside {@link GraphRoutes}' table: each action under both roots, in its short
 * and its qualified ({@code microsoft.graph.playPrompt}) form, and the recordings' download.
 */
public final class IvrRoutes {
    private static final String[] ROOTS = {"/v1.0/communications/calls", "/v1.0/app/calls"};

    private IvrRoutes() {
    }

    public static void register(RoutesConfig routes, IvrHandler ivr) {
        for (String root : ROOTS) {
            String call = root + "/{callId}";
            String participant = call + "/participants/{participantId}";
            action(routes, call, "playPrompt", ivr::playPrompt);
            action(routes, call, "recordResponse", ivr::recordResponse);
            action(routes, call, "cancelMediaProcessing", ivr::cancelMediaProcessing);
            action(routes, participant, "startHoldMusic", ivr::startHoldMusic);
            action(routes, participant, "stopHoldMusic", ivr::stopHoldMusic);
        }
        routes.get(IvrHandler.RECORDINGS + "{recordingId}", ivr::recording);
    }

    private static void action(RoutesConfig routes, String on, String name, Handler handler) {
        routes.post(on + "/" + name, handler);
        routes.post(on + "/microsoft.graph." + name, handler);
    }
}
