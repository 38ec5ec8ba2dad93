package dev.switchboard.core;

import dev.switchboard.media.ivr.IvrChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Leaving and ending: a bot hangs up or is removed or expires, a user leaves or is removed, a call ends. Called
 * with the conference lock held. A peer-to-peer call ends when either side leaves; a group call when no one remains.
 *
 * <p>Threads and locks: docs/concurrency.md.
 */
final class Departures {
    private static final Logger log = LoggerFactory.getLogger(Departures.class);
    /** "participant lost" stays in the participants' log, where operators (and TransportLostTest) look for it. */
    private static final Logger participantsLog = LoggerFactory.getLogger(ParticipantCalls.class);
    private final CallRegistry registry;
    private final CallEvents events;
    private final Rosters rosters;
    private final Journaling journal;
    /**
     * Told (lock held) when a transfer out of a group call can no longer happen (the group call ended, or the transferee
     * left it): the transfer's target stops ringing, with the reason given.
     */
    private java.util.function.BiConsumer<GroupTransfers.Pending, ResultInfo> transferOff = (pending, why) -> { };

    Departures(CallRegistry registry, CallEvents events, Rosters rosters, Journaling journal) {
        this.registry = registry;
        this.events = events;
        this.rosters = rosters;
        this.journal = journal;
    }

    /** The bot's call goes terminating, then terminated with {@code why}; its participant and leg go. */
    void botLeave(Call call, ResultInfo why) {
        Conference c = call.conference;
        terminating(call);
        Participant p = c.participants.remove(call.myParticipantId);
        closeLeg(p);
        boolean ends = c.peerToPeer || c.participants.isEmpty();
        terminated(call, why, !ends);
        log.info("call terminated callId={} code={} subcode={}", call.id, why.code(), why.subcode());
        if (ends) {
            endConference(c, why);
        } else {
            List<Participant> released = endMediaWork(c, call.id); // its media goes with it, another bot's stays
            if (p != null || !released.isEmpty()) {
                rosters.changed(c, released, p == null ? List.of() : List.of(p));
                journal.participantsChanged(c, null);
            }
        }
    }

    /** Wiring only (the engine's constructor). */
    void onTransferOff(java.util.function.BiConsumer<GroupTransfers.Pending, ResultInfo> hook) {
        this.transferOff = hook;
    }

    /** A bot's call ends: a transfer out of it that is still ringing is cancelled. Lock held. */
    private void cancelTransfer(Call call) {
        GroupTransfers.Pending pending = call.groupTransfer;
        if (pending != null) {
            call.groupTransfer = null;
            transferOff.accept(pending, ResultInfo.TRANSFER_CANCELLED);
        }
    }

    /**
     * User {@code p} left group call {@code c}: a transfer of theirs that is still ringing is cancelled, and its bot's
     * call goes back to {@code established} with 500/7000. Lock held.
     */
    private void transfereeLeft(Conference c, Participant p) {
        for (Call bot : c.botCalls) {
            GroupTransfers.Pending pending = bot.groupTransfer;
            if (pending != null && pending.transferee() == p) {
                bot.groupTransfer = null;
                transferOff.accept(pending, ResultInfo.TRANSFER_CANCELLED);
                if (bot.live() && bot.state == CallState.TRANSFERRING) {
                    bot.state = CallState.ESTABLISHED;
                    events.callState(bot, ResultInfo.TRANSFEREE_LEFT);
                }
            }
        }
    }

    /** The bot hears its call {@code terminating}; lock held. */
    void terminating(Call call) {
        call.state = CallState.TERMINATING;
        events.callState(call);
    }

    /**
     * The bot's call leaves its conference and the registry and the bot hears it {@code terminated} with {@code why};
     * the journal ends it ({@code conferenceGoesOn}: its users still address the conference by the call's id). Lock
     * held.
     */
    void terminated(Call call, ResultInfo why, boolean conferenceGoesOn) {
        cancelTransfer(call);
        call.conference.botCalls.remove(call);
        if (!call.routingGroups.isEmpty()) {
            AudioRoutingCalls.apply(call.conference); // its groups end with it
        }
        registry.forget(call);
        call.state = CallState.TERMINATED;
        call.resultInfo = why;
        events.callState(call);
        if (conferenceGoesOn) {
            journal.left(call);
        } else {
            journal.ended(call);
        }
    }

    /**
     * A transfer succeeded (its target answered, or a consultative transfer moved its target in): the transferring
     * bot's call goes {@code transferAccepted}, then {@code terminated} with 0/7015; the others go on. Lock held.
     */
    void transferred(Call transferor) {
        Conference c = transferor.conference;
        transferor.state = CallState.TRANSFER_ACCEPTED;
        events.callState(transferor);
        Participant p = c.participants.remove(transferor.myParticipantId);
        closeLeg(p);
        c.botCalls.remove(transferor);
        if (!transferor.routingGroups.isEmpty()) {
            AudioRoutingCalls.apply(c); // its audio routing groups end with it, as in terminated()
        }
        registry.forget(transferor);
        transferor.state = CallState.TERMINATED;
        transferor.resultInfo = ResultInfo.TRANSFER_COMPLETED;
        events.callState(transferor);
        journal.left(transferor); // the transferred call goes on without its bot, by the same id
        List<Participant> released = endMediaWork(c, transferor.id);
        if (p != null || !released.isEmpty()) {
            rosters.changed(c, released, p == null ? List.of() : List.of(p));
            journal.participantsChanged(c, null);
        }
        log.info("transfer completed callId={}", transferor.id);
    }

