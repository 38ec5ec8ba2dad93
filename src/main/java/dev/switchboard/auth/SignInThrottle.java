package dev.switchboard.auth;

import dev.switchboard.error.RefusalLog;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Slows down password guessing against administrators (docs/admin-api.md, "Sign-in limits"): after
 * {@link #MAX_FAILURES} failed sign-ins within {@link #WINDOW} for one user name, or from one remote address, further
 * sign-ins of that name or from that address are refused without checking the password until the oldest of those
 * failures is a {@link #WINDOW} old; the refusal says how long ({@code Retry-After}). A successful sign-in clears the
 * failures of its user name and its address. Every refusal is written to the {@code switchboard.audit} log, a
 * few lines a minute per user name, address and path at most ({@link RefusalLog}).
 *
 * <p>Guarded: every sign-in of the admin API ({@code POST /admin/v1/signin}), and the password sign-ins of users with an
 * admin role ({@link #guards}) on the token endpoint (password grant), the authorize page and the device-code page.
 * Other users' sign-ins are not counted.
 *
 * <p>Thread-safe: one monitor, held for a few map operations, never across I/O. Memory is bounded: at most
 * {@link #MAX_KEYS} names and addresses are remembered (expired ones go first, then the least recently failed).
 */
public final class SignInThrottle {
    public static final int MAX_FAILURES = 5;
    public static final Duration WINDOW = Duration.ofMinutes(1);
    static final int MAX_KEYS = 10_000;

    private final Clock clock;
    private final RefusalLog audit = new RefusalLog(LoggerFactory.getLogger("switchboard.audit"), Level.WARN,
            "sign-in throttled");
    /** "u:name" or "a:address" → times of recent failures, oldest first; access-ordered for eviction. */
    private final LinkedHashMap<String, ArrayDeque<Instant>> failures = new LinkedHashMap<>(64, 0.75f, true);

    public SignInThrottle(Clock clock) {
        this.clock = clock;
    }

    /** The refusals' audit lines, bounded per user name, address and path ({@link RefusalLog}). */
    public RefusalLog refusals() {
        return audit;
    }

    /** Whether the password sign-ins of {@code user} are counted on the OAuth paths: users with an admin role. */
    public static boolean guards(UserAccount user) {
        return user != null && AdminRoles.scopeOf(user).isPresent();
    }

    /**
     * How long a sign-in of {@code username} from {@code address} must still wait, or null when it may go on. A
     * refusal is audited.
     *
     * @param address the TCP peer's address, or null when unknown (then only the user name counts)
     * @param path    where the sign-in came (for the audit line: {@code admin}, {@code token}, {@code authorize}, …)
     */
    public Duration blocked(String username, String address, String path) {
        Instant now = clock.instant();
        Duration wait;
        synchronized (this) {
            wait = longer(waitFor(userKey(username), now), address == null ? null : waitFor("a:" + address, now));
        }
        if (wait != null) {
            audit.refused("actor=" + safe(username) + " address=" + address + " path=" + path,
                    "retryAfterSeconds=" + seconds(wait));
        }
        return wait;
    }

    /** A failed sign-in (wrong user name or password). */
    public void failed(String username, String address) {
        Instant now = clock.instant();
        synchronized (this) {
            add(userKey(username), now);
            if (address != null) {
                add("a:" + address, now);
            }
            if (failures.size() > MAX_KEYS) {
                evict(now);
            }
        }
    }

    /** A successful sign-in: the failures of this user name and this address are forgotten. */
    public synchronized void succeeded(String username, String address) {
        failures.remove(userKey(username));
        if (address != null) {
            failures.remove("a:" + address);
        }
    }

    private Duration waitFor(String key, Instant now) {
        ArrayDeque<Instant> times = failures.get(key);
        if (times == null) {
            return null;
        }
        Instant horizon = now.minus(WINDOW);
        while (!times.isEmpty() && !times.peekFirst().isAfter(horizon)) {
            times.pollFirst();
        }
        if (times.isEmpty()) {
            failures.remove(key);
            return null;
        }
        if (times.size() < MAX_FAILURES) {
            return null;
        }
        // allowed again once only MAX_FAILURES - 1 failures remain in the window
        Iterator<Instant> it = times.iterator();
        Instant pivot = null;
        for (int i = 0; i <= times.size() - MAX_FAILURES; i++) {
            pivot = it.next();
        }
        return Duration.between(now, pivot.plus(WINDOW));
    }

    private void add(String key, Instant now) {
        ArrayDeque<Instant> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        times.addLast(now);
        while (times.size() > 4 * MAX_FAILURES) {
            times.pollFirst(); // enough to know it is blocked
        }
    }

    private void evict(Instant now) {
        Instant horizon = now.minus(WINDOW);
        failures.values().removeIf(t -> t.isEmpty() || !t.peekLast().isAfter(horizon));
        Iterator<String> lru = failures.keySet().iterator();
        while (failures.size() > MAX_KEYS * 9 / 10 && lru.hasNext()) { // some room: not one eviction per failure
            lru.next();
            lru.remove();
        }
    }

    /** A wait as whole seconds for {@code Retry-After} (at least 1). */
    public static long seconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }

    /** The message of a refusal: why, and for how long. */
    public static String lockedMessage(Duration wait) {
        return "Too many failed sign-ins for this user or from this address; try again in " + seconds(wait) + " seconds.";
    }

    private static Duration longer(Duration a, Duration b) {
        if (a == null) {
            return b;
        }
        return b == null || a.compareTo(b) >= 0 ? a : b;
    }

    private static String userKey(String username) {
        return "u:" + (username == null ? "" : username.strip().toLowerCase(Locale.ROOT));
    }

    private static String safe(String s) {
        if (s == null) {
            return "-";
        }
        String t = s.length() > 64 ? s.substring(0, 64) : s;
        return t.replaceAll("[^\\p{Alnum}@._\\-]", "?");
    }
}
