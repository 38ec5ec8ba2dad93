package dev.switchboard.core;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a bot does with a call instead of keeping it (docs/inbound-calls.md): forwards a ringing call to another bot,
 * a user or several targets at once, or blind-transfers an established peer-to-peer call to a bot or a user. The
 * actions of {@link IncomingCalls}, which states their contracts; the rings they start end in {@link RingingCalls}.
 *
 * <p>Thread-safe; one conference lock per action, as everywhere in the engine (docs/concurrency.md).
 */
final class CallForwarding {
    private static final Logger log = LoggerFactory.getLogger(IncomingCalls.class); // the inbound calls' log, as ever

    private final CallAccess access;
    private final Clock clock;
    private final CallEvents events;
    private final Journaling journal;
    private final Rings rings;
    private final RingingCalls ringing;

    CallForwarding(CallAccess access, Clock clock, CallEvents events, Journaling journal, Rings rings,
                   RingingCalls ringing) {
        this.access = access;
        this.clock = clock;
        this.events = events;
        this.journal = journal;
        this.rings = rings;
        this.ringing = ringing;
    }

    /** {@link IncomingCalls#redirect}: the contract is stated there. */
    void redirect(String callId, Caller app, CallingBot target, Duration timeout, java.net.URI callbackUri) {
        access.withCall(callId, app, call -> {
            ringing.requireRinging(call, "redirected");
            Conference c = call.conference;
            if (!target.tenantId().equals(c.tenantId)) {
                throw SwitchboardException.notFound("Bot '" + target.appId() + "'");
            }
            Call.Inbound was = call.inbound;
            Call.Inbound inbound = new Call.Inbound(was.caller, was.callerParticipantId, was.transferor,
                    clock.instant().plus(timeout));
            inbound.redirected = true;
            inbound.transferFrom = was.transferFrom;
            inbound.fromGroup = was.fromGroup;
            Call next = ringing.ringingCall(c, Ids.next(), target, inbound); // journaled first: a refusal changes nothing
            moveCallback(call, callbackUri); // only now: a refused redirect leaves the bot's callback where it was
            ringing.redirected(call);
            ringing.announce(next);
            log.info("call redirected callId={} to callId={} appId={}", call.id, next.id, target.appId());
            return null;
        });
    }

    /** {@link IncomingCalls#redirectToUser}: the contract is stated there. */
    void redirectToUser(String callId, Caller app, ParticipantIdentity user, Duration timeout, java.net.URI callbackUri) {
        access.withCall(callId, app, call -> {
            ringing.requireRinging(call, "redirected");
            requireNotCaller(call, List.of(user));
            moveCallback(call, callbackUri);
            Conference c = call.conference;
            Call.Inbound was = call.inbound;
            ringing.redirected(call);
            rings.ring(c, call.id, was.caller, user.id(), clock.instant().plus(timeout), was.transferFrom,
                    ResultInfo.REDIRECT_TIMEOUT, was.fromGroup);
            log.info("call redirected callId={} to userId={}", call.id, user.id());
            return null;
        });
    }

    /** {@link IncomingCalls#redirectToAll}: the contract is stated there. */
    void redirectToAll(String callId, Caller app, List<CallingBot> bots, List<ParticipantIdentity> users,
                              Duration timeout, java.net.URI callbackUri) {
        access.withCall(callId, app, call -> {
            ringing.requireRinging(call, "redirected");
            requireNotCaller(call, users);
            Conference c = call.conference;
            for (CallingBot target : bots) {
                if (!target.tenantId().equals(c.tenantId)) {
                    throw SwitchboardException.notFound("Bot '" + target.appId() + "'");
                }
            }
            Call.Inbound was = call.inbound;
            Instant deadline = clock.instant().plus(timeout);
            List<Call> next = new java.util.ArrayList<>();
            try {
                for (CallingBot target : bots) { // journaled first: a refusal changes nothing
                    Call.Inbound inbound = new Call.Inbound(was.caller, was.callerParticipantId, was.transferor, deadline);
                    inbound.redirected = true;
                    inbound.transferFrom = was.transferFrom;
                    inbound.fromGroup = was.fromGroup;
                    next.add(ringing.ringingCall(c, Ids.next(), target, inbound));
                }
            } catch (RuntimeException e) {
                next.forEach(journal::ended);
                throw e;
            }
            moveCallback(call, callbackUri); // only now: a refused redirect leaves the bot's callback where it was
            ringing.redirected(call);
            next.forEach(ringing::announce);
            for (ParticipantIdentity user : users) {
                rings.ring(c, call.id, was.caller, user.id(), deadline, was.transferFrom, ResultInfo.REDIRECT_TIMEOUT,
                        was.fromGroup);
            }
            log.info("call redirected callId={} to bots={} users={}", call.id, bots.size(), users.size());
            return null;
        });
    }

