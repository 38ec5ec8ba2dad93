package dev.switchboard.core;

import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * A validated create-call command. The parts of the bot's request the engine does not interpret travel as an
 * opaque {@link Echo} so the call can be shown back as Graph does.
 *
 * @param callbackUri         where notifications go; absolute http(s)
 * @param requestedModalities e.g. {@code ["audio"]}; not empty
 * @param appHostedMedia      true for {@code appHostedMediaConfig}
 * @param mediaOffer          the SDP offer in {@code appHostedMediaConfig.blob}; null for service-hosted media
 * @param targets             the user targets
 * @param meeting             meeting coordinates, or null
 * @param allowSelfUnmute     Switchboard's per-call option ({@code callOptions.allowSelfUnmute}): a participant's own
 *                            unmute also lifts a server mute, as Teams lets it
 * @param deltaRoster         {@code callOptions.isDeltaRosterEnabled}: roster notifications carry only what changed
 * @param subject             may be null
 * @param sourceIdentity      the bot's identity in this call (the token's app, or an application instance)
 * @param mediaOfferFrom      the address the request came from (the HTTP remote address): the offer's media address
 *                            must be this one or allowed by the media plane; null if unknown
 * @param echo                what to show back unread (owned by the API layer), or null
 * @param outsideDefaultAudio the user ids of the targets asked for with {@code removeFromDefaultAudioRoutingGroup}:
 *                            kept out of the default audio routing group when they join a new group call
 *                            (not read for a peer-to-peer call or a meeting join; docs/audio-routing.md)
 */
public record CreateCallRequest(URI callbackUri, List<String> requestedModalities, boolean appHostedMedia,
                                String mediaOffer, List<ParticipantIdentity> targets, MeetingCoordinates meeting,
                                boolean allowSelfUnmute, boolean deltaRoster, String subject,
                                ParticipantIdentity sourceIdentity, java.net.InetAddress mediaOfferFrom, Echo echo,
                                Set<String> outsideDefaultAudio) {
    public CreateCallRequest {
        requestedModalities = List.copyOf(requestedModalities);
        targets = List.copyOf(targets);
        outsideDefaultAudio = outsideDefaultAudio == null ? Set.of() : Set.copyOf(outsideDefaultAudio);
    }

    /** A request whose targets all join the default audio routing group. */
    public CreateCallRequest(URI callbackUri, List<String> requestedModalities, boolean appHostedMedia, String mediaOffer,
                             List<ParticipantIdentity> targets, MeetingCoordinates meeting, boolean allowSelfUnmute,
                             boolean deltaRoster, String subject, ParticipantIdentity sourceIdentity,
                             java.net.InetAddress mediaOfferFrom, Echo echo) {
        this(callbackUri, requestedModalities, appHostedMedia, mediaOffer, targets, meeting, allowSelfUnmute, deltaRoster,
                subject, sourceIdentity, mediaOfferFrom, echo, Set.of());
    }

    /** The same request, its notifications sent to {@code callbackUri}. */
    public CreateCallRequest withCallbackUri(URI callbackUri) {
        return new CreateCallRequest(callbackUri, requestedModalities, appHostedMedia, mediaOffer, targets, meeting,
                allowSelfUnmute, deltaRoster, subject, sourceIdentity, mediaOfferFrom, echo, outsideDefaultAudio);
    }

    /** One target and no meeting coordinates. */
    public boolean peerToPeer() {
        return meeting == null && targets.size() == 1;
    }
}
