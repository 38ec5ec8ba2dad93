package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.auth.CallKind;
import dev.switchboard.auth.Principal;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.core.CreateCallRequest;
import dev.switchboard.error.ErrorCode;
import dev.switchboard.core.MeetingCoordinates;
import dev.switchboard.core.ParticipantIdentity;
import dev.switchboard.graph.GraphEcho;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a {@code POST /communications/calls} body into a {@link CreateCallRequest}: required fields
 * ({@code callbackUri}, {@code mediaConfig}, {@code requestedModalities}) named when missing, {@code @odata.type}
 * honoured for {@code mediaConfig}, {@code meetingInfo} and {@code callOptions}, unknown properties ignored.
 */
final class CreateCallBody {
    private static final Set<String> MODALITIES = Set.of("audio", "video", "videoBasedScreenSharing", "data");
    /** An identity's id, display name or tenant, and a call's subject: Entra ID's display names stop at 256. */
    static final int MAX_NAME = 256;
    /** A callback URL: what browsers and most servers accept. */
    static final int MAX_URL = 2048;
    /** Users one new call rings at once (Graph documents no limit; a meeting is joined with meetingInfo instead). */
    static final int MAX_TARGETS = 100;

    private CreateCallBody() {
    }

    /** The validated request and the kind of call it asks for (for the permission check). */
    record Parsed(CreateCallRequest request, CallKind kind) {
    }

    /** @param from the request's remote address: where app-hosted media may go besides the allow-list */
    static Parsed parse(ObjectNode body, Principal app, java.net.InetAddress from) {
        String type = Json.odataType(body);
        if (type != null && !type.equals("call")) {
            throw SwitchboardException.badRequest("'@odata.type' must be #microsoft.graph.call.");
        }
        URI callbackUri = callbackUri(Json.requiredString(body, "callbackUri", "callbackUri"));
        List<String> modalities = modalities(body);
        ObjectNode media = Json.requiredObject(body, "mediaConfig");
        boolean appHosted = appHosted(media);
        String offer = appHosted ? Json.requiredString(media, "blob", "mediaConfig.blob") : null;
        ObjectNode mediaEcho = media.deepCopy();
        mediaEcho.remove("blob");

        ArrayNode targetsJson = Json.optionalArray(body, "targets");
        Invitations invited = Invitations.read(targetsJson, "targets");
        List<ParticipantIdentity> targets = invited.users();
        if (targets.size() > MAX_TARGETS) {
            throw SwitchboardException.badRequest("'targets' may list at most " + MAX_TARGETS + " users; this one lists "
                    + targets.size() + ". To bring more people together, create the call and let them join it.");
        }
        ObjectNode chatInfo = Json.optionalObject(body, "chatInfo");
        ObjectNode meetingInfo = Json.optionalObject(body, "meetingInfo");
        MeetingCoordinates meeting = meeting(meetingInfo, chatInfo);
        ObjectNode options = Json.optionalObject(body, "callOptions");
        boolean delta = false;
        boolean selfUnmute = false;
        if (options != null) {
            String optionsType = Json.odataType(options);
            if (optionsType != null && !optionsType.equals("outgoingcalloptions") && !optionsType.equals("incomingcalloptions")) {
                throw SwitchboardException.badRequest("callOptions '@odata.type' must be #microsoft.graph.outgoingCallOptions.");
            }
            delta = Json.optionalBoolean(options, "isDeltaRosterEnabled");
            selfUnmute = Json.optionalBoolean(options, "allowSelfUnmute");
        }
        String tenantId = Json.optionalString(body, "tenantId");
        if (tenantId != null && !tenantId.equals(app.tenantId())) {
            throw new SwitchboardException(ErrorCode.FORBIDDEN, "'tenantId' does not match the tenant of the access token.");
        }
        if (meeting == null && targets.isEmpty()) {
            throw SwitchboardException.badRequest("'targets' is required: one target for a peer-to-peer call, two or more for "
                    + "a group call; or give 'meetingInfo'/'chatInfo' to join a meeting.");
        }
        GraphEcho echo = echo(GraphEcho.of(mediaEcho, targetsJson, meetingInfo, chatInfo, options));
        CreateCallRequest request = new CreateCallRequest(callbackUri, modalities, appHosted, offer, targets, meeting,
                selfUnmute, delta, Json.atMost(Json.optionalString(body, "subject"), MAX_NAME, "subject"),
                source(Json.optionalObject(body, "source"), app),
                from, echo, invited.outsideDefaultAudio());
        CallKind kind = meetingInfo != null ? CallKind.JOIN_MEETING
                : request.peerToPeer() ? CallKind.PEER_TO_PEER : CallKind.NEW_GROUP_CALL;
        return new Parsed(request, kind);
    }

    /** {@code echo} unless it is past what a call keeps ({@link GraphEcho#MAX_BYTES}): then a 400 saying so. */
    static GraphEcho echo(GraphEcho echo) {
        if (echo.bytes() > GraphEcho.MAX_BYTES) {
            throw SwitchboardException.badRequest("Switchboard keeps at most " + GraphEcho.MAX_BYTES / 1024 + " KiB of a "
                    + "call's mediaConfig, targets, meetingInfo, chatInfo and callOptions together, to show them back on "
                    + "the call; these take " + echo.bytes() + " bytes.");
        }
        return echo;
    }