    /** {@link IncomingCalls#transferToUser}: the contract is stated there. */
    void transferToUser(String callId, Caller app, ParticipantIdentity user, Duration window) {
        access.withCall(callId, app, call -> {
            Participant transferee = requireTransferable(call);
            if (user.id().equals(transferee.identity.id())) {
                throw SwitchboardException.badRequest("The transfer target is already the other party of the call.");
            }
            call.state = CallState.TRANSFERRING;
            events.callState(call);
            rings.ring(call.conference, call.id, transferee.identity, user.id(), clock.instant().plus(window), call, null);
            log.info("call transferring callId={} to userId={}", call.id, user.id());
            return null;
        });
    }

    /** {@link IncomingCalls#transfer}: the contract is stated there. */
    void transfer(String callId, Caller app, CallingBot target, Duration window) {
        access.withCall(callId, app, call -> {
            Conference c = call.conference;
            if (!target.tenantId().equals(c.tenantId)) {
                throw SwitchboardException.notFound("Bot '" + target.appId() + "'");
            }
            Participant transferee = requireTransferable(call);
            Call.Inbound inbound = new Call.Inbound(transferee.identity, transferee.id, call.source,
                    clock.instant().plus(window));
            inbound.transferFrom = call;
            Call next = ringing.ringingCall(c, Ids.next(), target, inbound); // journaled first: a refusal changes nothing
            call.state = CallState.TRANSFERRING;
            events.callState(call);
            ringing.announce(next);
            log.info("call transferring callId={} to callId={} appId={}", call.id, next.id, target.appId());
            return null;
        });
    }

    /**
     * A redirect cannot ring the caller: they are in the call already, so their ring would count as answered at once
     * and leave them alone in a call that nobody else can join. Lock held.
     */
    private static void requireNotCaller(Call call, List<ParticipantIdentity> users) {
        for (ParticipantIdentity user : users) {
            if (user.id().equals(call.inbound.caller.id())) {
                throw SwitchboardException.badRequest("'targets' names the caller (user '" + user.id() + "'): a call "
                        + "cannot be redirected to the person calling.");
            }
        }
    }

    /** The user on the other side of an established peer-to-peer call; lock held. */
    static Participant requireTransferable(Call call) {
        Conference c = call.conference;
        if (!c.peerToPeer) {
            throw SwitchboardException.badRequest("This is a group call: a transfer out of it needs 'transferee', the "
                    + "participant to transfer.");
        }
        if (call.state != CallState.ESTABLISHED) {
            throw new SwitchboardException(ErrorCode.CONFLICT, "Only an established call can be transferred; this one is "
                    + call.state.wireName() + ".");
        }
        for (Participant p : c.participants.values()) {
            if (p.botCall == null) {
                return p;
            }
        }
        throw new SwitchboardException(ErrorCode.CONFLICT, "The other party of the call is not connected.");
    }

    /**
     * The bot's own ringing call, about to be rejected or redirected ({@code verb}): it must still ring
     * ({@link RingingCalls#requireRinging}); given a {@code callbackUri}, the bot hears the rest of the call there.
     * Lock held.
     */
    void requireRinging(Call call, String verb, java.net.URI callbackUri) {
        ringing.requireRinging(call, verb);
        moveCallback(call, callbackUri);
    }

    /** Given a {@code callbackUri}, the bot hears the rest of the call there; null changes nothing. Lock held. */
    private static void moveCallback(Call call, java.net.URI callbackUri) {
        if (callbackUri != null) {
            call.request = call.request.withCallbackUri(callbackUri);
        }
    }
}
