package dev.switchboard.core;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.error.RefusalLog;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * How often one user may look up a meeting id that leads nowhere ({@code GET /client/v1/meetings/{id}}: no such live
 * meeting in the tenant, or a wrong passcode; docs/join-page.md): {@link #MAX_MISSES} a minute, counted in fixed
 * one-minute windows from the user's first miss; past it, every lookup of that user is refused with 429 until the window
 * ends. It keeps a user from walking the 10-digit meeting ids to find the tenant's meetings without a passcode, and
 * from spreading passcode guesses over many meetings ({@link PasscodeGuard} bounds each meeting). A refusal is written
 * to the {@code switchboard.audit} log (a few lines a minute per user at most: {@link RefusalLog}).
 *
 * <p>Thread-safe: one monitor, held for a map operation, never across I/O or a conference lock. Memory is bounded: at
 * most {@link #MAX_USERS} users (ended windows go first, then the least recently missed).
 */
final class MeetingLookupLimit {
    static final int MAX_MISSES = 30;
    static final Duration WINDOW = Duration.ofMinutes(1);
    static final int MAX_USERS = 10_000;

    private final Clock clock;
    private final RefusalLog audit = new RefusalLog(LoggerFactory.getLogger("switchboard.audit"), Level.WARN,
            "meeting lookup throttled");
    /** tenant|user → its window; access-ordered for eviction. */
    private final LinkedHashMap<String, Misses> misses = new LinkedHashMap<>(64, 0.75f, true);

    private static final class Misses {
        final Instant start;
        int count;

        Misses(Instant start) {
            this.start = start;
        }
    }

    MeetingLookupLimit(Clock clock) {
        this.clock = clock;
    }

    /** The refusals' audit lines, bounded per user ({@link RefusalLog}). */
    RefusalLog refusals() {
        return audit;
    }

    /** @throws SwitchboardException TOO_MANY_REQUESTS (with the wait) when the user's misses of this minute are used up */
    void check(Caller user, String joinMeetingId) {
        Instant now = clock.instant();
        Duration wait = null;
        synchronized (this) {
            Misses m = misses.get(key(user));
            if (m != null && m.count >= MAX_MISSES && m.start.plus(WINDOW).isAfter(now)) {
                wait = Duration.between(now, m.start.plus(WINDOW));
            }
        }
        if (wait != null) {
            long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
            // per user: the meeting ids a walker tries would make every line a first
            audit.refused("tenantId=" + user.tenantId() + " userId=" + user.userId(),
                    "joinMeetingId=" + joinMeetingId + " retryAfterSeconds=" + seconds);
            throw new SwitchboardException(ErrorCode.TOO_MANY_REQUESTS, "Too many meeting ids or passcodes that led to "
                    + "no meeting; try again in " + seconds + " seconds.", wait);
        }
    }

    /** A lookup that found nothing. */
    void missed(Caller user) {
        Instant now = clock.instant();
        synchronized (this) {
            String key = key(user);
            Misses m = misses.get(key);
            if (m == null || !m.start.plus(WINDOW).isAfter(now)) {
                m = new Misses(now);
                misses.put(key, m);
            }
            m.count++;
            if (misses.size() > MAX_USERS) {
                misses.values().removeIf(x -> !x.start.plus(WINDOW).isAfter(now));
                Iterator<String> lru = misses.keySet().iterator();
                while (misses.size() > MAX_USERS * 9 / 10 && lru.hasNext()) {
                    lru.next();
                    lru.remove();
                }
            }
        }
    }

    private static String key(Caller user) {
        return user.tenantId() + '|' + user.userId();
    }
}
