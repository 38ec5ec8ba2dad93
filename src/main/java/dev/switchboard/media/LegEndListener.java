package dev.switchboard.media;

/**
 * Told when a leg ended by itself, not because anyone closed it: its transport died (a WebRTC leg's ICE consent
 * expired, its DTLS failed or the browser closed DTLS), or a plain RTP leg's peer sent nothing for the media timeout
 * ({@link SilentLegs}). The owner of the leg (core) registers one when it creates the
 * leg, and takes the participant out of the call. Called at most once, on a media thread (the WebRTC sweeper or {@link SilentLegs}), after
 * the leg already left the mix; it may take locks but should not block for long.
 */
@FunctionalInterface
public interface LegEndListener {

    /**
     * @param participantId the leg's participant
     * @param reason        why, for logs: {@code ice_expired} (no check in time, or consent expired), {@code dtls_failed},
     *                      {@code dtls_closed}, {@code rtp_timeout}
     */
    void legEnded(String participantId, String reason);
}