    static URI callbackUri(String value) {
        Json.atMost(value, MAX_URL, "callbackUri");
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (uri.isAbsolute() && (scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // falls through to the 400
        }
        throw SwitchboardException.badRequest("'callbackUri' must be an absolute https (or http) URL.");
    }

    static List<String> modalities(ObjectNode body) {
        return modalities(body, "requestedModalities");
    }

    /** The modality list {@code field} of {@code body}: required, known values, audio among them. */
    static List<String> modalities(ObjectNode body, String field) {
        ArrayNode array = Json.optionalArray(body, field);
        if (array == null || array.isEmpty()) {
            throw SwitchboardException.badRequest("'" + field + "' is required (e.g. [\"audio\"]).");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            if (!n.isTextual() || !MODALITIES.contains(n.asText())) {
                throw SwitchboardException.badRequest("'" + field + "' may contain only audio, video, "
                        + "videoBasedScreenSharing and data.");
            }
            out.add(n.asText());
        }
        if (!out.contains("audio")) {
            throw SwitchboardException.badRequest("'" + field + "' must include audio: Switchboard carries audio only.");
        }
        return out;
    }

    static boolean appHosted(ObjectNode media) {
        String type = Json.odataType(media);
        if (type == null) {
            throw SwitchboardException.badRequest("'mediaConfig' needs an '@odata.type': #microsoft.graph.serviceHostedMediaConfig "
                    + "or #microsoft.graph.appHostedMediaConfig.");
        }
        return switch (type) {
            case "apphostedmediaconfig" -> true;
            case "servicehostedmediaconfig" -> false;
            default -> throw SwitchboardException.badRequest("Unknown mediaConfig '@odata.type'; expected "
                    + "#microsoft.graph.serviceHostedMediaConfig or #microsoft.graph.appHostedMediaConfig.");
        };
    }

    /**
     * The user of an identitySet; other identity kinds (phone, application, guest) are not supported here.
     *
     * @param where the list it is in ({@code targets}), for the 400 that it names no user
     * @param at    where it is, for 400s naming a property ({@code targets[1].identity})
     */
    static ParticipantIdentity user(ObjectNode identitySet, String where, String at) {
        ObjectNode user = Json.optionalObject(identitySet, "user", at + ".user");
        if (user == null) {
            throw SwitchboardException.badRequest("Each of '" + where + "' must name a user (identity.user.id); phone, "
                    + "application and guest identities are not supported.");
        }
        String path = at + ".user.";
        return ParticipantIdentity.user(Json.atMost(Json.requiredString(user, "id", path + "id"), MAX_NAME, path + "id"),
                Json.atMost(Json.optionalString(user, "displayName", path + "displayName"), MAX_NAME, path + "displayName"),
                Json.atMost(Json.optionalString(user, "tenantId", path + "tenantId"), MAX_NAME, path + "tenantId"));
    }

    private static MeetingCoordinates meeting(ObjectNode meetingInfo, ObjectNode chatInfo) {
        String threadId = chatInfo == null ? null : Json.optionalString(chatInfo, "threadId");
        if (meetingInfo == null) {
            return threadId == null ? null : new MeetingCoordinates(MeetingCoordinates.THREAD, threadId, null);
        }
        String type = Json.odataType(meetingInfo);
        if (type == null) {
            type = meetingInfo.has("joinMeetingId") ? "joinmeetingidmeetinginfo"
                    : meetingInfo.has("token") ? "tokenmeetinginfo" : "organizermeetinginfo";
        }
        return switch (type) {
            case "joinmeetingidmeetinginfo" -> new MeetingCoordinates(MeetingCoordinates.JOIN_MEETING_ID,
                    Json.requiredString(meetingInfo, "joinMeetingId", "meetingInfo.joinMeetingId"),
                    Json.optionalString(meetingInfo, "passcode"));
            case "tokenmeetinginfo" -> new MeetingCoordinates(MeetingCoordinates.TOKEN,
                    Json.requiredString(meetingInfo, "token", "meetingInfo.token"), null);
            case "organizermeetinginfo" -> {
                Json.requiredObject(meetingInfo, "organizer");
                if (threadId == null) {
                    throw SwitchboardException.badRequest("'chatInfo.threadId' is required with organizerMeetingInfo.");
                }
                yield new MeetingCoordinates(MeetingCoordinates.THREAD, threadId, null);
            }
            default -> throw SwitchboardException.badRequest("Unknown meetingInfo '@odata.type'; expected "
                    + "#microsoft.graph.joinMeetingIdMeetingInfo, #microsoft.graph.organizerMeetingInfo or "
                    + "#microsoft.graph.tokenMeetingInfo.");
        };
    }

    /** The bot's identity: the token's app, or the application instance the body names. */
    private static ParticipantIdentity source(ObjectNode source, Principal app) {
        ObjectNode identity = source == null ? null : Json.optionalObject(source, "identity");
        ObjectNode instance = identity == null ? null : Json.optionalObject(identity, "applicationInstance");
        if (instance != null) {
            String path = "source.identity.applicationInstance.";
            return new ParticipantIdentity(ParticipantIdentity.Kind.APPLICATION_INSTANCE,
                    Json.atMost(Json.requiredString(instance, "id", path + "id"), MAX_NAME, path + "id"),
                    Json.atMost(Json.optionalString(instance, "displayName"), MAX_NAME, path + "displayName"),
                    app.tenantId());
        }
        ObjectNode application = identity == null ? null : Json.optionalObject(identity, "application");
        String displayName = app.displayName();
        if (application != null) {
            String id = Json.optionalString(application, "id");
            if (id != null && !id.equals(app.appId())) {
                throw SwitchboardException.badRequest("'source.identity.application.id' must be the app id of the access token.");
            }
            String named = Json.atMost(Json.optionalString(application, "displayName"), MAX_NAME,
                    "source.identity.application.displayName");
            displayName = named != null ? named : displayName;
        }
        return ParticipantIdentity.application(app.appId(), displayName, app.tenantId());
    }
}
