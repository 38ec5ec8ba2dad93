package dev.switchboard.core;

/**
 * How a create-call request names an existing (or new) meeting. Two requests with equal coordinates in
 * the same tenant land in the same group call.
 *
 * @param kind     {@code joinMeetingId}, {@code thread} (chatInfo.threadId) or {@code token} (tokenMeetingInfo)
 * @param value    the meeting id, thread id or token
 * @param passcode the joinMeetingId passcode, or null
 */
public record MeetingCoordinates(String kind, String value, String passcode) {
    public static final String JOIN_MEETING_ID = "joinMeetingId";
    public static final String THREAD = "thread";
    public static final String TOKEN = "token";

    public MeetingCoordinates {
        if (kind == null || value == null || value.isBlank()) {
            throw new IllegalArgumentException("meeting coordinates need a kind and a value");
        }
    }

    /** The key this meeting is found by, scoped to a tenant. */
    String key(String tenantId) {
        return tenantId + "|" + kind + "|" + value;
    }
}
