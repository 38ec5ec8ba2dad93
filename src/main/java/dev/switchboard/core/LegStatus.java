package dev.switchboard.core;

/**
 * Where a user's leg is: what {@code GET /client/v1/calls/{callId}/participants/{participantId}} shows them: the
 * caller of a dialed call (docs/inbound-calls.md), or a user who joined a group call (only {@code connected}).
 *
 * @param callId        the call
 * @param participantId the user's participant
 * @param state         {@code ringing} (no bot or user answered yet), {@code connected} or {@code ended}
 * @param endReason     why it ended ({@code ended} only), else null
 */
public record LegStatus(String callId, String participantId, String state, ResultInfo endReason) {
    public static final String RINGING = "ringing";
    public static final String CONNECTED = "connected";
    public static final String ENDED = "ended";
}
