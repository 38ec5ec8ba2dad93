package dev.switchboard.core;

import dev.switchboard.error.SwitchboardException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * People call bots (docs/inbound-calls.md): a user dials a bot through the client API, the call rings at the bot's
 * calling webhook ({@code state: incoming}), and the bot answers, rejects or redirects it within the answer window;
 * unanswered, the call ends with 408/1106. A dialed call is a peer-to-peer conference whose first participant is the
 * caller; the bot's participant joins at the answer.
 *
 * <p>This class is the inbound calls' public face: it answers, rejects and declines here, and hands the rest to the
 * parts that own it: the caller's side (dial, the leg's status) to {@link DialedCalls}, forwarding a call (redirects,
 * transfers) to {@link CallForwarding}, and the ringing machinery all of them share to {@link RingingCalls}.
 *
 * <p>Thread-safe; one conference lock per action, as everywhere in the engine (docs/concurrency.md).
 */
public final class IncomingCalls {
    private static final Logger log = LoggerFactory.getLogger(IncomingCalls.class);

    private final CallRegistry registry;
    private final CallAccess access;
    private final Departures departures;
    private final Rings rings;
    private final RingingCalls ringing;
    private final CallForwarding forwarding;
    private final DialedCalls dialing;
    private final GroupTransfers groupTransfers;

    private final CallCapacity capacity;

