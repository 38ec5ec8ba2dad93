package dev.switchboard.core;

import dev.switchboard.media.MediaRoom;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What participants share: the roster, its sequence number, the media room. One lock guards all of it and
 * the bots' {@link Call}s in it; no lock of another conference is ever taken while holding it.
 *
 * <p>Threads and locks: docs/concurrency.md.
 */
final class Conference {
    final String id;
    final String tenantId;
    final boolean peerToPeer;
    /** For a peer-to-peer call, the only user who may join; else null. */
    final String peerUserId;
    final String joinMeetingId;
    /** The meeting's passcode and its guessing limit, or null when it has none. */
    final PasscodeGuard passcode;
    final boolean allowSelfUnmute;
    final MediaRoom room;
    final ReentrantLock lock = new ReentrantLock();
    final LinkedHashMap<String, Participant> participants = new LinkedHashMap<>();
    final List<Call> botCalls = new ArrayList<>();
    /** Every call id users may address this conference by (kept until it ends), and the meeting keys it is found by. */
    final List<String> aliases = new ArrayList<>();
    final List<String> meetingKeys = new ArrayList<>();
    long rosterSequence;
    /** True once the {@link ToneRelay} listens to the room's key presses. */
    boolean digitsRelayed;
    int nextSourceId = 1;
    boolean ended;
    /** Users being rung for this call (docs/inbound-calls.md): besides {@link #peerUserId}, they may join a peer-to-peer call. */
    final java.util.Set<String> ringingUsers = new java.util.HashSet<>();
    /** Users the last invitation naming them asked to keep out of the default audio routing group. */
    final java.util.Set<String> usersOutsideDefaultAudio = new java.util.HashSet<>();
    /**
     * Users who left while server-muted: they come back server-muted (a reload of the join page, a new leg, must not
     * lift a mute only the bot may lift). Taken out when they join again.
     */
    final java.util.Set<String> serverMutedUsersWhoLeft = new java.util.HashSet<>();
    /** The {@link CallRegistry} keys of users moved into this call out of a replaced one (forgotten with it). */
    final List<String> movedInKeys = new ArrayList<>();
    /** The call its user moved to when another call replaced this one; set just before it ends, else null. */
    String movedTo;
    /** Why the call ended (set with {@link #ended}); what a caller's leg reports after the end. */
    ResultInfo endReason;

    Conference(String id, String tenantId, boolean peerToPeer, String peerUserId, String joinMeetingId, PasscodeGuard passcode,
               boolean allowSelfUnmute, MediaRoom room) {
        this.id = id;
        this.tenantId = tenantId;
        this.peerToPeer = peerToPeer;
        this.peerUserId = peerUserId;
        this.joinMeetingId = joinMeetingId;
        this.passcode = passcode;
        this.allowSelfUnmute = allowSelfUnmute;
        this.room = room;
    }

    List<ParticipantView> roster() {
        List<ParticipantView> views = new ArrayList<>(participants.size());
        for (Participant p : participants.values()) {
            views.add(p.view());
        }
        return views;
    }

    /** The participant of user {@code userId}, or null: the one "is this user in the call" check. */
    Participant userParticipant(String userId) {
        for (Participant p : participants.values()) {
            if (p.isUser(userId)) {
                return p;
            }
        }
        return null;
    }

}
