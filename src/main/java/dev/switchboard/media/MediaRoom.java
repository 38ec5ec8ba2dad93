package dev.switchboard.media;

/**
 * The media of one call: its legs and its mixer (each leg hears the mix of all the others).
 * Thread-safe. Closing the room closes every leg.
 */
public interface MediaRoom extends AutoCloseable {

    String callId();

    /**
     * Adds an RTP leg for a participant that sent an SDP offer. The offer's media address must be
     * {@code offeredFrom} or within the engine's {@link MediaAllowList}; the leg sends nothing until that address
     * has sent it valid RTP or RTCP.
     *
     * @param offeredFrom the address the offer came from (the HTTP request's remote address); null if unknown, in
     *                    which case only the allow-list decides
     * @return the leg, whose {@link MediaLeg#sdpAnswer()} is the SDP answer to send back
     * @throws dev.switchboard.error.SwitchboardException BAD_REQUEST for an unparseable offer, no common codec or a
     *         media address that is not allowed (the message says which), SERVICE_UNAVAILABLE when no media port is free
     */
    MediaLeg addLeg(String participantId, String sdpOffer, java.net.InetAddress offeredFrom);

    /**
     * Adds a leg with no remote peer, for a bot with service-hosted media: it sends nothing (silent)
     * but takes part in the room, so muting it behaves like any other leg.
     */
    MediaLeg addServerLeg(String participantId);

    /**
     * Takes a participant's leg out of this room without closing it, to be {@link #adopt adopted} by another room of the
     * same media plane (a participant moving between calls: a consultative transfer, an invitation that replaces a
     * call). When it returns this room mixes nothing more of the leg and sends it nothing; the leg keeps its port, its
     * peer, its mute flags and its outgoing stream. A leg that is not in this room (or a server leg) is left alone.
     *
     * @return true if the leg was in this room and is now detached
     */
    default boolean detach(MediaLeg leg) {
        return false;
    }

    /**
     * Puts a leg that another room of this media plane {@link #detach detached} into this room: from the next tick it
     * hears this room's mix and is heard in it, on the same port and the same outgoing stream (its peer sees no
     * change but the audio). If this room has ended the leg is closed.
     *
     * @throws dev.switchboard.error.SwitchboardException ITEM_NOT_FOUND when this room has ended (the leg is closed)
     * @throws IllegalArgumentException a leg of another media plane
     */
    default void adopt(MediaLeg leg) {
        throw new IllegalArgumentException("This media plane cannot move legs between rooms.");
    }

    /**
     * Sets who hears whom beyond the default group (Graph's audio routing groups, docs/audio-routing.md); effective
     * from the next tick. A media plane that mixes nothing ignores it.
     */
    default void route(AudioRoutes routes) {
    }

    /**
     * Adds a listener for the DTMF key presses every leg of the room receives as RFC 4733 telephone-events (see
     * {@link DigitListener} for its thread). A room without DTMF support never calls it.
     */
    default void addDigitListener(DigitListener listener) {
        // a room without DTMF support never calls it
    }

    /**
     * The call's service-hosted media (prompts, recording, hold music), or null when this media plane has none.
     */
    default dev.switchboard.media.ivr.IvrChannel ivr() {
        return null;
    }

    @Override
    void close();
}
