package dev.switchboard.core;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;

/**
 * A validated {@code answer} of an incoming call.
 *
 * @param callbackUri        where the call's notifications go from now on
 * @param acceptedModalities e.g. {@code ["audio"]}
 * @param appHostedMedia     true for {@code appHostedMediaConfig}
 * @param mediaOffer         the SDP offer of {@code appHostedMediaConfig.blob}; null for service-hosted media
 * @param mediaOfferFrom     where the request came from (the offer's media address must be this or allowed); may be null
 * @param deltaRoster        {@code callOptions.isDeltaRosterEnabled}
 * @param echo               what to show back unread (the answer's mediaConfig and callOptions), or null
 */
public record AnswerRequest(URI callbackUri, List<String> acceptedModalities, boolean appHostedMedia, String mediaOffer,
                            InetAddress mediaOfferFrom, boolean deltaRoster, Echo echo) {
    public AnswerRequest {
        acceptedModalities = List.copyOf(acceptedModalities);
    }
}
