package dev.switchboard.core;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.util.List;

/**
 * A validated {@code POST /communications/calls} body. The JSON parts the engine does not interpret are kept
 * (deep copies, never mutated) so the call can echo them as Graph does.
 *
 * @param callbackUri         where notifications go; absolute http(s)
 * @param requestedModalities e.g. {@code ["audio"]}; not empty
 * @param appHostedMedia      true for {@code appHostedMediaConfig}
 * @param mediaOffer          the SDP offer in {@code appHostedMediaConfig.blob}; null for service-hosted media
 * @param mediaConfig         the request's mediaConfig (echoed without the blob)
 * @param targets             the user targets
 * @param targetsJson         the request's targets, or null
 * @param meeting             meeting coordinates, or null
 * @param meetingInfoJson     the request's meetingInfo, or null
 * @param chatInfoJson        the request's chatInfo, or null
 * @param callOptionsJson     the request's callOptions, or null
 * @param allowSelfUnmute     Switchboard's per-call option ({@code callOptions.allowSelfUnmute}): a participant's own
 *                            unmute also lifts a server mute, as Teams lets it
 * @param deltaRoster         {@code callOptions.isDeltaRosterEnabled}: roster notifications carry only what changed
 * @param subject             may be null
 * @param sourceIdentity      the bot's identity in this call (the token's app, or an application instance)
 * @param mediaOfferFrom      the address the request came from (the HTTP remote address): the offer's media address
 *                            must be this one or allowed by the media plane; null if unknown
 */
public record CreateCallRequest(URI callbackUri, List<String> requestedModalities, boolean appHostedMedia,
                                String mediaOffer, ObjectNode mediaConfig, List<ParticipantIdentity> targets,
                                ArrayNode targetsJson, MeetingCoordinates meeting, ObjectNode meetingInfoJson,
                                ObjectNode chatInfoJson, ObjectNode callOptionsJson, boolean allowSelfUnmute,
                                boolean deltaRoster, String subject, ParticipantIdentity sourceIdentity,
                                java.net.InetAddress mediaOfferFrom) {
    public CreateCallRequest {
        requestedModalities = List.copyOf(requestedModalities);
        targets = List.copyOf(targets);
    }

    /** One target and no meeting coordinates. */
    public boolean peerToPeer() {
        return meeting == null && targets.size() == 1;
    }
}
