package dev.switchboard.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;

/**
 * The Graph calls API route table, read top to bottom. Every route exists under {@code /v1.0/communications/calls}
 * and under the deprecated alias {@code /v1.0/app/calls}, which Graph still maps. Paths match case-insensitively
 * (the server's router setting), so {@code keepalive} and {@code keepAlive} both work. Every action is also routed
 * under its qualified OData name ({@code microsoft.graph.mute}), the form the .NET SDK sends.
 */
public final class GraphRoutes {
    private static final String[] ROOTS = {"/v1.0/communications/calls", "/v1.0/app/calls"};
    private static final String QUALIFIED = "microsoft.graph.";

    private GraphRoutes() {
    }

    public static void register(RoutesConfig routes, CallsHandler calls, ParticipantsHandler participants,
                                OperationsHandler operations, UnimplementedActions unimplemented) {
        for (String root : ROOTS) {
            String call = root + "/{callId}";
            String participantList = call + "/participants";
            String participant = participantList + "/{participantId}";

            routes.post(root, calls::create);
            routes.get(call, calls::get);
            routes.delete(call, calls::delete);
            action(routes, call, "keepAlive", calls::keepAlive);
            action(routes, call, "mute", calls::mute);
            action(routes, call, "unmute", calls::unmute);

            routes.get(participantList, participants::list);
            action(routes, participantList, "invite", participants::invite);
            routes.get(participant, participants::get);
            routes.delete(participant, participants::delete);
            action(routes, participant, "mute", participants::mute);
            action(routes, participant, "unmute", participants::unmute);   // Switchboard extension

            routes.get(call + "/operations/{operationId}", operations::get);

            // Graph features not implemented yet: 501 NotImplemented on the caller's own call, 404 on any other
            for (String name : UnimplementedActions.CALL_ACTIONS) {
                action(routes, call, name, ctx -> unimplemented.onCall(ctx, name));
            }
            for (String name : UnimplementedActions.PARTICIPANT_ACTIONS) {
                action(routes, participant, name, ctx -> unimplemented.onParticipant(ctx, name));
            }
        }
    }

    /**
     * A call's content sharing sessions (always none: Switchboard carries audio only) and the calls collection's
     * {@code logTeleconferenceDeviceQuality} action, under both roots.
     */
    public static void registerSharingAndDeviceQuality(RoutesConfig routes, ContentSharingSessionsHandler sharing,
                                                       DeviceQualityHandler deviceQuality) {
        for (String root : ROOTS) {
            String sessions = root + "/{callId}/contentSharingSessions";
            routes.get(sessions, sharing::list);
            routes.get(sessions + "/{sessionId}", sharing::get);
            action(routes, root, "logTeleconferenceDeviceQuality", deviceQuality::log);
        }
    }

    /** A call's audio routing groups (docs/audio-routing.md), under every root. */
    public static void registerAudioRouting(RoutesConfig routes, AudioRoutingHandler groups) {
        for (String root : ROOTS) {
            String list = root + "/{callId}/audioRoutingGroups";
            routes.get(list, groups::list);
            routes.post(list, groups::create);
            routes.get(list + "/{groupId}", groups::get);
            routes.patch(list + "/{groupId}", groups::update);
            routes.delete(list + "/{groupId}", groups::delete);
        }
    }

    /** The actions on incoming calls (docs/inbound-calls.md), under every root, short and qualified. */
    public static void registerIncoming(RoutesConfig routes, IncomingCallsHandler incoming) {
        for (String root : ROOTS) {
            String call = root + "/{callId}";
            action(routes, call, "answer", incoming::answer);
            action(routes, call, "reject", incoming::reject);
            action(routes, call, "redirect", incoming::redirect);
            action(routes, call, "transfer", incoming::transfer);
        }
    }

    /** The DTMF and recording-status actions of a call (docs/dtmf.md), under both roots and both name forms. */
    public static void registerDtmf(RoutesConfig routes, DtmfHandler dtmf) {
        for (String root : ROOTS) {
            String call = root + "/{callId}";
            action(routes, call, "subscribeToTone", dtmf::subscribeToTone);
            action(routes, call, "sendDtmfTones", dtmf::sendDtmfTones);
            action(routes, call, "updateRecordingStatus", dtmf::updateRecordingStatus);
        }
    }

    /** JSON batching (docs/api.md#json-batching): its requests run under {@code /v1.0}, on either root. */
    public static void registerBatch(RoutesConfig routes, BatchHandler batch) {
        routes.post("/v1.0/$batch", batch::post);
    }

    /** A POST action under its short name and its qualified name. */
    private static void action(RoutesConfig routes, String on, String name, Handler handler) {
        routes.post(on + "/" + name, handler);
        routes.post(on + "/" + QUALIFIED + name, handler);
    }
}
