package dev.switchboard.core;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.error.RefusalLog;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A meeting's passcode and the limit on guessing it (docs/compatibility.md, "Meeting passcodes"). Within
 * {@link #WINDOW}:
 * <ul>
 *   <li>a caller (a user, whatever app it signed in with; or a bot app) with {@link #PER_CALLER} failed attempts at this meeting is refused without the
 *       passcode being checked, until the oldest of them is a {@link #WINDOW} old;</li>
 *   <li>once the meeting has {@link #PER_MEETING} failed attempts from anyone, every caller with a failed attempt of its
 *       own in the window (or, when {@link #MAX_CALLERS} callers are remembered, any caller not among them) is refused
 *       the same way until the meeting is under that count again;</li>
 *   <li>a caller with no recent failure is always checked: the right passcode typed right the first time gets in, however
 *       hard someone else guesses.</li>
 * </ul>
 * So at most {@link #PER_MEETING} guesses, plus one per other identity the guesser holds in the tenant, are checked per
 * window. A refusal is {@code 429 TooManyRequests} with the wait, and is written to the {@code switchboard.audit} log
 * (a few lines a minute per meeting and caller at most: {@link RefusalLog}).
 * Passcodes are compared as SHA-256 digests in constant time.
 *
 * <p>Thread-safe: one monitor, held for a few collection operations, never across I/O or a conference lock. Memory is
 * bounded: at most {@link #MAX_CALLERS} callers of at most {@link #PER_CALLER} times each, and {@link #PER_MEETING} times.
 */
final class PasscodeGuard {
    static final Duration WINDOW = Duration.ofMinutes(1);
    static final int PER_CALLER = 5;
    static final int PER_MEETING = 20;
    static final int MAX_CALLERS = 256;

    private final byte[] digest;
    private final Clock clock;
    private final RefusalLog audit;
    /** Failed attempts of the whole meeting, oldest first (the last {@link #PER_MEETING}). */
    private final ArrayDeque<Instant> meetingFailures = new ArrayDeque<>();
    /** Caller key → its failed attempts, oldest first (the last {@link #PER_CALLER}). */
    private final Map<String, ArrayDeque<Instant>> callerFailures = new HashMap<>();

    /** @param passcode the meeting's passcode; never null */
    PasscodeGuard(String passcode, Clock clock) {
        this(passcode, clock, newAudit());
    }

    /** @param audit where its refusals are written; one for every meeting of the server ({@link #newAudit()}) */
    PasscodeGuard(String passcode, Clock clock, RefusalLog audit) {
        this.digest = sha256(passcode);
        this.clock = clock;
        this.audit = audit;
    }

    /** The audit lines of refused passcodes, bounded per meeting and caller ({@link RefusalLog}). */
    static RefusalLog newAudit() {
        return new RefusalLog(LoggerFactory.getLogger("switchboard.audit"), Level.WARN, "meeting passcode throttled");
    }

    /**
     * Whether {@code offered} is the passcode; a wrong one is counted against {@code caller} and the meeting.
     *
     * @param offered       what the caller sent, or null
     * @param joinMeetingId for the audit line
     * @throws SwitchboardException TOO_MANY_REQUESTS (with the wait) when the caller must wait; the passcode was not checked
     */
    boolean admits(String offered, Caller caller, String joinMeetingId) {
        String key = caller.isUser() ? "u|" + caller.tenantId() + '|' + caller.userId() : "a|" + caller.tenantId() + '|' + caller.appId();
        Instant now = clock.instant();
        Duration wait;
        synchronized (this) {
            wait = waitFor(key, now);
            if (wait == null) {
                boolean right = offered != null && MessageDigest.isEqual(sha256(offered), digest);
                if (!right) {
                    failed(key, now);
                }
                return right;
            }
        }
        audit.refused("joinMeetingId=" + joinMeetingId + " tenantId=" + caller.tenantId() + " appId=" + caller.appId()
                + " userId=" + caller.userId(), "retryAfterSeconds=" + Math.max(1, (wait.toMillis() + 999) / 1000));
        throw new SwitchboardException(ErrorCode.TOO_MANY_REQUESTS, "Too many wrong passcodes for this meeting; try again in "
                + Math.max(1, (wait.toMillis() + 999) / 1000) + " seconds.", wait);
    }

    /** The wait before {@code key} may be checked, or null; monitor held. */
    private Duration waitFor(String key, Instant now) {
        Instant horizon = now.minus(WINDOW);
        prune(meetingFailures, horizon);
        ArrayDeque<Instant> own = callerFailures.get(key);
        if (own != null && prune(own, horizon)) {
            callerFailures.remove(key);
            own = null;
        }
        Duration wait = null;
        if (own != null && own.size() >= PER_CALLER) {
            wait = Duration.between(now, own.peekFirst().plus(WINDOW));
        }
        boolean suspect = own != null || (callerFailures.size() >= MAX_CALLERS && forget(horizon));
        if (suspect && meetingFailures.size() >= PER_MEETING) {
            Duration meetingWait = Duration.between(now, meetingFailures.peekFirst().plus(WINDOW));
            wait = wait == null || meetingWait.compareTo(wait) > 0 ? meetingWait : wait;
        }
        return wait;
    }

    /** Records a failure; monitor held. */
    private void failed(String key, Instant now) {
        add(meetingFailures, now, PER_MEETING);
        ArrayDeque<Instant> own = callerFailures.get(key);
        if (own == null && (callerFailures.size() < MAX_CALLERS || !forget(now.minus(WINDOW)))) {
            own = new ArrayDeque<>(PER_CALLER);
            callerFailures.put(key, own);
        }
        if (own != null) {
            add(own, now, PER_CALLER);
        }
    }

    /** Drops callers with no failure in the window; true when the map is still full. */
    private boolean forget(Instant horizon) {
        callerFailures.values().removeIf(times -> prune(times, horizon));
        return callerFailures.size() >= MAX_CALLERS;
    }

    /** Drops times at or before {@code horizon}; true when none is left. */
    private static boolean prune(ArrayDeque<Instant> times, Instant horizon) {
        while (!times.isEmpty() && !times.peekFirst().isAfter(horizon)) {
            times.pollFirst();
        }
        return times.isEmpty();
    }

    private static void add(ArrayDeque<Instant> times, Instant now, int keep) {
        times.addLast(now);
        while (times.size() > keep) {
            times.pollFirst();
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
