package dev.switchboard.core;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;

/**
 * What bots do (the Graph calls API): create a call, read it, hang up, keep it alive, server-mute, invite, remove
 * participants, read operations.
 *
 * <p>Thread-safe; called on request threads. Each action takes exactly one conference lock, changes state, tells
 * the media leg and publishes its {@link CallEvent}s while holding it (docs/concurrency.md). A bot's call is visible
 * only to the app and tenant that created it. Every failure is a {@link SwitchboardException}.
 */
public final class BotCalls {
    private static final Logger log = LoggerFactory.getLogger(BotCalls.class);
    static final int MAX_INVITEES = 5;

    private final CallAccess access;
    private final Conferences conferences;
    private final Departures departures;
    private final Rosters rosters;
    private final Invitations invitations;
    private final Clock clock;
    private final int retention;
    private Rings rings;
    private java.time.Duration ringFor;

    private final CallCapacity capacity;

    BotCalls(CallAccess access, Conferences conferences, Departures departures, Rosters rosters,
             Invitations invitations, Clock clock, int retention, CallCapacity capacity) {
        this.capacity = capacity;
        this.access = access;
        this.conferences = conferences;
        this.departures = departures;
        this.rosters = rosters;
        this.invitations = invitations;
        this.clock = clock;
        this.retention = retention;
    }

    /** Rings invitees for {@code ringFor} (docs/inbound-calls.md); set once, before any request. */
    void ringInvitees(Rings rings, java.time.Duration ringFor) {
        this.rings = rings;
        this.ringFor = ringFor;
    }

    /**
     * Creates a call (peer-to-peer, new group call, or a join of an existing group call by its meeting
     * coordinates). The caller has already checked the permissions for the kind of call. The returned view is
     * {@code establishing}; the call becomes {@code established} before this returns, once its media leg exists.
     *
     * @throws SwitchboardException BAD_REQUEST (media offer refused), FORBIDDEN (wrong passcode), CONFLICT (this
     *                              identity is already in the meeting), TOO_MANY_REQUESTS (the server's or the tenant's most live calls, or
     *                              too many wrong passcodes for the meeting: {@link PasscodeGuard})
     */
    public CallView create(CreateCallRequest request, Caller app) {
        capacity.check(app.tenantId());
        return conferences.create(request, app);
    }

    /** @throws SwitchboardException ITEM_NOT_FOUND unless the call is live and owned by {@code app} */
    public CallView get(String callId, Caller app) {
        return access.withCall(callId, app, call -> call.view(call.conference.roster()));
    }

    /** The bot hangs up: its participant leaves; the call ends when no one else remained (a P2P call always ends). */
    public void hangUp(String callId, Caller app) {
        access.withCall(callId, app, call -> {
            departures.botLeave(call, ResultInfo.BOT_HUNG_UP);
            return null;
        });
    }

    /** Records a keep-alive; a call without one for {@link CallSettings#keepAliveTimeout()} ends at the next sweep. */
    public void keepAlive(String callId, Caller app) {
        access.withCall(callId, app, call -> {
            call.lastKeepAlive = clock.instant();
            return null;
        });
    }

    public List<ParticipantView> participants(String callId, Caller app) {
        return access.withCall(callId, app, call -> call.conference.roster());
    }

    public ParticipantView participant(String callId, String participantId, Caller app) {
        return access.withCall(callId, app, call -> CallRules.participantOf(call.conference, participantId).view());
    }

    /**
     * Server-mutes or unmutes the bot itself ({@code call: mute/unmute}) or a participant ({@code participant: mute},
     * and the unmute extension); group calls only. The media leg drops the participant's audio before this returns;
     * the roster changes (and its event is published) only when the flag really changed.
     */
    public Operation serverMute(String callId, MuteTarget target, boolean muted, Caller app, String clientContext) {
        CallRules.checkClientContext(clientContext);
        String participantId = target instanceof MuteTarget.ById p ? CallRules.requireId(p.participantId()) : null;
        return access.withCall(callId, app, call -> {
            Conference c = call.conference;
            CallRules.requireGroupCall(c);
            Participant p = CallRules.participantOf(c, participantId == null ? call.myParticipantId : participantId);
            // The leg first: once anyone can see serverMuted=true (roster, response), the media plane already drops.
            p.leg.setServerMuted(muted);
            if (p.serverMuted != muted) {
                p.serverMuted = muted;
                rosters.changed(c, List.of(p), List.of());
            }
            Operation op = new Operation(Ids.next(), call.id, muted ? OperationKind.MUTE : OperationKind.UNMUTE,
                    OperationStatus.COMPLETED, clientContext, null, List.of(), clock.instant());
            call.remember(op, retention);
            log.debug("server mute callId={} participantId={} muted={} operationId={}", call.id, p.id, muted, op.id());
            return op;
        });
    }