    /**
     * A user leaves or is removed; {@code p2pReason} ends a peer-to-peer call. A user who was server-muted is
     * remembered, to be server-muted again on joining again.
     */
    void userLeave(Conference c, Participant p, ResultInfo p2pReason) {
        c.participants.remove(p.id);
        releaseHold(c, p);
        if (p.serverMuted && p.identity.kind() == ParticipantIdentity.Kind.USER) {
            c.serverMutedUsersWhoLeft.add(p.identity.id()); // they come back muted
        }
        closeLeg(p);
        if (c.peerToPeer) {
            endConference(c, p2pReason);
        } else if (c.participants.isEmpty()) {
            endConference(c, ResultInfo.BOT_HUNG_UP);
        } else {
            transfereeLeft(c, p);
            rosters.changed(c, List.of(), List.of(p));
            journal.participantsChanged(c, null);
        }
    }

    /**
     * When the media plane ends {@code leg} by itself (a browser's transport died: ICE consent expired, DTLS failed or
     * closed), the participant leaves the call as if they had left: out of the roster, the bots told. Nothing happens
     * if the participant already left or rejoined with another leg. Runs on the media plane's thread.
     */
    void watchLeg(Conference c, Participant p, dev.switchboard.media.MediaLeg leg) {
        leg.onEnded((participantId, reason) -> {
            c.lock.lock();
            try {
                if (c.ended || c.participants.get(p.id) != p || p.leg != leg) {
                    return;
                }
                participantsLog.info("participant lost callChainId={} participantId={} reason={}", c.id, p.id, reason);
                userLeave(c, p, ResultInfo.P2P_PEER_LEFT);
            } finally {
                c.lock.unlock();
            }
        });
    }

    /** Ends the call for everyone: every bot's call terminates with {@code why}, every leg and the room close. */
    void endConference(Conference c, ResultInfo why) {
        for (Call bot : List.copyOf(c.botCalls)) {
            cancelTransfer(bot);
            if (bot.live()) {
                c.participants.remove(bot.myParticipantId);
                bot.state = CallState.TERMINATING;
                events.callState(bot);
                bot.state = CallState.TERMINATED;
                bot.resultInfo = why;
                events.callState(bot);
            }
            journal.ended(bot);
            registry.forget(bot);
        }
        List<ParticipantView> removed = new ArrayList<>();
        long seq = ++c.rosterSequence;
        for (Participant p : c.participants.values()) {
            closeLeg(p);
            removed.add(p.removedView(seq));
        }
        c.participants.clear();
        c.botCalls.clear();
        c.ended = true;
        c.endReason = why;
        rosters.ended(c, removed, seq, why);
        registry.forget(c);
        journal.conferenceEnded(c);
        try {
            c.room.close();
        } catch (RuntimeException e) {
            log.warn("media room did not close cleanly callChainId={}", c.id, e);
        }
        log.info("call ended callChainId={} code={} subcode={}", c.id, why.code(), why.subcode());
    }

    /**
     * Bot {@code botCallId} left a call that goes on (a transfer completed, or it hung up on a group call): what it
     * asked of the service-hosted media ends with it (its prompts and recordings end as at a hang-up, 410/8501; its
     * tones being sent stop, docs/dtmf.md; a participant it held is back in the call), so nobody hears a bot that left. Another bot's prompts, recordings and
     * holds in the same call go on. Returns the participants taken off hold. Lock held.
     */
    private static List<Participant> endMediaWork(Conference c, String botCallId) {
        for (Participant p : c.participants.values()) {
            if (p.leg != null) {
                p.leg.stopDtmf(botCallId); // its sendDtmfTones end too (end packets first), another bot's go on
            }
        }
        IvrChannel ivr = c.room == null ? null : c.room.ivr();
        if (ivr == null) {
            return List.of();
        }
        List<Participant> released = new ArrayList<>();
        for (String id : ivr.endAll(botCallId)) {
            Participant held = c.participants.get(id);
            if (held != null && held.onHold) {
                held.onHold = false;
                released.add(held);
            }
        }
        return released;
    }

    /**
     * User {@code p} leaves {@code c}'s room (left, removed, or moved to another call): a hold of theirs ends with them,
     * else it would keep the call's one hold slot (docs/ivr-media.md) for someone no longer there. Lock held.
     */
    static void releaseHold(Conference c, Participant p) {
        IvrChannel ivr = c.room == null ? null : c.room.ivr();
        if (ivr != null) {
            ivr.release(p.id);
        }
        p.onHold = false;
    }

    static void closeLeg(Participant p) {
        if (p != null && p.leg != null) {
            try {
                p.leg.close();
            } catch (RuntimeException e) {
                log.warn("media leg did not close cleanly participantId={}", p.id, e);
            }
            p.leg = null;
        }
    }
}
