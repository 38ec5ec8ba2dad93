package dev.switchboard.auth;

/** What a {@code POST /communications/calls} asks for, as far as permissions are concerned. */
public enum CallKind {
    /** One target and no meeting coordinates. */
    PEER_TO_PEER,
    /** Two or more targets, or {@code chatInfo} without joining an existing meeting: a new group call. */
    NEW_GROUP_CALL,
    /** Meeting coordinates ({@code meetingInfo}, {@code joinMeetingId}) of an existing group call. */
    JOIN_MEETING
}
