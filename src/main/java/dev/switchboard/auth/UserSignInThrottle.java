package dev.switchboard.auth;

import dev.switchboard.error.RefusalLog;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;

/**
 * Slows down password guessing against users who are no administrators (docs/identity.md, "Sign-in limits"), per user
 * name rather than per address, so that one office behind one NAT address is not blocked by one person's typos, and so
 * that a guesser cannot lock a user out where they usually sign in:
 * <ul>
 *   <li>An address a user signed in from with the right password in the last {@link #FAMILIAR_FOR} is <em>familiar</em>
 *       for that user (OWASP's "device cookie", with the address standing in for the cookie: the token endpoint has
 *       none). Failures from it are counted for that user and that address alone, and a success there clears them.</li>
 *   <li>Failures from every other address are counted together for the user name (known or not: the answer must not
 *       tell which names exist), and are cleared only by {@link #QUIET} without one.</li>
 *   <li>Each count allows {@link #FREE_FAILURES} failures; after the n-th, the next attempt of that count waits
 *       {@link #FIRST_DELAY} × 2<sup>n − {@value #FREE_FAILURES}</sup> (at most {@link #MAX_DELAY}) after the last
 *       failure, and is refused without checking the password before then.</li>
 * </ul>
 * So a guesser gets about 10 quick guesses and then some 12 an hour per user name; the user still signs in at once
 * from a familiar address, and from a new one after at most {@link #MAX_DELAY}. Refusals go to the
 * {@code switchboard.audit} log, a few lines a minute per name, address and path at most ({@link RefusalLog}). The same
 * limit guards client secrets, per client id ({@link SignInLimits#clientLimit}).
 *
 * <p>Thread-safe: one monitor, held for a few map operations, never across I/O. Memory is bounded: at most
 * {@link #MAX_KEYS} counts (quiet ones go first, then those under {@link #FREE_FAILURES}, then the least recently used,
 * so that failing with many other names does not cheaply forget a name being guessed) and {@link #MAX_KEYS} familiar
 * addresses (expired ones first, then the least recently used).
 */
public final class UserSignInThrottle {
    public static final int FREE_FAILURES = 10;
    public static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    public static final Duration MAX_DELAY = Duration.ofMinutes(5);
    public static final Duration QUIET = Duration.ofHours(1);
    public static final Duration FAMILIAR_FOR = Duration.ofDays(30);
    static final int MAX_KEYS = 10_000;

    private final Clock clock;
    private final RefusalLog audit;
    private final String subject;
    /** "u:name" (unfamiliar addresses) or "f:name|address" → its failures; access-ordered for eviction. */
    private final LinkedHashMap<String, Failures> failures = new LinkedHashMap<>(64, 0.75f, true);
    /** "name|address" → the last successful sign-in there; access-ordered for eviction. */
    private final LinkedHashMap<String, Instant> familiar = new LinkedHashMap<>(64, 0.75f, true);

    private static final class Failures {
        int count;
        Instant last;
    }

    public UserSignInThrottle(Clock clock) {
        this(clock, "sign-in throttled", "actor");
    }

    /**
     * The same limit for another secret than a user's password (a client secret: {@link SignInLimits#clientLimit}).
     *
     * @param what    how its audit lines start
     * @param subject the field naming what is guessed in its audit lines ({@code actor}, {@code clientId})
     */
    public UserSignInThrottle(Clock clock, String what, String subject) {
        this.clock = clock;
        this.audit = new RefusalLog(LoggerFactory.getLogger("switchboard.audit"), Level.WARN, what);
        this.subject = subject;
    }

    /** The refusals' audit lines, bounded per name, address and path ({@link RefusalLog}). */
    public RefusalLog refusals() {
        return audit;
    }

