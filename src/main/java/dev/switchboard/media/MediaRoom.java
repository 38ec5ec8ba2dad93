package dev.switchboard.media;

/**
 * The media of one call: its legs and its mixer (each leg hears the mix of all the others).
 * Thread-safe. Closing the room closes every leg.
 */
public interface MediaRoom extends AutoCloseable {

    String callId();

    /**
     * Adds an RTP leg for a participant that sent an SDP offer.
     *
     * @return the leg, whose {@link MediaLeg#sdpAnswer()} is the SDP answer to send back
     * @throws dev.switchboard.error.SwitchboardException BAD_REQUEST for an unparseable offer or no common codec
     *         (the message says which), SERVICE_UNAVAILABLE when no media port is free
     */
    MediaLeg addLeg(String participantId, String sdpOffer);

    /**
     * Adds a leg with no remote peer, for a bot with service-hosted media: it sends nothing (silent)
     * but takes part in the room, so muting it behaves like any other leg.
     */
    MediaLeg addServerLeg(String participantId);

    @Override
    void close();
}
