package dev.switchboard.core;

import dev.switchboard.core.ParticipantMoves.Moving;
import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.media.MediaEngine;
import dev.switchboard.media.MediaRoom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;

/**
 * Transfer out of a group call ({@code transfer} with {@code transferee}; docs/inbound-calls.md, "Transfer out of a
 * group call"): one user of the bot's group call is connected with a user or another bot in a new peer-to-peer call,
 * while the group call goes on for everyone else. The target rings (a user on the ring stream, a bot at its calling
 * webhook, the transferee as the caller); once they answer, the transferee moves into the new call with the same
 * participant id and media leg ({@link ParticipantMoves}) and their client is told where to follow. The group call's
 * bot hears {@code transferring}, then {@code transferAccepted} and {@code established} with 0/7015, or
 * {@code established} with 500/7000 when the target declined, did not answer in time, or the transferee left first.
 *
 * <p>Thread-safe. Never two conference locks at once (docs/concurrency.md): the transfer starts under the group call's
 * lock, rings under the new call's; an answer (under the new call's lock) hands the move to a virtual thread, which
 * takes the transferee out of the group call under its lock, lets them arrive under the new call's, and then tells the
 * group call under its lock again.
 */
final class GroupTransfers {
    private static final Logger log = LoggerFactory.getLogger(IncomingCalls.class); // the inbound calls' log, as ever

    /**
     * A transfer out of a group call on its way. Guarded by the locks of the conferences it names.
     *
     * @param from       the transferring bot's group call
     * @param transferee the participant (a user of {@code from}'s conference) to connect with the target
     * @param into       the new peer-to-peer call's conference, where the target rings
     * @param intoCallId the new call's id (the target bot's call id, or the id the rung user joins by)
     */
    record Pending(Call from, Participant transferee, Conference into, String intoCallId) {
    }

    private final CallAccess access;
    private final CallRegistry registry;
    private final MediaEngine media;
    private final Clock clock;
    private final CallEvents events;
    private final Rosters rosters;
    private final Departures departures;
    private final Journaling journal;
    private final Rings rings;
    private final RingingCalls ringing;
    private final ParticipantMoves moves;

    GroupTransfers(CallAccess access, CallRegistry registry, MediaEngine media, Clock clock, CallEvents events,
                   Rosters rosters, Departures departures, Journaling journal, Rings rings, RingingCalls ringing,
                   ParticipantMoves moves) {
        this.access = access;
        this.registry = registry;
        this.media = media;
        this.clock = clock;
        this.events = events;
        this.rosters = rosters;
        this.departures = departures;
        this.journal = journal;
        this.rings = rings;
        this.ringing = ringing;
        this.moves = moves;
    }

    /**
     * Whether {@code callId} is one of the app's group calls (else a peer-to-peer call: the usual transfer applies).
     *
     * @throws SwitchboardException ITEM_NOT_FOUND when it is not the app's live call
     */
    boolean isGroupCall(String callId, Caller app) {
        return access.withCall(callId, app, call -> !call.conference.peerToPeer);
    }

