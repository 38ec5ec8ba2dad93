package dev.switchboard.core;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.media.MediaLeg;
import dev.switchboard.media.MediaRoom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * People call bots (docs/inbound-calls.md): a user dials a bot through the client API, the call rings at the bot's
 * calling webhook ({@code state: incoming}), and the bot answers, rejects or redirects it within the answer window;
 * unanswered, the call ends with 408/1106. A dialed call is a peer-to-peer conference whose first participant is the
 * caller; the bot's participant joins at the answer.
 *
 * <p>Over 300 lines: the ringing machinery (ring a bot or a user, expire, end a ringing leg, complete or fail a
 * transfer, cancel the other targets of a simultaneous ring) is shared by dial, redirect, transfer and decline; splitting it would spread one state machine over
 * classes that all need the same Call internals.
 *
 * <p>Thread-safe; one conference lock per action, as everywhere in the engine (docs/concurrency.md). The ringing
 * calls are also kept in a concurrent map so the frequent expiry check ({@link #expireUnanswered}) touches only them.
 */
public final class IncomingCalls {
    private static final Logger log = LoggerFactory.getLogger(IncomingCalls.class);
    /** How many ended dialed calls a caller can still ask about ({@link #legStatus}). */
    static final int ENDED_MEMORY = 10_000;

    private final CallRegistry registry;
    private final CallAccess access;
    private final dev.switchboard.media.MediaEngine media;
    private final Clock clock;
    private final CallEvents events;
    private final Rosters rosters;
    private final Departures departures;
    private final Journaling journal;
    private final Rings rings;
    private final Map<String, Call> ringing = new ConcurrentHashMap<>();
    /** The conferences callers dialed, by call id, kept a while after they end so a caller can read why. */
    private final Map<String, Conference> dialed = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Conference> eldest) {
            return size() > ENDED_MEMORY && eldest.getValue().ended;
        }
    };

    IncomingCalls(CallRegistry registry, CallAccess access, dev.switchboard.media.MediaEngine media, Clock clock, CallEvents events,
                  Rosters rosters, Departures departures, Journaling journal, Rings rings) {
        this.rings = rings;
        this.registry = registry;
        this.access = access;
        this.media = media;
        this.clock = clock;
        this.events = events;
        this.rosters = rosters;
        this.departures = departures;
        this.journal = journal;
    }

    /**
     * What a dial returns to the caller.
     *
     * @param callId        the new call (the bot's call has this id; the caller addresses the call by it too)
     * @param participantId the caller's participant
     * @param sdpAnswer     the media plane's answer to the caller's offer
     */
    public record Dialed(String callId, String participantId, String sdpAnswer) {
    }

    /**
     * A user calls a bot: the caller's leg exists at once (it hears silence until the bot answers), and the bot's
     * calling webhook hears the incoming call.
     *
     * @param callId  the new call's id ({@link CallCommand.Dial#of} makes one)
     * @param window  how long the bot has to answer, reject or redirect
     * @throws SwitchboardException FORBIDDEN (not a user token), ITEM_NOT_FOUND (the bot is not in the caller's
     *                              tenant), BAD_REQUEST (empty or refused offer)
     */
    public Dialed dial(String callId, Caller user, CallingBot bot, String sdpOffer, InetAddress offeredFrom, Duration window) {
        CallRules.requireUser(user);
        if (sdpOffer == null || sdpOffer.isBlank()) {
            throw SwitchboardException.badRequest("The SDP offer is empty.");
        }
        if (!bot.tenantId().equals(user.tenantId())) {
            throw SwitchboardException.notFound("Bot '" + bot.appId() + "'");
        }
        MediaRoom room = media.openRoom(callId);
        Conference c = new Conference(Ids.next(), user.tenantId(), true, user.userId(), null, null, false, room);
        c.lock.lock();
        try {
            String pid = Ids.next();
            MediaLeg leg;
            try {
                leg = room.addLeg(pid, sdpOffer, offeredFrom);
            } catch (RuntimeException e) {
                c.ended = true;
                room.close();
                throw e;
            }
            ParticipantIdentity who = ParticipantIdentity.user(user.userId(), user.displayName(), user.tenantId());
            Participant caller = new Participant(pid, who, Integer.toString(c.nextSourceId++), null, leg);
            c.participants.put(pid, caller);
            Call bell;
            try {
                bell = ringingCall(c, callId, bot, new Call.Inbound(who, pid, null, clock.instant().plus(window)));
            } catch (RuntimeException e) { // the journal (or the cluster's call directory) refused it: no call
                c.participants.remove(pid);
                Departures.closeLeg(caller);
                c.ended = true;
                room.close();
                throw e;
            }
            synchronized (dialed) {
                dialed.put(callId, c);
            }
            rosters.changed(c, List.of(caller), List.of());
            announce(bell);
            log.info("call dialed callId={} callChainId={} participantId={} appId={}", callId, c.id, pid, bot.appId());
            return new Dialed(callId, pid, leg.sdpAnswer());
        } finally {
            c.lock.unlock();
        }
    }

    /**
     * A new bot's call for {@code bot} in {@code c}, ringing, journaled (so a crash announces it {@code terminated} to
     * the bot's calling webhook, and in cluster mode its Redis record lets any node hop the bot's answer here) but
     * not yet known to anyone; lock held.
     *
     * @throws SwitchboardException SERVICE_UNAVAILABLE when the journal refuses it (nothing changed)
     */
    private Call ringingCall(Conference c, String callId, CallingBot bot, Call.Inbound inbound) {
        CreateCallRequest request = new CreateCallRequest(bot.callingWebhook(), List.of("audio"), false, null, List.of(),
                null, false, false, null, bot.identity(), null, null);
        Call call = new Call(callId, c, c.tenantId, bot.appId(), request, bot.identity(), Ids.next(), clock.instant());
        call.state = CallState.INCOMING;
        call.inbound = inbound;
        journal.ringing(call); // no wait for the disk: docs/durability.md
        return call;
    }

    /** The journaled ringing call joins the conference and rings at its bot's calling webhook; lock held. */
    private Call announce(Call call) {
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
     * The bot answers: its participant joins with service-hosted media or the app's SDP offer; the call goes
     * {@code establishing}, then {@code established}, both notified to the answer's callback URI. Answering the
     * target's call of a transfer completes the transfer.
     *
     * @throws SwitchboardException ITEM_NOT_FOUND (not the bot's live call, or the window closed), CONFLICT (not
     *                              ringing: already answered, or a call the bot placed), BAD_REQUEST (offer refused)
     */
    public void answer(String callId, Caller app, AnswerRequest answer) {
        access.withCall(callId, app, call -> {
            requireRinging(call, "answered");
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
                completeTransfer(transferor);
            }
            return null;
        });
    }

    /**
     * The bot rejects the ringing call: it ends for the caller with the reason's result ({@link RejectReason#result()}),
     * which the bot's {@code terminated} notification carries too.
     *
     * @param callbackUri where the bot hears the end, or null for its calling webhook
     */
    public void reject(String callId, Caller app, RejectReason reason, java.net.URI callbackUri) {
        access.withCall(callId, app, call -> {
            requireRinging(call, "rejected");
            if (callbackUri != null) {
                call.request = withCallback(call.request, callbackUri);
            }
            log.info("call rejected callId={} reason={}", call.id, reason.wireName());
            end(call, reason.result());
            return null;
        });
    }

    /**
     * The bot forwards the ringing call to another bot: its own call ends ({@code terminated}, 200/5001), and the
     * target's call rings at the target's calling webhook for {@code timeout}, with the same caller.
     */
    public void redirect(String callId, Caller app, CallingBot target, Duration timeout, java.net.URI callbackUri) {
        access.withCall(callId, app, call -> {
            requireRinging(call, "redirected");
            if (callbackUri != null) {
                call.request = withCallback(call.request, callbackUri);
            }
            Conference c = call.conference;
            if (!target.tenantId().equals(c.tenantId)) {
                throw SwitchboardException.notFound("Bot '" + target.appId() + "'");
            }
            Call.Inbound was = call.inbound;
            Call.Inbound inbound = new Call.Inbound(was.caller, was.callerParticipantId, was.transferor,
                    clock.instant().plus(timeout));
            inbound.redirected = true;
            inbound.transferFrom = was.transferFrom;
            Call next = ringingCall(c, Ids.next(), target, inbound); // journaled first: a refusal changes nothing
            leaveRinging(call, ResultInfo.REDIRECTED);
            announce(next);
            log.info("call redirected callId={} to callId={} appId={}", call.id, next.id, target.appId());
            return null;
        });
    }

    /**
     * The bot forwards the ringing call to a user: its own call ends ({@code terminated}, 200/5001), and the user is
     * rung ({@link CallEvent.Ringing}) for {@code timeout}; they answer by joining the call with its id. Nobody
     * answering ends the call with 408/10057.
     */
    public void redirectToUser(String callId, Caller app, ParticipantIdentity user, Duration timeout, java.net.URI callbackUri) {
        access.withCall(callId, app, call -> {
            requireRinging(call, "redirected");
            if (callbackUri != null) {
                call.request = withCallback(call.request, callbackUri);
            }
            Conference c = call.conference;
            Call.Inbound was = call.inbound;
            leaveRinging(call, ResultInfo.REDIRECTED);
            rings.ring(c, call.id, was.caller, user.id(), clock.instant().plus(timeout), was.transferFrom,
                    ResultInfo.REDIRECT_TIMEOUT);
            log.info("call redirected callId={} to userId={}", call.id, user.id());
            return null;
        });
    }

    /**
     * Simultaneous ring: the bot forwards the ringing call to several targets at once (bots and users); its own call
     * ends ({@code terminated}, 200/5001), each target bot gets its own ringing call and each user is rung, all for
     * {@code timeout}. The first to answer (a bot's {@code answer}, a user's join) wins; every other target's ring ends
     * with {@link ResultInfo#ANSWERED_ELSEWHERE}. A target that rejects or declines drops out; when the last one
     * drops out or nobody answers in time, the call ends (the last one's reason, or 408/10057).
     *
     * @throws SwitchboardException ITEM_NOT_FOUND (a target bot not in the call's tenant; nothing changed)
     */
    public void redirectToAll(String callId, Caller app, List<CallingBot> bots, List<ParticipantIdentity> users,
                              Duration timeout, java.net.URI callbackUri) {
        access.withCall(callId, app, call -> {
            requireRinging(call, "redirected");
            Conference c = call.conference;
            for (CallingBot target : bots) {
                if (!target.tenantId().equals(c.tenantId)) {
                    throw SwitchboardException.notFound("Bot '" + target.appId() + "'");
                }
            }
            if (callbackUri != null) {
                call.request = withCallback(call.request, callbackUri);
            }
            Call.Inbound was = call.inbound;
            Instant deadline = clock.instant().plus(timeout);
            List<Call> next = new java.util.ArrayList<>();
            try {
                for (CallingBot target : bots) { // journaled first: a refusal changes nothing
                    Call.Inbound inbound = new Call.Inbound(was.caller, was.callerParticipantId, was.transferor, deadline);
                    inbound.redirected = true;
                    inbound.transferFrom = was.transferFrom;
                    next.add(ringingCall(c, Ids.next(), target, inbound));
                }
            } catch (RuntimeException e) {
                next.forEach(journal::ended);
                throw e;
            }
            leaveRinging(call, ResultInfo.REDIRECTED);
            next.forEach(this::announce);
            for (ParticipantIdentity user : users) {
                rings.ring(c, call.id, was.caller, user.id(), deadline, was.transferFrom, ResultInfo.REDIRECT_TIMEOUT);
            }
            log.info("call redirected callId={} to bots={} users={}", call.id, bots.size(), users.size());
            return null;
        });
    }

    /**
     * Blind transfer of a peer-to-peer call to a user: the call goes {@code transferring} and the user is rung; their
     * join completes the transfer ({@code transferAccepted}, then {@code terminated} 0/7015); declined or unanswered,
     * the call goes back to {@code established} with 500/7000.
     */
    public void transferToUser(String callId, Caller app, ParticipantIdentity user, Duration window) {
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

    /**
     * A rung user declines: a transfer to them fails, a call redirected to them or a bot's peer-to-peer call to them
     * ends with the reason's result; an invitation stays running until it times out.
     *
     * @throws SwitchboardException ITEM_NOT_FOUND when this user is not being rung for that call
     */
    public void decline(String callId, Caller user, RejectReason reason) {
        CallRules.requireUser(user);
        Conference c = registry.conference(callId);
        if (c == null || !c.tenantId.equals(user.tenantId())) {
            throw CallRules.callNotFound(callId);
        }
        c.lock.lock();
        try {
            Rings.Ring ring = c.ended ? null : rings.find(callId, user.userId());
            if (ring == null) {
                throw SwitchboardException.notFound("Ring of call '" + callId + "' for this user");
            }
            log.info("ring declined callId={} userId={} reason={}", callId, user.userId(), reason.wireName());
            ringFailed(ring, reason.result());
            Call bot = registry.call(callId);
            if (ring.transferFrom() == null && bot != null && bot.conference == c && c.peerToPeer
                    && bot.state == CallState.ESTABLISHING && user.userId().equals(c.peerUserId)) {
                departures.botLeave(bot, reason.result());
            }
        } finally {
            c.lock.unlock();
        }
    }

    /**
     * Blind transfer of a peer-to-peer call to another bot: the call goes {@code transferring} and a new call rings at
     * the target's calling webhook with the same caller ({@code incomingContext.transferor} = this bot). Answered,
     * this call goes {@code transferAccepted} and ends with 0/7015; rejected or unanswered, it goes back to
     * {@code established} with 500/7000 and carries on.
     *
     * @throws SwitchboardException NOT_SUPPORTED_IN_P2P's opposite: BAD_REQUEST for a group call or a call not
     *                              established, ITEM_NOT_FOUND (target bot not in the tenant)
     */
    public void transfer(String callId, Caller app, CallingBot target, Duration window) {
        access.withCall(callId, app, call -> {
            Conference c = call.conference;
            if (!target.tenantId().equals(c.tenantId)) {
                throw SwitchboardException.notFound("Bot '" + target.appId() + "'");
            }
            Participant transferee = requireTransferable(call);
            Call.Inbound inbound = new Call.Inbound(transferee.identity, transferee.id, call.source,
                    clock.instant().plus(window));
            inbound.transferFrom = call;
            Call next = ringingCall(c, Ids.next(), target, inbound); // journaled first: a refusal changes nothing
            call.state = CallState.TRANSFERRING;
            events.callState(call);
            announce(next);
            log.info("call transferring callId={} to callId={} appId={}", call.id, next.id, target.appId());
            return null;
        });
    }

    /** The user on the other side of an established peer-to-peer call; lock held. */
    private static Participant requireTransferable(Call call) {
        Conference c = call.conference;
        if (!c.peerToPeer) {
            throw SwitchboardException.badRequest("Transfer is supported for peer-to-peer calls only; this is a group call.");
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
     * The caller's view of their leg: ringing, connected or ended (with why), for a call they dialed.
     *
     * @throws SwitchboardException ITEM_NOT_FOUND (no such dialed call, or long forgotten), FORBIDDEN (not the caller)
     */
    public LegStatus legStatus(String callId, String participantId, Caller user) {
        CallRules.requireUser(user);
        Conference c;
        synchronized (dialed) {
            c = dialed.get(callId);
        }
        if (c == null || !c.tenantId.equals(user.tenantId())) {
            throw CallRules.callNotFound(callId);
        }
        c.lock.lock();
        try {
            if (!user.userId().equals(c.peerUserId)) {
                throw new SwitchboardException(ErrorCode.FORBIDDEN, "Only the caller may read the caller's leg.");
            }
            if (c.ended) {
                return new LegStatus(callId, participantId, LegStatus.ENDED, c.endReason);
            }
            Participant p = c.participants.get(participantId);
            if (p == null || !p.isUser(user.userId())) {
                throw SwitchboardException.notFound("Participant '" + participantId + "'");
            }
            boolean answered = c.participants.size() > 1;
            return new LegStatus(callId, participantId, answered ? LegStatus.CONNECTED : LegStatus.RINGING, null);
        } finally {
            c.lock.unlock();
        }
    }

    /**
     * Ends the ringing calls whose window closed: a dialed call with 408/1106, a redirected one with 408/10057; a
     * transfer's target call ends alone and the transferring call goes back to {@code established}. Cheap (only
     * ringing calls); the server runs it twice a second.
     */
    public void expireUnanswered() {
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
            rings.end(ring, true, null);
            if (ring.onTimeout() != null) {
                cancelOtherTargets(c, null, ring.userId());
            }
            if (ring.transferFrom() != null && ring.transferFrom().live()) {
                completeTransfer(ring.transferFrom());
            }
        } else if (!now.isBefore(ring.deadline())) {
            log.info("ring timed out callId={} userId={}", ring.callId(), ring.userId());
            ringFailed(ring, ring.onTimeout() != null ? ring.onTimeout() : ResultInfo.RINGING_TIMEOUT);
        }
    }

    /** A ring ends unanswered: a transfer fails, a redirected call ends; a bot's own call times out alone. Lock held. */
    private void ringFailed(Rings.Ring ring, ResultInfo why) {
        Conference c = ring.conference();
        rings.end(ring, false, why);
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
    private void end(Call call, ResultInfo why) {
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

    /** The target answered: the transferring bot's call goes transferAccepted, then ends with 7015. Lock held. */
    private void completeTransfer(Call transferor) {
        Conference c = transferor.conference;
        transferor.state = CallState.TRANSFER_ACCEPTED;
        events.callState(transferor);
        Participant p = c.participants.remove(transferor.myParticipantId);
        Departures.closeLeg(p);
        c.botCalls.remove(transferor);
        registry.forget(transferor);
        transferor.state = CallState.TERMINATED;
        transferor.resultInfo = ResultInfo.TRANSFER_COMPLETED;
        events.callState(transferor);
        journal.ended(transferor);
        if (p != null) {
            rosters.changed(c, List.of(), List.of(p));
            journal.participantsChanged(c, null);
        }
        log.info("transfer completed callId={}", transferor.id);
    }

    /** A ringing bot's call ends while the caller's call goes on (redirected, or a transfer's target refused). Lock held. */
    private void leaveRinging(Call call, ResultInfo why) {
        Conference c = call.conference;
        ringing.remove(call.id, call);
        call.state = CallState.TERMINATING;
        events.callState(call);
        c.botCalls.remove(call);
        registry.forget(call);
        call.state = CallState.TERMINATED;
        call.resultInfo = why;
        events.callState(call);
        journal.ended(call);
    }

    private void requireRinging(Call call, String verb) {
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

    private static CreateCallRequest withCallback(CreateCallRequest r, java.net.URI callbackUri) {
        return new CreateCallRequest(callbackUri, r.requestedModalities(), r.appHostedMedia(), r.mediaOffer(), r.targets(),
                r.meeting(), r.allowSelfUnmute(), r.deltaRoster(), r.subject(), r.sourceIdentity(), r.mediaOfferFrom(),
                r.echo());
    }
}
