package dev.switchboard.core;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.media.MediaLeg;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * What participants (users) do through the client API: join with an SDP offer, leave, mute themselves, read the
 * roster. A user reaches a call by any of its call ids, within the call's tenant.
 *
 * <p>Thread-safe; called on request threads, one conference lock per action (docs/concurrency.md). Every failure
 * is a {@link SwitchboardException}.
 */
public final class ParticipantCalls {
    private static final Logger log = LoggerFactory.getLogger(ParticipantCalls.class);

    private final CallAccess access;
    private final Departures departures;
    private final Rosters rosters;
    private final Invitations invitations;
    private final Journaling journal;
    private final CallEvents events;
    private final MeetingLookupLimit lookups;
    /** Told (lock held) when a user joined, so their ring is answered at once; set once while the engine is built. */
    private java.util.function.BiConsumer<Conference, String> userJoined = (c, userId) -> { };

    ParticipantCalls(CallAccess access, Departures departures, Rosters rosters, Invitations invitations,
                     Journaling journal, CallEvents events, MeetingLookupLimit lookups) {
        this.access = access;
        this.lookups = lookups;
        this.events = events;
        this.departures = departures;
        this.rosters = rosters;
        this.invitations = invitations;
        this.journal = journal;
    }

    /**
     * A user joins with an SDP offer. A peer-to-peer call accepts only its target; a group call any user of its
     * tenant. A user already in the call keeps their participant id and mute state, and gets a new leg in place
     * of the old one; a user who left while server-muted joins server-muted. Completes the invitations waiting for this user; the target joining a peer-to-peer call answers
     * it (the bot's call, {@code establishing} until then, becomes {@code established}).
     *
     * @param offeredFrom the address the offer came from (the HTTP request's remote address); media goes only there
     *                    or to the media plane's allow-list
     * @throws SwitchboardException ITEM_NOT_FOUND (no such call in the user's tenant), FORBIDDEN (not a user token, or
     *                              not the target of a P2P call), BAD_REQUEST (offer refused by the media plane, e.g.
     *                              its media address is neither {@code offeredFrom} nor allowed)
     */
    public JoinResult join(String callId, Caller user, String sdpOffer, java.net.InetAddress offeredFrom) {
        CallRules.requireUser(user);
        if (sdpOffer == null || sdpOffer.isBlank()) {
            throw SwitchboardException.badRequest("The SDP offer is empty.");
        }
        return access.withConference(callId, user, c -> {
            Participant existing = c.userParticipant(user.userId());
            if (existing != null) {
                return rejoin(c, existing, sdpOffer, offeredFrom); // a participant may always re-offer (one moved in too)
            }
            if (c.peerToPeer && !user.userId().equals(c.peerUserId) && !c.ringingUsers.contains(user.userId())) {
                throw new SwitchboardException(ErrorCode.FORBIDDEN, "Only the target of this peer-to-peer call may join it.");
            }
            String pid = Ids.next();
            MediaLeg leg = c.room.addLeg(pid, sdpOffer, offeredFrom);
            boolean stillMuted = c.serverMutedUsersWhoLeft.remove(user.userId());
            if (stillMuted) {
                leg.setServerMuted(true); // before the answer reaches them: a server mute outlives leaving and rejoining
            }
            ParticipantIdentity who = ParticipantIdentity.user(user.userId(), user.displayName(), user.tenantId());
            Participant p = new Participant(pid, who, Integer.toString(c.nextSourceId++), null, leg);
            p.serverMuted = stillMuted;
            c.participants.put(pid, p);
            if (c.usersOutsideDefaultAudio.contains(user.userId())) {
                p.outsideDefaultAudio = true; // invited with removeFromDefaultAudioRoutingGroup
                AudioRoutingCalls.apply(c);
            }
            departures.watchLeg(c, p, leg);
            rosters.changed(c, List.of(p), List.of());
            journal.participantsChanged(c, null);
            invitations.completeReady(c);
            answered(c);
            userJoined.accept(c, user.userId());
            log.info("participant joined callChainId={} participantId={}", c.id, pid);
            return new JoinResult(pid, leg.sdpAnswer(), p.view(), false);
        });
    }

    /** Wiring only (the engine's constructor): who hears that a user joined, with the conference lock held. */
    void onUserJoined(java.util.function.BiConsumer<Conference, String> hook) {
        this.userJoined = hook;
    }

    /** The callee of a peer-to-peer call joined: the ringing call becomes {@code established}. Lock held. */
    private void answered(Conference c) {
        if (!c.peerToPeer) {
            return;
        }
        for (Call call : List.copyOf(c.botCalls)) {
            if (call.state == CallState.ESTABLISHING) {
                call.state = CallState.ESTABLISHED;
                events.callState(call);
                log.info("call answered callId={}", call.id);
            }
        }
    }