    /**
     * Starts a transfer of {@code transferee} out of the group call {@code callId} to the bot {@code bot} or the user
     * {@code user} (one of them null), who rings for {@code window}. Checked first; a refusal changes nothing.
     *
     * @throws SwitchboardException ITEM_NOT_FOUND (not the app's live call; the transferee is not in it; a target bot of
     *                              another tenant), BAD_REQUEST (the transferee is a bot or names two participants; the
     *                              target is the transferee or already in the call), CONFLICT (the call is not
     *                              established, or the transferee has no media connected), SERVICE_UNAVAILABLE (the
     *                              journal refused the target's call)
     */
    void transfer(String callId, Caller app, Transferee transferee, CallingBot bot, ParticipantIdentity user,
                  Duration window) {
        String intoCallId = Ids.next();
        MediaRoom room = media.openRoom(intoCallId); // before any lock, as a dial does
        Pending pending;
        try {
            pending = access.withCall(callId, app, call -> {
                Conference g = call.conference;
                requireEstablished(call);
                Participant p = transferee.find(g);
                if (user != null && user.id().equals(p.identity.id())) {
                    throw SwitchboardException.badRequest("The transfer target is the transferee.");
                }
                if (user != null && g.userParticipant(user.id()) != null) {
                    throw SwitchboardException.badRequest("The transfer target, user '" + user.id() + "', is already in "
                            + "this call (an audio routing group lets two participants talk apart).");
                }
                if (bot != null && !bot.tenantId().equals(g.tenantId)) {
                    throw SwitchboardException.notFound("Bot '" + bot.appId() + "'");
                }
                Conference into = new Conference(Ids.next(), g.tenantId, true,
                        user != null ? user.id() : p.identity.id(), null, null, false, room);
                Pending started = new Pending(call, p, into, intoCallId);
                call.state = CallState.TRANSFERRING;
                call.groupTransfer = started; // from now on the call's end cancels it (cancel)
                events.callState(call);
                return started;
            });
        } catch (RuntimeException e) {
            room.close();
            throw e;
        }
        Conference into = pending.into();
        Participant moving = pending.transferee();
        RuntimeException refused = null;
        into.lock.lock();
        try {
            if (into.ended) {
                return; // called off already (the transferee left, or the group call ended): nothing to ring
            }
            if (bot != null) {
                Call.Inbound inbound = new Call.Inbound(moving.identity, moving.id, pending.from().source,
                        clock.instant().plus(window));
                inbound.fromGroup = pending;
                ringing.announce(ringing.ringingCall(into, intoCallId, bot, inbound)); // journaled first
            } else {
                journal.aliased(into, intoCallId); // first: other nodes find the call the user joins by (or 503)
                into.aliases.add(intoCallId);
                registry.alias(intoCallId, into);
                rings.ring(into, intoCallId, moving.identity, user.id(), clock.instant().plus(window), null, null, pending);
            }
        } catch (RuntimeException e) { // the journal (or the cluster's call directory) refused the target's call
            into.ended = true;
            registry.forget(into);
            journal.conferenceEnded(into);
            room.close();
            refused = e;
        } finally {
            into.lock.unlock();
        }
        if (refused != null) {
            withLock(pending.from().conference, () -> failed(pending.from(), pending));
            throw refused;
        }
        log.info("transfer from group call callId={} participantId={} to callId={} {}", callId, moving.id, intoCallId,
                bot != null ? "appId=" + bot.appId() : "userId=" + user.id());
    }

    /**
     * Consultative transfer out of a group call: {@code transferee} moves from the group call {@code callId} into the
     * app's established peer-to-peer call {@code replacesCallId}, whose other party is the user {@code target}; that
     * call's bot leaves it ({@code transferAccepted}, {@code terminated} 0/7015) and the two users talk there. The group
     * call hears {@code transferring}, {@code transferAccepted} and {@code established} with 0/7015, or
     * {@code established} with 500/7700 when the move could not happen (a party left first). Checked first.
     */
    void transferReplacing(String callId, Caller app, Transferee transferee, ParticipantIdentity target,
                           String replacesCallId, CallReplacements replacements) {
        replacements.requireReplaceable(callId, replacesCallId, app, target.id(), "transferTarget.replacesCallId");
        Call[] transferring = new Call[1];
        Participant who = access.withCall(callId, app, c -> {
            requireEstablished(c);
            Participant p = transferee.find(c.conference);
            if (p.isUser(target.id())) {
                throw SwitchboardException.badRequest("The transfer target is the transferee.");
            }
            c.state = CallState.TRANSFERRING;
            events.callState(c);
            transferring[0] = c;
            return p;
        });
        Call call = transferring[0];
        Conference g = call.conference;
        Moving m = withLock(g, () -> call.live() && call.state == CallState.TRANSFERRING
                && g.participants.get(who.id) == who ? moves.takeOut(g, who, call.id) : null);
        boolean arrived = m != null && Boolean.TRUE.equals(access.whileLive(replacesCallId, app, replaced -> {
            Conference r = replaced.conference;
            if (replaced.state != CallState.ESTABLISHED || r.userParticipant(target.id()) == null) {
                return false;
            }
            moves.arrive(r, m, replacesCallId, false);
            departures.transferred(replaced); // its bot leaves; the two users go on
            return true;
        }));
        withLock(g, () -> {
            if (m != null && !arrived) {
                if (g.ended) {
                    m.leg().close();
                } else {
                    moves.putBack(g, m);
                }
            }
            if (arrived && !g.ended) {
                rosters.movedOut(g, m.participant(), replacesCallId);
                journal.participantsChanged(g, null);
                if (g.participants.isEmpty()) {
                    departures.endConference(g, ResultInfo.BOT_HUNG_UP);
                }
            }
            if (call.live() && call.state == CallState.TRANSFERRING) {
                if (arrived) {
                    call.state = CallState.TRANSFER_ACCEPTED;
                    events.callState(call);
                    call.state = CallState.ESTABLISHED;
                    events.callState(call, ResultInfo.TRANSFER_COMPLETED);
                } else {
                    call.state = CallState.ESTABLISHED;
                    events.callState(call, ResultInfo.REPLACE_FAILED);
                }
            }
        });
        log.info("consultative transfer from group call callId={} replacesCallId={} {}", callId, replacesCallId,
                arrived ? "completed" : "failed");
    }