    /**
     * Invites users into a group call. The operation stays {@code Running} until every invitee has joined
     * (then {@code Completed}, with an event) or the invitation times out ({@code Failed}).
     */
    public Operation invite(String callId, List<ParticipantIdentity> invitees, Caller app, String clientContext) {
        return invite(callId, invitees, java.util.Set.of(), app, clientContext);
    }

    /**
     * Invites users into a group call; those in {@code outsideDefaultAudio} (user ids: Graph's
     * {@code removeFromDefaultAudioRoutingGroup}) are kept out of the default audio routing group, the others are in it
     * (an invitation of a user already in the call moves them now; docs/audio-routing.md).
     */
    public Operation invite(String callId, List<ParticipantIdentity> invitees, java.util.Set<String> outsideDefaultAudio,
                            Caller app, String clientContext) {
        CallRules.checkClientContext(clientContext);
        if (invitees.isEmpty() || invitees.size() > MAX_INVITEES) {
            throw SwitchboardException.badRequest("participants must list 1 to " + MAX_INVITEES + " invitees.");
        }
        for (ParticipantIdentity who : invitees) {
            if (who.kind() != ParticipantIdentity.Kind.USER) {
                throw SwitchboardException.badRequest("Only users can be invited (identity.user.id).");
            }
        }
        return access.withCall(callId, app, call -> {
            CallRules.requireGroupCall(call.conference);
            capacity.checkOperation(call);
            placeInDefaultAudio(call.conference, invitees, outsideDefaultAudio);
            Operation op = new Operation(Ids.next(), call.id, OperationKind.INVITE, OperationStatus.RUNNING,
                    clientContext, null, invitees, clock.instant());
            if (Invitations.allPresent(call.conference, op)) {
                op = op.finish(OperationStatus.COMPLETED, ResultInfo.SUCCESS);
            }
            call.remember(op, retention);
            if (rings != null && op.status() == OperationStatus.RUNNING) {
                for (ParticipantIdentity who : invitees) {
                    if (call.conference.userParticipant(who.id()) == null) {
                        rings.ring(call.conference, call.id, call.source, who.id(), clock.instant().plus(ringFor), null, null);
                    }
                }
            }
            return op;
        });
    }

    /** Records each invitee's default-group membership; a present invitee's changes now. Lock held. */
    private static void placeInDefaultAudio(Conference c, List<ParticipantIdentity> invitees, java.util.Set<String> outside) {
        boolean moved = false;
        for (ParticipantIdentity who : invitees) {
            boolean out = outside.contains(who.id());
            if (out) {
                c.usersOutsideDefaultAudio.add(who.id());
            } else {
                c.usersOutsideDefaultAudio.remove(who.id());
            }
            Participant present = c.userParticipant(who.id());
            if (present != null && present.outsideDefaultAudio != out) {
                present.outsideDefaultAudio = out;
                moved = true;
            }
        }
        if (moved) {
            AudioRoutingCalls.apply(c);
        }
    }

    /** Removes a participant ({@code DELETE .../participants/{id}}); its media leg is closed. Group calls only. */
    public void removeParticipant(String callId, String participantId, Caller app) {
        access.withCall(callId, app, call -> {
            Conference c = call.conference;
            if (c.peerToPeer) {
                throw new SwitchboardException(ErrorCode.NOT_SUPPORTED_IN_P2P, "Removing participants is supported for "
                        + "group calls only; to end a peer-to-peer call, DELETE the call.");
            }
            Participant p = CallRules.participantOf(c, participantId);
            if (p.botCall == call) {
                throw SwitchboardException.badRequest("A bot cannot remove its own participant; to leave, DELETE the call.");
            }
            if (p.botCall != null) {
                departures.botLeave(p.botCall, ResultInfo.REMOVED_BY_PARTICIPANT);
            } else {
                departures.userLeave(c, p, ResultInfo.P2P_PEER_LEFT);
            }
            return null;
        });
    }

    /** An operation of this call, among its running ones and its {@link CallSettings#operationRetention()} latest finished ones. */
    public Operation operation(String callId, String operationId, Caller app) {
        return access.withCall(callId, app, call -> {
            Operation op = call.operation(operationId);
            if (op == null) {
                throw SwitchboardException.notFound("Operation '" + operationId + "'");
            }
            return op;
        });
    }
}