    /** The user leaves; its leg is closed. A peer-to-peer call ends with it; a group call ends when no one remains. */
    public void leave(String callId, String participantId, Caller user) {
        CallRules.requireUser(user);
        access.withConference(callId, user, c -> {
            departures.userLeave(c, CallRules.ownParticipant(c, participantId, user), ResultInfo.P2P_PEER_LEFT);
            return null;
        });
    }

    /**
     * A user's view of their own leg in a group call, what {@code GET} on a join's {@code Location} shows:
     * {@code connected} while it is in the call (a leg that left, and a call that ended, are gone: 404, as for
     * {@code DELETE}).
     *
     * @throws SwitchboardException ITEM_NOT_FOUND (no such live call, or no such participant), FORBIDDEN (another's leg)
     */
    public LegStatus ownLeg(String callId, String participantId, Caller user) {
        CallRules.requireUser(user);
        return access.withConference(callId, user, c -> {
            CallRules.ownParticipant(c, participantId, user);
            return new LegStatus(callId, participantId, LegStatus.CONNECTED, null);
        });
    }

    /**
     * The participant's own (client) mute. A client unmute never lifts a server mute unless the call was created
     * with {@code callOptions.allowSelfUnmute: true}. Changes the roster only when something changed.
     */
    public ParticipantView setClientMuted(String callId, String participantId, boolean muted, Caller user) {
        CallRules.requireUser(user);
        return access.withConference(callId, user, c -> {
            Participant p = CallRules.ownParticipant(c, participantId, user);
            p.leg.setClientMuted(muted);
            boolean changed = p.clientMuted != muted;
            p.clientMuted = muted;
            if (!muted && p.serverMuted && c.allowSelfUnmute) {
                p.leg.setServerMuted(false);
                p.serverMuted = false;
                changed = true;
            }
            if (changed) {
                rosters.changed(c, List.of(p), List.of());
            }
            return p.view();
        });
    }

    /**
     * The current roster of a call, with its sequence number, for one of its participants. A roster stream starts
     * listening to {@link CallEvent.RosterChanged} first and then takes this snapshot, so it misses nothing.
     *
     * @throws SwitchboardException ITEM_NOT_FOUND (no such call in the user's tenant), FORBIDDEN (not a participant of it)
     */
    public RosterUpdate roster(String callId, Caller user) {
        CallRules.requireUser(user);
        return access.withConference(callId, user, c -> {
            CallRules.requireParticipant(c, user);
            List<ParticipantView> roster = c.roster();
            return new RosterUpdate(c.aliases, c.id, c.rosterSequence, roster, roster, false);
        });
    }

    /**
     * The call id a user joins a group call by when they know only its meeting id ({@code joinMeetingId}, what
     * Graph's {@code joinMeetingIdMeetingInfo} carries): the first call id of the live conference with that meeting id
     * in the user's tenant. Anyone of the tenant may ask (as any of its bots may join by the id); whether the user may
     * then join is the join's decision.
     *
     * @param passcode the meeting's passcode, or null (a meeting with one is found only with it)
     * @throws SwitchboardException ITEM_NOT_FOUND (no live meeting with that id here), FORBIDDEN (an app),
     *                              TOO_MANY_REQUESTS (too many wrong passcodes for the meeting, {@link PasscodeGuard}; or
     *                              too many lookups by this user that found nothing, {@link MeetingLookupLimit})
     */
    public String findMeeting(String joinMeetingId, String passcode, Caller user) {
        CallRules.requireUser(user);
        lookups.check(user, joinMeetingId);
        try {
            return access.withMeeting(joinMeetingId, passcode, user, c -> c.aliases.getFirst());
        } catch (SwitchboardException e) {
            if (e.code() == ErrorCode.ITEM_NOT_FOUND) {
                lookups.missed(user);
            }
            throw e;
        }
    }

    private JoinResult rejoin(Conference c, Participant p, String sdpOffer, java.net.InetAddress offeredFrom) {
        MediaLeg old = p.leg;
        p.leg = null;
        if (old != null) {
            old.close();
        }
        MediaLeg leg;
        try {
            leg = c.room.addLeg(p.id, sdpOffer, offeredFrom);
        } catch (RuntimeException e) {
            departures.userLeave(c, p, ResultInfo.P2P_PEER_LEFT);
            throw e;
        }
        leg.setServerMuted(p.serverMuted);
        leg.setClientMuted(p.clientMuted);
        p.leg = leg;
        departures.watchLeg(c, p, leg);
        log.info("participant rejoined callChainId={} participantId={}", c.id, p.id);
        return new JoinResult(p.id, leg.sdpAnswer(), p.view(), true);
    }
}
