package dev.switchboard.core;

import dev.switchboard.error.RefusalLog;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.error.ErrorCode;

import dev.switchboard.media.MediaEngine;
import dev.switchboard.media.MediaLeg;
import dev.switchboard.media.MediaRoom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;

/**
 * Creating calls: finds or opens the conference a create-call request lands in, and puts the bot in it.
 * Two requests with the same meeting coordinates in one tenant share a conference; a peer-to-peer call or a
 * group call from targets opens a new one (a group call gets a joinMeetingId other bots can join by).
 *
 * <p>Threads and locks: docs/concurrency.md.
 */
final class Conferences {
    private static final Logger log = LoggerFactory.getLogger(Conferences.class);
    private final CallRegistry registry;
    private final MediaEngine media;
    private final Clock clock;
    private final RefusalLog passcodeRefusals = PasscodeGuard.newAudit();
    private final CallEvents events;
    private final Rosters rosters;
    private final Journaling journal;
    private Rings rings;
    private java.time.Duration ringFor;

    /** The audit lines of refused meeting passcodes, one bound for every meeting of the server. */
    RefusalLog passcodeRefusals() {
        return passcodeRefusals;
    }

    Conferences(CallRegistry registry, MediaEngine media, Clock clock, CallEvents events, Rosters rosters,
                Journaling journal) {
        this.registry = registry;
        this.media = media;
        this.clock = clock;
        this.events = events;
        this.rosters = rosters;
        this.journal = journal;
    }

    /** Rings the user targets of new calls for {@code ringFor} (docs/inbound-calls.md); set once, before any request. */
    void ringTargets(Rings rings, java.time.Duration ringFor) {
        this.rings = rings;
        this.ringFor = ringFor;
    }

    CallView create(CreateCallRequest request, Caller app) {
        if (request.meeting() == null && request.targets().isEmpty()) {
            throw SwitchboardException.badRequest("A call needs targets (one for a peer-to-peer call, two or more for a group "
                    + "call) or meeting coordinates (meetingInfo or chatInfo).");
        }
        String callId = Ids.next();
        while (true) {
            Conference c = request.meeting() != null ? meeting(request, app, callId) : fresh(request, app.tenantId(), callId);
            c.lock.lock();
            try {
                if (c.ended) {
                    continue; // the meeting ended between lookup and lock: look again
                }
                return enter(c, callId, request, app);
            } finally {
                c.lock.unlock();
            }
        }
    }

    private Conference fresh(CreateCallRequest request, String tenantId, String callId) {
        boolean p2p = request.peerToPeer();
        String peer = p2p ? request.targets().getFirst().id() : null;
        MediaRoom room = media.openRoom(callId);
        Conference c = new Conference(Ids.next(), tenantId, p2p, peer, p2p ? null : Ids.meetingId(), null,
                request.allowSelfUnmute(), room);
        if (!p2p) {
            // flagged targets, as invitees (group calls only); recorded before anyone can find c
            c.usersOutsideDefaultAudio.addAll(request.outsideDefaultAudio());
            String key = new MeetingCoordinates(MeetingCoordinates.JOIN_MEETING_ID, c.joinMeetingId, null).key(tenantId);
            c.meetingKeys.add(key);
            registry.meetings().put(key, c);
        }
        return c;
    }

    private Conference meeting(CreateCallRequest request, Caller app, String callId) {
        String tenantId = app.tenantId();
        MeetingCoordinates m = request.meeting();
        String key = m.key(tenantId);
        Conference c = registry.meetings().computeIfAbsent(key, k -> {
            String joinId = m.kind().equals(MeetingCoordinates.JOIN_MEETING_ID) ? m.value() : Ids.meetingId();
            Conference created = new Conference(Ids.next(), tenantId, false, null, joinId,
                    m.passcode() == null ? null : new PasscodeGuard(m.passcode(), clock, passcodeRefusals),
                    request.allowSelfUnmute(), media.openRoom(callId));
            created.meetingKeys.add(k);
            log.info("meeting opened callChainId={} joinMeetingId={}", created.id, joinId);
            return created;
        });
        if (c.passcode != null && !c.passcode.admits(m.passcode(), app, c.joinMeetingId)) {
            throw new SwitchboardException(ErrorCode.FORBIDDEN, "The meeting passcode does not match.");
        }
        String idKey = new MeetingCoordinates(MeetingCoordinates.JOIN_MEETING_ID, c.joinMeetingId, null).key(tenantId);
        c.lock.lock();
        try {
            if (!c.ended && !c.meetingKeys.contains(idKey)) {
                c.meetingKeys.add(idKey);
                registry.meetings().putIfAbsent(idKey, c);
            }
        } finally {
            c.lock.unlock();
        }
        return c;
    }

    /** Puts the bot into the conference; lock held. */
    private CallView enter(Conference c, String callId, CreateCallRequest request, Caller app) {
        for (Participant p : c.participants.values()) {
            if (p.botCall != null && p.identity.sameAs(request.sourceIdentity())) {
                throw new SwitchboardException(ErrorCode.CONFLICT, "This identity is already in the call; join with another "
                        + "identity (source.identity.applicationInstance) to be in it twice.");
            }
        }
        String participantId = Ids.next();
        Call call = new Call(callId, c, app.tenantId(), app.appId(), request, request.sourceIdentity(), participantId,
                clock.instant());
        MediaLeg leg;
        try {
            leg = request.appHostedMedia() ? c.room.addLeg(participantId, request.mediaOffer(), request.mediaOfferFrom())
                    : c.room.addServerLeg(participantId);
        } catch (RuntimeException e) {
            if (c.participants.isEmpty()) {
                abandon(c);
            }
            throw e;
        }
        call.mediaAnswer = leg.sdpAnswer();
        Participant bot = new Participant(participantId, request.sourceIdentity(), Integer.toString(c.nextSourceId++), call, leg);
        c.participants.put(participantId, bot);
        try {
            journal.created(call); // durable before anyone can learn the call id (the 201)
        } catch (RuntimeException e) {
            c.participants.remove(participantId);
            Departures.closeLeg(bot);
            if (c.participants.isEmpty()) {
                abandon(c);
            }
            throw e;
        }
        journal.participantsChanged(c, call);
        c.botCalls.add(call);
        c.aliases.add(callId);
        registry.register(call);
        CallView created = call.view(c.roster());
        events.callState(call);
        if (!c.peerToPeer) { // a peer-to-peer call stays establishing until its callee joins (ParticipantCalls.join)
            call.state = CallState.ESTABLISHED;
            events.callState(call);
        }
        rosters.changed(c, List.of(bot), List.of());
        if (rings != null && request.meeting() == null) {
            rings.ringTargets(c, call, clock.instant().plus(ringFor));
        }
        log.info("call created callId={} callChainId={} participantId={} appId={} tenantId={} peerToPeer={}",
                callId, c.id, participantId, app.appId(), app.tenantId(), c.peerToPeer);
        return created;
    }

    /** A conference nobody got into (its first bot's media failed): forget it. Lock held. */
    private void abandon(Conference c) {
        c.ended = true;
        for (String key : c.meetingKeys) {
            registry.meetings().remove(key, c);
        }
        c.room.close();
    }
}