    /**
     * How long a sign-in of {@code username} from {@code address} must still wait, or null when its password may be
     * checked. A refusal is audited.
     *
     * @param address the TCP peer's address, or null when unknown (then it is never familiar)
     * @param path    where the sign-in came (for the audit line: {@code token}, {@code authorize}, {@code devicelogin})
     */
    public Duration blocked(String username, String address, String path) {
        Instant now = clock.instant();
        Duration wait;
        synchronized (this) {
            String key = key(username, address, now);
            Failures f = failures.get(key);
            wait = f == null ? null : waitFor(key, f, now);
        }
        if (wait != null) {
            audit.refused(subject + "=" + safe(username) + " address=" + address + " path=" + path,
                    "retryAfterSeconds=" + SignInThrottle.seconds(wait));
        }
        return wait;
    }

    /** A failed sign-in (unknown user name or wrong password). */
    public void failed(String username, String address) {
        Instant now = clock.instant();
        synchronized (this) {
            String key = key(username, address, now);
            Failures f = failures.get(key);
            if (f == null || !f.last.plus(QUIET).isAfter(now)) {
                f = new Failures();
                failures.put(key, f);
            }
            f.count = Math.min(f.count + 1, 1_000);
            f.last = now;
            if (failures.size() > MAX_KEYS) {
                // the quiet ones first, then those that hold no one back, and only then the least recently used
                failures.values().removeIf(v -> !v.last.plus(QUIET).isAfter(now));
                var it = failures.values().iterator();
                while (failures.size() > MAX_KEYS * 9 / 10 && it.hasNext()) {
                    if (it.next().count < FREE_FAILURES) {
                        it.remove();
                    }
                }
                evict(failures, now, QUIET, value -> value.last);
            }
        }
    }

    /**
     * A successful sign-in: {@code address} becomes familiar for {@code username}, and the failures counted for that
     * address are forgotten (those from other addresses are not: a guesser elsewhere gains nothing from it).
     */
    public synchronized void succeeded(String username, String address) {
        if (address == null) {
            return;
        }
        Instant now = clock.instant();
        String pair = name(username) + '|' + address;
        familiar.put(pair, now);
        failures.remove("f:" + pair);
        if (familiar.size() > MAX_KEYS) {
            evict(familiar, now, FAMILIAR_FOR, value -> value);
        }
    }

    /** Whether {@code username} signed in with the right secret from {@code address} in the last {@link #FAMILIAR_FOR}. */
    public synchronized boolean familiar(String username, String address) {
        return address != null && key(username, address, clock.instant()).startsWith("f:");
    }

    private Duration waitFor(String key, Failures f, Instant now) {
        if (!f.last.plus(QUIET).isAfter(now)) {
            failures.remove(key);
            return null;
        }
        if (f.count < FREE_FAILURES) {
            return null;
        }
        int doublings = Math.min(f.count - FREE_FAILURES, 30);
        Duration delay = FIRST_DELAY.multipliedBy(1L << doublings);
        if (delay.compareTo(MAX_DELAY) > 0) {
            delay = MAX_DELAY;
        }
        Duration wait = Duration.between(now, f.last.plus(delay));
        return wait.isNegative() || wait.isZero() ? null : wait;
    }

    /** The count a sign-in of {@code username} from {@code address} falls under; monitor held. */
    private String key(String username, String address, Instant now) {
        if (address != null) {
            String pair = name(username) + '|' + address;
            Instant last = familiar.get(pair);
            if (last != null && last.plus(FAMILIAR_FOR).isAfter(now)) {
                return "f:" + pair;
            }
        }
        return "u:" + name(username);
    }

    private static <V> void evict(LinkedHashMap<String, V> map, Instant now, Duration keep,
                                  java.util.function.Function<V, Instant> time) {
        map.values().removeIf(v -> !time.apply(v).plus(keep).isAfter(now));
        var lru = map.keySet().iterator();
        while (map.size() > MAX_KEYS * 9 / 10 && lru.hasNext()) { // some room: not one eviction per failure
            lru.next();
            lru.remove();
        }
    }

    private static String name(String username) {
        return username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
    }

    private static String safe(String s) {
        if (s == null) {
            return "-";
        }
        String t = s.length() > 64 ? s.substring(0, 64) : s;
        return t.replaceAll("[^\\p{Alnum}@._\\-]", "?");
    }
}