    /** The target answered (the rung user joined, or the target bot's call was answered); lock of the new call held. */
    void answered(Pending pending) {
        Thread.ofVirtual().name("group-transfer-" + pending.intoCallId()).start(() -> complete(pending));
    }

    /**
     * The target declined, did not answer in time or was cancelled: the new call is over (the caller ended it, lock
     * held); the group call goes back to {@code established} with 500/7000.
     */
    void unanswered(Pending pending) {
        Thread.ofVirtual().name("group-transfer-" + pending.intoCallId()).start(
                () -> withLock(pending.from().conference, () -> failed(pending.from(), pending)));
    }

    /**
     * The transfer can no longer happen while its target rings (lock of the group call held): the group call ended, or
     * the transferee left it. The new call ends, so the target's ring stops with {@code why}.
     */
    void cancel(Pending pending, ResultInfo why) {
        Thread.ofVirtual().name("group-transfer-" + pending.intoCallId()).start(() -> withLock(pending.into(), () -> {
            if (!pending.into().ended && !pending.into().participants.containsKey(pending.transferee().id)) {
                log.info("transfer cancelled callId={} target callId={}", pending.from().id, pending.intoCallId());
                departures.endConference(pending.into(), why);
            }
        }));
    }

    /** The move, off every lock but one at a time: out of the group call, into the new call, the group call told. */
    private void complete(Pending pending) {
        Call call = pending.from();
        Conference g = call.conference;
        Conference into = pending.into();
        Moving[] out = new Moving[1];
        boolean claimed = withLock(g, () -> {
            if (call.groupTransfer != pending) {
                return false; // called off meanwhile (whoever did ends the new call), or moved already (a second answer)
            }
            call.groupTransfer = null; // the move is on: from here on only this thread finishes the transfer
            out[0] = moves.takeOut(g, g.participants.get(pending.transferee().id), call.id);
            if (out[0] == null) {
                failed(call, pending); // the leg would not leave its room
            }
            return true;
        });
        Moving m = out[0];
        if (!claimed) {
            return;
        }
        if (m == null) { // the target is alone: nobody is coming
            withLock(into, () -> {
                if (!into.ended) {
                    departures.endConference(into, ResultInfo.P2P_PEER_LEFT);
                }
            });
            return;
        }
        boolean arrived = Boolean.TRUE.equals(withLock(into, () -> {
            if (into.ended) {
                return false; // the target hung up first
            }
            moves.arrive(into, m, pending.intoCallId(), false);
            return true;
        }));
        withLock(g, () -> {
            if (!arrived) {
                if (g.ended) {
                    m.leg().close(); // neither call is left: nowhere to go
                } else {
                    moves.putBack(g, m);
                }
                failed(call, pending);
                return;
            }
            if (!g.ended) {
                rosters.movedOut(g, m.participant(), pending.intoCallId());
                journal.participantsChanged(g, null);
                if (g.participants.isEmpty()) {
                    departures.endConference(g, ResultInfo.BOT_HUNG_UP);
                }
            }
            if (call.live() && call.state == CallState.TRANSFERRING) {
                call.state = CallState.TRANSFER_ACCEPTED;
                events.callState(call);
                call.state = CallState.ESTABLISHED;
                events.callState(call, ResultInfo.TRANSFER_COMPLETED);
            }
            log.info("transfer from group call completed callId={} participantId={} callId={}", call.id,
                    m.participant().id, pending.intoCallId());
        });
    }

    /** The transfer did not happen: the call, still transferring, goes back to {@code established}. Lock held. */
    private void failed(Call call, Pending pending) {
        if (pending != null && call.groupTransfer != null && call.groupTransfer != pending) {
            return; // another transfer's business
        }
        call.groupTransfer = null;
        if (call.live() && call.state == CallState.TRANSFERRING) {
            call.state = CallState.ESTABLISHED;
            events.callState(call, ResultInfo.TRANSFER_FAILED);
            log.info("transfer from group call failed callId={}", call.id);
        }
    }

    private static void requireEstablished(Call call) {
        if (call.state != CallState.ESTABLISHED) {
            throw new SwitchboardException(ErrorCode.CONFLICT, "Only an established call can be transferred; this one is "
                    + call.state.wireName() + ".");
        }
    }

    private static void withLock(Conference c, Runnable action) {
        withLock(c, () -> {
            action.run();
            return null;
        });
    }

    private static <T> T withLock(Conference c, java.util.function.Supplier<T> action) {
        c.lock.lock();
        try {
            return action.get();
        } finally {
            c.lock.unlock();
        }
    }
}
