package dev.switchboard.core;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.media.MediaLeg;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ringing machinery of {@link IncomingCalls} (docs/inbound-calls.md): the bots' ringing calls and the users'
 * rings, and every way they end: answered (a transfer completes, a simultaneous ring's other targets are cancelled),
 * rejected or declined, redirected away, or unanswered when the window closes. Dial, answer, redirect, transfer and
 * decline all share it: it is one state machine over the same {@link Call} and {@link Conference} internals, so it is
 * kept in one class rather than spread over the actions.
 *
 * <p>Thread-safe in the engine's way (docs/concurrency.md): every method but {@link #expireUnanswered} runs with the
 * conference lock held by its caller; the ringing calls are also kept in a concurrent map so the frequent expiry check
 * touches only them.
 */
final class RingingCalls {
    private static final Logger log = LoggerFactory.getLogger(IncomingCalls.class); // the inbound calls' log, as ever

    private final CallRegistry registry;
    private final Clock clock;
    private final CallEvents events;
    private final Rosters rosters;
    private final Departures departures;
    private final Journaling journal;
    private final Rings rings;
    private final Map<String, Call> ringing = new ConcurrentHashMap<>();
    /** Completes transfers out of group calls; set once while the engine is built. */
    private GroupTransfers groupTransfers;

    RingingCalls(CallRegistry registry, Clock clock, CallEvents events, Rosters rosters, Departures departures,
                 Journaling journal, Rings rings) {
        this.registry = registry;
        this.clock = clock;
        this.events = events;
        this.rosters = rosters;
        this.departures = departures;
        this.journal = journal;
        this.rings = rings;
    }

    /** Wiring only (the engine's constructor). */
    void groupTransfers(GroupTransfers transfers) {
        this.groupTransfers = transfers;
    }

    /**
     * A new bot's call for {@code bot} in {@code c}, ringing, journaled (so a crash announces it {@code terminated} to
     * the bot's calling webhook, and in cluster mode its Redis record lets any node hop the bot's answer here) but
     * not yet known to anyone; lock held.
     *
     * @throws SwitchboardException SERVICE_UNAVAILABLE when the journal refuses it (nothing changed)
     */
    Call ringingCall(Conference c, String callId, CallingBot bot, Call.Inbound inbound) {
        CreateCallRequest request = new CreateCallRequest(bot.callingWebhook(), List.of("audio"), false, null, List.of(),
                null, false, false, null, bot.identity(), null, null);
        Call call = new Call(callId, c, c.tenantId, bot.appId(), request, bot.identity(), Ids.next(), clock.instant());
        call.state = CallState.INCOMING;
        call.inbound = inbound;
        journal.ringing(call); // no wait for the disk: docs/durability.md
        return call;
    }

    /** The journaled ringing call joins the conference and rings at its bot's calling webhook; lock held. */
    Call announce(Call call) {
        Conference c = call.conference;
        String callId = call.id;
        c.botCalls.add(call);
        c.aliases.add(callId);
        registry.register(call);
        ringing.put(callId, call);
        events.incoming(call);
        return call;
    }

    /**
     * The bot answers its ringing call (checked by {@link #requireRinging}): its participant joins with service-hosted
     * media or the app's SDP offer, the call goes {@code establishing}, then {@code established}; a simultaneous ring's
     * other targets are cancelled, a transfer completes. Lock held.
     *
     * @throws RuntimeException the media plane refused the offer, or the journal refused the answer (nothing changed)
     */
    void answer(Call call, AnswerRequest answer) {
        Conference c = call.conference;
        CreateCallRequest request = new CreateCallRequest(answer.callbackUri(), answer.acceptedModalities(),
                answer.appHostedMedia(), answer.mediaOffer(), List.of(), null, false, answer.deltaRoster(), null,
                call.source, answer.mediaOfferFrom(), answer.echo());
        MediaLeg leg = answer.appHostedMedia()
                ? c.room.addLeg(call.myParticipantId, answer.mediaOffer(), answer.mediaOfferFrom())
                : c.room.addServerLeg(call.myParticipantId);
        call.request = request;
        call.mediaAnswer = leg.sdpAnswer();
        Participant bot = new Participant(call.myParticipantId, call.source, Integer.toString(c.nextSourceId++), call, leg);
        c.participants.put(bot.id, bot);
        try {
            journal.answered(call); // again, unforced: the answer's callback URI and the bot's participant
        } catch (RuntimeException e) {
            c.participants.remove(bot.id);
            Departures.closeLeg(bot);
            throw e;
        }
        ringing.remove(call.id);
        call.lastKeepAlive = clock.instant();
        call.state = CallState.ESTABLISHING;
        events.callState(call);
        call.state = CallState.ESTABLISHED;
        events.callState(call);
        rosters.changed(c, List.of(bot), List.of());
        journal.participantsChanged(c, call);
        log.info("call answered callId={} appHosted={}", call.id, answer.appHostedMedia());
        if (call.inbound.redirected) {
            cancelOtherTargets(c, call, null);
        }
        Call transferor = call.inbound.transferFrom;
        if (transferor != null && transferor.live()) {
            departures.transferred(transferor);
        }
        if (call.inbound.fromGroup != null) {
            groupTransfers.answered(call.inbound.fromGroup); // the transferee comes over from the group call
        }
    }

    /**
     * Ends the ringing calls whose window closed: a dialed call with 408/1106, a redirected one with 408/10057; a
     * transfer's target call ends alone and the transferring call goes back to {@code established}. Cheap (only
     * ringing calls); the server runs it twice a second.
     */
    void expireUnanswered() {
        Instant now = clock.instant();
        for (Call call : List.copyOf(ringing.values())) {
            Conference c = call.conference;
            c.lock.lock();
            try {
                if (call.state != CallState.INCOMING) {
                    ringing.remove(call.id, call);
                    continue;
                }
                if (!now.isBefore(call.inbound.answerBy)) {
                    log.info("incoming call expired callId={}", call.id);
                    end(call, call.inbound.redirected ? ResultInfo.REDIRECT_TIMEOUT : ResultInfo.NOT_ANSWERED_IN_TIME);
                }
            } finally {
                c.lock.unlock();
            }
        }
        for (Rings.Ring ring : rings.all()) {
            Conference c = ring.conference();
            c.lock.lock();
            try {
                resolve(ring, now);
            } finally {
                c.lock.unlock();
            }
        }
    }

    /** A user's ring: answered once they joined, cancelled when the call ended, failed when it timed out. Lock held. */
    private void resolve(Rings.Ring ring, Instant now) {
        Conference c = ring.conference();
        if (c.ended) {
            rings.end(ring, false, c.endReason);
        } else if (c.userParticipant(ring.userId()) != null) {
            if (!rings.end(ring, true, null)) {
                return; // answered already: the join resolved it, or an earlier check did
            }
            if (ring.onTimeout() != null) {
                cancelOtherTargets(c, null, ring.userId());
            }
            if (ring.transferFrom() != null && ring.transferFrom().live()) {
                departures.transferred(ring.transferFrom());
            }
            if (ring.fromGroup() != null) {
                groupTransfers.answered(ring.fromGroup()); // the transferee comes over from the group call
            }
        } else if (!now.isBefore(ring.deadline())) {
            log.info("ring timed out callId={} userId={}", ring.callId(), ring.userId());
            ringFailed(ring, ring.onTimeout() != null ? ring.onTimeout() : ResultInfo.RINGING_TIMEOUT);
        }
    }

    /** A ring ends unanswered: a transfer fails, a redirected call ends; a bot's own call times out alone. Lock held. */
    void ringFailed(Rings.Ring ring, ResultInfo why) {
        Conference c = ring.conference();
        rings.end(ring, false, why);
        if (ring.fromGroup() != null) { // the new call of a transfer out of a group call has nobody else to wait for
            if (!c.ended && !othersRinging(c, null)) {
                departures.endConference(c, why);
                groupTransfers.unanswered(ring.fromGroup());
            }
            return;
        }
        Call transferor = ring.transferFrom();
        if (transferor != null && transferor.live()) {
            transferor.state = CallState.ESTABLISHED;
            events.callState(transferor, ResultInfo.TRANSFER_FAILED);
        } else if (ring.onTimeout() != null && c.botCalls.isEmpty() && c.participants.size() <= 1
                && c.ringingUsers.isEmpty()) {
            departures.endConference(c, why); // redirected to this user, and nobody else will answer
        }
    }

    /** Ends a ringing call: a transfer's target alone (the transfer fails), else the whole call. Lock held. */
    void end(Call call, ResultInfo why) {
        ringing.remove(call.id, call);
        Call transferor = call.inbound.transferFrom;
        if (transferor != null && transferor.live()) {
            leaveRinging(call, why);
            transferor.state = CallState.ESTABLISHED;
            events.callState(transferor, ResultInfo.TRANSFER_FAILED);
            log.info("transfer failed callId={} target callId={} code={}", transferor.id, call.id, why.code());
            return;
        }
        if (call.inbound.redirected && othersRinging(call.conference, call)) {
            leaveRinging(call, why); // one of several targets drops out; the others still ring
            return;
        }
        departures.botLeave(call, why);
        if (call.inbound.fromGroup != null) {
            groupTransfers.unanswered(call.inbound.fromGroup);
        }
    }

    /**
     * A user joined the conference (lock held): their ring is answered at once, so a simultaneous ring is decided by
     * who joined first, not by the next periodic check.
     */
    void userJoined(Conference c, String userId) {
        for (Rings.Ring ring : rings.of(c)) {
            if (ring.userId().equals(userId)) {
                resolve(ring, clock.instant());
            }
        }
    }

    /** Whether another target of a redirect still rings: a ringing bot's call other than {@code except}, or a user. Lock held. */
    private static boolean othersRinging(Conference c, Call except) {
        if (!c.ringingUsers.isEmpty()) {
            return true;
        }
        for (Call other : c.botCalls) {
            if (other != except && other.state == CallState.INCOMING) {
                return true;
            }
        }
        return false;
    }

    /**
     * A target of a redirect answered ({@code winner}, a bot's call, or the user {@code winnerUserId}): every other
     * target's ring ends with {@link ResultInfo#ANSWERED_ELSEWHERE}. Lock held.
     */
    private void cancelOtherTargets(Conference c, Call winner, String winnerUserId) {
        for (Call other : List.copyOf(c.botCalls)) {
            if (other != winner && other.state == CallState.INCOMING && other.inbound != null && other.inbound.redirected) {
                log.info("ring cancelled callId={} reason=answered_elsewhere", other.id);
                leaveRinging(other, ResultInfo.ANSWERED_ELSEWHERE);
            }
        }
        for (Rings.Ring ring : rings.of(c)) {
            if (!ring.userId().equals(winnerUserId) && ring.onTimeout() != null) {
                rings.end(ring, false, ResultInfo.ANSWERED_ELSEWHERE);
            }
        }
    }

    /** A ringing bot's call ends while the caller's call goes on (a target refused, or answered elsewhere). Lock held. */
    void leaveRinging(Call call, ResultInfo why) {
        leaveRinging(call, why, false);
    }

    /**
     * A ringing bot's call is redirected: it ends while the caller's call goes on, and its id still leads to that call
     * (the caller knows it; rung users join by it). Lock held.
     */
    void redirected(Call call) {
        leaveRinging(call, ResultInfo.REDIRECTED, true);
    }

    private void leaveRinging(Call call, ResultInfo why, boolean stillAddressed) {
        ringing.remove(call.id, call);
        departures.terminating(call); // a ringing call has no participant or leg yet
        departures.terminated(call, why, stillAddressed);
    }

    void requireRinging(Call call, String verb) {
        if (call.inbound == null) {
            throw new SwitchboardException(ErrorCode.CONFLICT, "Only an incoming call can be " + verb
                    + "; this call was placed by the bot.");
        }
        if (call.state != CallState.INCOMING) {
            throw new SwitchboardException(ErrorCode.CONFLICT, "The call was already answered; it can no longer be "
                    + verb + " (to end it, DELETE the call).");
        }
        if (!clock.instant().isBefore(call.inbound.answerBy)) {
            end(call, call.inbound.redirected ? ResultInfo.REDIRECT_TIMEOUT : ResultInfo.NOT_ANSWERED_IN_TIME);
            throw CallRules.callNotFound(call.id);
        }
    }
}
