package dev.switchboard.core;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.media.MediaEngine;
import dev.switchboard.media.MediaLeg;
import dev.switchboard.media.MediaRoom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The caller's side of the calls users dial to bots (docs/inbound-calls.md): the dial itself (the caller's leg, the
 * bot's ringing call) and the caller's view of their leg, kept for {@value #ENDED_MEMORY} ended calls so a caller can
 * still read why theirs ended. The actions of {@link IncomingCalls}, which states their contracts.
 *
 * <p>Thread-safe; one conference lock per action, as everywhere in the engine (docs/concurrency.md); the dialed
 * calls' map is guarded by itself.
 */
final class DialedCalls {
    private static final Logger log = LoggerFactory.getLogger(IncomingCalls.class); // the inbound calls' log, as ever
    /** How many ended dialed calls a caller can still ask about ({@link #legStatus}). */
    static final int ENDED_MEMORY = 10_000;

    private final MediaEngine media;
    private final Clock clock;
    private final Rosters rosters;
    private final RingingCalls ringing;
    /** Fewest conferences in {@link #dialed} before ended ones are moved to {@link #ended}. */
    private static final int SWEEP_MIN = 64;

    /**
     * The conferences callers dialed, by call id, while live (and until the next sweep after they end). Guards itself
     * and {@link #ended}.
     */
    private final Map<String, Conference> dialed = new HashMap<>();
    /** Why the last {@value #ENDED_MEMORY} ended dialed calls ended, eldest first: a record each, not the conference. */
    private final Map<String, Ended> ended = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Ended> eldest) {
            return size() > ENDED_MEMORY;
        }
    };
    /** {@link #dialed}'s size at which the next dial sweeps it (twice what the last sweep left: amortized O(1)). */
    private int sweepAt = SWEEP_MIN;

    /** What a caller may still read of a dialed call that ended: whose it was and why it ended. */
    private record Ended(String tenantId, String callerId, ResultInfo reason) {
    }

    DialedCalls(MediaEngine media, Clock clock, Rosters rosters, RingingCalls ringing) {
        this.media = media;
        this.clock = clock;
        this.rosters = rosters;
        this.ringing = ringing;
    }

    /** {@link IncomingCalls#dial}: the contract is stated there. */
    IncomingCalls.Dialed dial(String callId, Caller user, CallingBot bot, String sdpOffer, InetAddress offeredFrom, Duration window) {
        CallRules.requireUser(user);
        if (sdpOffer == null || sdpOffer.isBlank()) {
            throw SwitchboardException.badRequest("The SDP offer is empty.");
        }
        if (!bot.tenantId().equals(user.tenantId())) {
            throw SwitchboardException.notFound("Bot '" + bot.appId() + "'");
        }
        sweepEnded();
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
                bell = ringing.ringingCall(c, callId, bot, new Call.Inbound(who, pid, null, clock.instant().plus(window)));
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
            ringing.announce(bell);
            log.info("call dialed callId={} callChainId={} participantId={} appId={}", callId, c.id, pid, bot.appId());
            return new IncomingCalls.Dialed(callId, pid, leg.sdpAnswer());
        } finally {
            c.lock.unlock();
        }
    }

    /**
     * Moves the dialed calls that ended from {@link #dialed} to {@link #ended}, once {@link #dialed} has grown to
     * {@link #sweepAt}: so a long-lived call never keeps the ended ones behind it, and an ended call keeps a small
     * record rather than its whole conference (room, mixer buffers, roster). Holds no conference lock when called; a
     * conference whose lock is busy is left for the next sweep.
     */
    private void sweepEnded() {
        synchronized (dialed) {
            if (dialed.size() < sweepAt) {
                return;
            }
            for (Iterator<Map.Entry<String, Conference>> it = dialed.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Conference> e = it.next();
                Conference c = e.getValue();
                if (!c.lock.tryLock()) {
                    continue;
                }
                try {
                    if (c.ended) {
                        ended.put(e.getKey(), new Ended(c.tenantId, c.peerUserId, c.endReason));
                        it.remove();
                    }
                } finally {
                    c.lock.unlock();
                }
            }
            sweepAt = Math.max(SWEEP_MIN, 2 * dialed.size());
        }
    }

    /** Whether {@code callId} is a call a user dialed (live or among the last ones ended). */
    boolean knows(String callId) {
        synchronized (dialed) {
            return dialed.containsKey(callId) || ended.containsKey(callId);
        }
    }

    /** {@link IncomingCalls#legStatus}: the contract is stated there. */
    LegStatus legStatus(String callId, String participantId, Caller user) {
        CallRules.requireUser(user);
        Conference c;
        Ended gone;
        synchronized (dialed) {
            c = dialed.get(callId);
            gone = c == null ? ended.get(callId) : null;
        }
        if (gone != null) {
            if (!gone.tenantId().equals(user.tenantId())) {
                throw CallRules.callNotFound(callId);
            }
            if (!user.userId().equals(gone.callerId())) {
                throw new SwitchboardException(ErrorCode.FORBIDDEN, "Only the caller may read the caller's leg.");
            }
            return new LegStatus(callId, participantId, LegStatus.ENDED, gone.reason());
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
}
