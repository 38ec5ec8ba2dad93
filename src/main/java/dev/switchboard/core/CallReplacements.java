package dev.switchboard.core;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.core.ParticipantMoves.Moving;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;

/**
 * A user moving from one of a bot's peer-to-peer calls into another of its calls, the first one ending: a consultative
 * transfer ({@code transfer} with {@code transferTarget.replacesCallId}) and an invitation that replaces a call
 * ({@code participants/invite} with {@code replacesCallId}); docs/inbound-calls.md, "Consultative transfer". The
 * user keeps their participant id and their media leg (the same port and stream: the media plane moves the leg
 * between rooms), their own mute, not a server mute; the replaced call ends for its bot with 0/7015 and tells the
 * user's client where they went ({@code movedTo} on its last roster message, {@code moved} on the ring stream).
 *
 * <p>Thread-safe. Never two conference locks at once (docs/concurrency.md): the user is taken out of the replaced call
 * under its lock, arrives under the other's, and only then does the replaced call end, under its lock again (so a
 * client told {@code movedTo} finds itself in the new call). Between the steps the user is in neither roster and no
 * room mixes them; if the new call ended meanwhile they are put back where they were.
 */
public final class CallReplacements {
    private static final Logger log = LoggerFactory.getLogger(CallReplacements.class);

    private final CallAccess access;
    private final ParticipantMoves moves;
    private final Departures departures;
    private final Invitations invitations;
    private final CallEvents events;
    private final Clock clock;
    private final int retention;

    CallReplacements(CallAccess access, ParticipantMoves moves, Departures departures, Invitations invitations,
                     CallEvents events, Clock clock, int retention) {
        this.access = access;
        this.moves = moves;
        this.departures = departures;
        this.invitations = invitations;
        this.events = events;
        this.clock = clock;
        this.retention = retention;
    }

    /**
     * Consultative transfer: the user {@code target}, the other party of the bot's peer-to-peer call
     * {@code replacesCallId}, joins the other party of the established peer-to-peer call {@code callId}. Checked now
     * (nothing changes on a refusal); then {@code callId} goes {@code transferring}, the target moves in, and
     * {@code callId} goes {@code transferAccepted} and {@code terminated} 0/7015 while {@code replacesCallId} ends
     * 0/7015. If the target left {@code replacesCallId} meanwhile, {@code callId} goes back to {@code established}
     * with 500/7700.
     *
     * @throws SwitchboardException ITEM_NOT_FOUND (either call is not the app's live call), BAD_REQUEST (the same
     *                              call twice; a group call; the target is not connected to {@code replacesCallId}, or
     *                              is already the other party), CONFLICT (a call that is not established)
     */
    public void transfer(String callId, Caller app, ParticipantIdentity target, String replacesCallId) {
        String where = "transferTarget.replacesCallId";
        requireReplaceable(callId, replacesCallId, app, target.id(), where);
        access.withCall(callId, app, call -> {
            Participant transferee = CallForwarding.requireTransferable(call);
            if (transferee.identity.id().equals(target.id())) {
                throw SwitchboardException.badRequest("The transfer target is already the other party of the call.");
            }
            call.state = CallState.TRANSFERRING;
            events.callState(call);
            return null;
        });
        Moving moving = takeOut(replacesCallId, app, target.id());
        boolean arrived = Boolean.TRUE.equals(access.whileLive(callId, app, call -> {
            if (moving == null) {
                call.state = CallState.ESTABLISHED;
                events.callState(call, ResultInfo.REPLACE_FAILED);
                log.info("consultative transfer failed callId={} replacesCallId={}", callId, replacesCallId);
                return false;
            }
            moves.arrive(call.conference, moving, callId, false);
            departures.transferred(call);
            log.info("consultative transfer completed callId={} replacesCallId={} participantId={}", callId,
                    replacesCallId, moving.participant().id);
            return true;
        }));
        finish(moving, app, arrived, callId);
    }