    IncomingCalls(CallRegistry registry, CallAccess access, dev.switchboard.media.MediaEngine media, Clock clock, CallEvents events,
                  Rosters rosters, Departures departures, Journaling journal, Rings rings, ParticipantMoves moves,
                  CallCapacity capacity) {
        this.registry = registry;
        this.capacity = capacity;
        this.access = access;
        this.departures = departures;
        this.rings = rings;
        this.ringing = new RingingCalls(registry, clock, events, rosters, departures, journal, rings);
        this.forwarding = new CallForwarding(access, clock, events, journal, rings, ringing);
        this.dialing = new DialedCalls(media, clock, rosters, ringing);
        this.groupTransfers = new GroupTransfers(access, registry, media, clock, events, rosters, departures, journal,
                rings, ringing, moves);
        ringing.groupTransfers(groupTransfers);
        departures.onTransferOff(groupTransfers::cancel);
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
     *                              tenant), BAD_REQUEST (empty or refused offer),
     *                              TOO_MANY_REQUESTS (the server's or the tenant's most live calls)
     */
    public Dialed dial(String callId, Caller user, CallingBot bot, String sdpOffer, InetAddress offeredFrom, Duration window) {
        capacity.check(user.tenantId());
        return dialing.dial(callId, user, bot, sdpOffer, offeredFrom, window);
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
            ringing.requireRinging(call, "answered");
            ringing.answer(call, answer);
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
            forwarding.requireRinging(call, "rejected", callbackUri);
            log.info("call rejected callId={} reason={}", call.id, reason.wireName());
            ringing.end(call, reason.result());
            return null;
        });
    }

    /**
     * The bot forwards the ringing call to another bot: its own call ends ({@code terminated}, 200/5001), and the
     * target's call rings at the target's calling webhook for {@code timeout}, with the same caller.
     */
    public void redirect(String callId, Caller app, CallingBot target, Duration timeout, java.net.URI callbackUri) {
        forwarding.redirect(callId, app, target, timeout, callbackUri);
    }

    /**
     * The bot forwards the ringing call to a user: its own call ends ({@code terminated}, 200/5001), and the user is
     * rung ({@link CallEvent.Ringing}) for {@code timeout}; they answer by joining the call with its id. Nobody
     * answering ends the call with 408/10057.
     */
    public void redirectToUser(String callId, Caller app, ParticipantIdentity user, Duration timeout, java.net.URI callbackUri) {
        forwarding.redirectToUser(callId, app, user, timeout, callbackUri);
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
        forwarding.redirectToAll(callId, app, bots, users, timeout, callbackUri);
    }

    /**
     * Blind transfer of a peer-to-peer call to a user: the call goes {@code transferring} and the user is rung; their
     * join completes the transfer ({@code transferAccepted}, then {@code terminated} 0/7015); declined or unanswered,
     * the call goes back to {@code established} with 500/7000.
     */
    public void transferToUser(String callId, Caller app, ParticipantIdentity user, Duration window) {
        forwarding.transferToUser(callId, app, user, window);
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
        forwarding.transfer(callId, app, target, window);
    }

    /**
     * Transfer with a {@code transferee}. Out of a group call: the transferee, one of its users, is connected with the
     * bot {@code bot} or the user {@code user} (one of them null) in a new peer-to-peer call, rung for {@code window},
     * while the group call goes on ({@link GroupTransfers}: {@code transferring}, then {@code transferAccepted} and
     * {@code established} with 0/7015, or back to {@code established} with 500/7000); with {@code replacesCallId}
     * (consultative), the transferee moves into that peer-to-peer call of the app's instead, where {@code user} is, and
     * its bot leaves it. In a peer-to-peer call the transferee must be the other party and the usual transfer follows.
     *
     * @throws SwitchboardException ITEM_NOT_FOUND (not the app's live call; no such transferee; a target bot of
     *                              another tenant), BAD_REQUEST (a bot or another party as transferee; the target is the
     *                              transferee or already in the call), CONFLICT (not established; no media connected)
     */
    public void transferParticipant(String callId, Caller app, Transferee transferee, CallingBot bot,
                                    ParticipantIdentity user, String replacesCallId, Duration window,
                                    CallReplacements replacements) {
        if (groupTransfers.isGroupCall(callId, app)) {
            if (replacesCallId != null) {
                groupTransfers.transferReplacing(callId, app, transferee, user, replacesCallId, replacements);
            } else {
                groupTransfers.transfer(callId, app, transferee, bot, user, window);
            }
            return;
        }
        requireOtherParty(callId, app, transferee);
        if (replacesCallId != null) {
            replacements.transfer(callId, app, user, replacesCallId);
        } else if (bot != null) {
            forwarding.transfer(callId, app, bot, window);
        } else {
            forwarding.transferToUser(callId, app, user, window);
        }
    }

    /** In a peer-to-peer call, a {@code transferee} must name the other party (Graph needs none there). */
    void requireOtherParty(String callId, Caller app, Transferee transferee) {
        access.withCall(callId, app, call -> {
            Participant other = CallForwarding.requireTransferable(call);
            if (transferee.find(call.conference) != other) {
                throw SwitchboardException.badRequest("'transferee' must be the other party of this peer-to-peer call "
                        + "(or be left out).");
            }
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
            ringing.ringFailed(ring, reason.result());
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
     * The caller's view of their leg: ringing, connected or ended (with why), for a call they dialed.
     *
     * @throws SwitchboardException ITEM_NOT_FOUND (no such dialed call, or long forgotten), FORBIDDEN (not the caller)
     */
    public LegStatus legStatus(String callId, String participantId, Caller user) {
        return dialing.legStatus(callId, participantId, user);
    }

    /** Whether {@code callId} is a call a user dialed (else a join's leg is read with {@link ParticipantCalls#ownLeg}). */
    public boolean isDialed(String callId) {
        return dialing.knows(callId);
    }

    /**
     * Ends the ringing calls whose window closed: a dialed call with 408/1106, a redirected one with 408/10057; a
     * transfer's target call ends alone and the transferring call goes back to {@code established}. Cheap (only
     * ringing calls); the server runs it twice a second.
     */
    public void expireUnanswered() {
        ringing.expireUnanswered();
    }

    /**
     * A user joined the conference (lock held): their ring is answered at once, so a simultaneous ring is decided by
     * who joined first, not by the next periodic check.
     */
    void userJoined(Conference c, String userId) {
        ringing.userJoined(c, userId);
    }
}
