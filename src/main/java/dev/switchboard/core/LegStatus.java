package dev.switchboard.core;

/**
 * Where a caller's leg is: what {@code GET /client/v1/calls/{callId}/participants/{participantId}} shows the caller
 * (docs/inbound-calls.md).
 *
 * @param callId        the call
 * @param participantId the caller's participant
 * @param state         {@code ringing} (no bot or user answered yet), {@code connected} or {@code ended}
 * @param endReason     why it ended ({@code ended} only), else null
 */
public record LegStatus(String callId, String participantId, String state, ResultInfo endReason) {
    public static final String RINGING = "ringing";
    public static final String CONNECTED = "connected";
    public static final String ENDED = "ended";
}