    /**
     * An invitation that replaces a call: the user {@code who}, the other party of the bot's peer-to-peer call
     * {@code replacesCallId}, moves into the group call {@code callId} (Graph's escalation of a peer-to-peer call to
     * a meeting). Returns the running invitation; it completes (with its notification) once the user is in, or fails
     * with 500/7700 if they left {@code replacesCallId} meanwhile. {@code outsideDefaultAudio}: Graph's
     * {@code removeFromDefaultAudioRoutingGroup}.
     *
     * @throws SwitchboardException as {@link #transfer}, and BAD_REQUEST when {@code callId} is not a group call or the
     *                              user is in it already
     */
    public Operation invite(String callId, Caller app, ParticipantIdentity who, String replacesCallId,
                            boolean outsideDefaultAudio, String clientContext) {
        CallRules.checkClientContext(clientContext);
        requireReplaceable(callId, replacesCallId, app, who.id(), "participants[0].replacesCallId");
        Operation op = access.withCall(callId, app, call -> {
            CallRules.requireGroupCall(call.conference);
            if (call.conference.userParticipant(who.id()) != null) {
                throw SwitchboardException.badRequest("User '" + who.id() + "' is already in this call.");
            }
            Operation running = new Operation(Ids.next(), call.id, OperationKind.INVITE, OperationStatus.RUNNING,
                    clientContext, null, List.of(who), clock.instant());
            call.remember(running, retention);
            return running;
        });
        Moving moving = takeOut(replacesCallId, app, who.id());
        boolean arrived = Boolean.TRUE.equals(access.whileLive(callId, app, call -> {
            if (moving == null) {
                Operation running = call.runningOperations.get(op.id());
                if (running != null) {
                    invitations.finish(call, running.finish(OperationStatus.FAILED, ResultInfo.REPLACE_FAILED));
                }
                return false;
            }
            moves.arrive(call.conference, moving, callId, outsideDefaultAudio); // completes the invitation
            log.info("invitation replaced a call callId={} replacesCallId={} participantId={}", callId,
                    replacesCallId, moving.participant().id);
            return true;
        }));
        finish(moving, app, arrived, callId);
        return op;
    }

    /**
     * {@code replacesCallId} must be another established peer-to-peer call of the app with user {@code userId}
     * connected ({@code where} names the property in the errors).
     */
    void requireReplaceable(String callId, String replacesCallId, Caller app, String userId, String where) {
        if (replacesCallId.equals(callId)) {
            throw SwitchboardException.badRequest("'" + where + "' names the call itself; it must name the call the "
                    + "participant is in now.");
        }
        try {
            access.withCall(replacesCallId, app, replaced -> {
                Conference c = replaced.conference;
                if (!c.peerToPeer) {
                    throw SwitchboardException.badRequest("'" + where + "' must name a peer-to-peer call; '"
                            + replacesCallId + "' is a group call.");
                }
                if (replaced.state != CallState.ESTABLISHED) {
                    throw new SwitchboardException(ErrorCode.CONFLICT, "Call '" + replacesCallId + "' ('" + where
                            + "') is " + replaced.state.wireName() + "; only an established call can be replaced.");
                }
                Participant p = c.userParticipant(userId);
                if (p == null || p.leg == null) {
                    throw SwitchboardException.badRequest("User '" + userId + "' is not connected to call '"
                            + replacesCallId + "' ('" + where + "').");
                }
                return null;
            });
        } catch (SwitchboardException e) {
            if (e.code() == ErrorCode.ITEM_NOT_FOUND) {
                throw SwitchboardException.notFound("Call '" + replacesCallId + "' ('" + where + "')");
            }
            throw e;
        }
    }

    /**
     * Takes the user out of the replaced call: out of its roster and room (the leg detached, open); the call itself
     * goes on until {@link #finish}. Null (nothing changed) when they or the call are no longer there.
     */
    private Moving takeOut(String replacedCallId, Caller app, String userId) {
        return access.whileLive(replacedCallId, app, replaced -> {
            Conference c = replaced.conference;
            return replaced.state != CallState.ESTABLISHED ? null
                    : moves.takeOut(c, c.userParticipant(userId), replacedCallId);
        });
    }

    /**
     * The last step, under the replaced call's lock: once the user arrived, the replaced call ends (its last roster
     * message saying {@code movedTo}); if they could not arrive (the new call ended meanwhile), they are put back,
     * or their leg closes when the replaced call ended too.
     */
    private void finish(Moving m, Caller app, boolean arrived, String intoCallId) {
        if (m == null) {
            return;
        }
        Boolean done = access.whileLive(m.fromCallId(), app, replaced -> {
            Conference c = replaced.conference;
            if (arrived) {
                c.movedTo = intoCallId;
                departures.endConference(c, ResultInfo.REPLACED);
            } else {
                moves.putBack(c, m);
            }
            return true;
        });
        if (done == null && !arrived) {
            m.leg().close(); // neither call is left: nowhere to go
        }
    }
}
