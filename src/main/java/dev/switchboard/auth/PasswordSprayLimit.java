package dev.switchboard.auth;

import dev.switchboard.error.RefusalLog;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;

/**
 * Slows down password spraying: one address trying a password or two against many user names, which the per-name
 * {@link UserSignInThrottle} does not see (docs/identity.md, "Password spraying"). Once failed sign-ins from one address
 * named {@link #DISTINCT_NAMES} different user names (known or not) within {@link #WINDOW}, further sign-ins from that
 * address are refused without checking the password until the oldest of those failures is a {@link #WINDOW} old, except
 * for a user name that signed in from that address before (a familiar address: {@link UserSignInThrottle}), so an
 * office behind one NAT address keeps signing in however many of its people mistype. Administrators have the stricter
 * per-address count of {@link SignInThrottle} instead. Refusals go to the {@code switchboard.audit} log, bounded
 * ({@link RefusalLog}).
 *
 * <p>Thread-safe: one monitor, held for a few map operations, never across I/O. Memory is bounded: at most
 * {@link #MAX_ADDRESSES} addresses (the least recently failed go first) of at most {@link #DISTINCT_NAMES} names each.
 */
public final class PasswordSprayLimit {
    public static final int DISTINCT_NAMES = 50;
    public static final Duration WINDOW = Duration.ofHours(1);
    static final int MAX_ADDRESSES = 2_000;

    private final Clock clock;
    private final RefusalLog audit = new RefusalLog(LoggerFactory.getLogger("switchboard.audit"), Level.WARN,
            "sign-in spraying throttled");
    /** address → (user name → its last failure there, least recent first); access-ordered for eviction. */
    private final LinkedHashMap<String, LinkedHashMap<String, Instant>> failures = new LinkedHashMap<>(64, 0.75f, true);

    public PasswordSprayLimit(Clock clock) {
        this.clock = clock;
    }

    /** The refusals' audit lines, bounded per address and path ({@link RefusalLog}). */
    public RefusalLog refusals() {
        return audit;
    }

    /**
     * How long a sign-in from {@code address} must still wait, or null when its password may be checked; a refusal is
     * audited. The caller lets a user name through at an address familiar for it without asking.
     */
    public Duration blocked(String address, String path) {
        if (address == null) {
            return null;
        }
        Instant now = clock.instant();
        Duration wait = null;
        int names = 0;
        synchronized (this) {
            LinkedHashMap<String, Instant> names0 = failures.get(address);
            if (names0 != null && prune(names0, now) == 0) {
                failures.remove(address);
            } else if (names0 != null && names0.size() >= DISTINCT_NAMES) {
                names = names0.size();
                wait = Duration.between(now, names0.values().iterator().next().plus(WINDOW));
            }
        }
        if (wait != null) {
            audit.refused("address=" + address + " path=" + path, "distinctNames=" + names + " retryAfterSeconds="
                    + SignInThrottle.seconds(wait));
        }
        return wait;
    }

    /** A failed sign-in of {@code username} from {@code address}. */
    public void failed(String username, String address) {
        if (address == null) {
            return;
        }
        Instant now = clock.instant();
        String name = username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
        synchronized (this) {
            LinkedHashMap<String, Instant> names = failures.computeIfAbsent(address, a -> new LinkedHashMap<>());
            names.remove(name); // re-inserted last: the map stays ordered by last failure
            names.put(name, now);
            Iterator<String> oldest = names.keySet().iterator();
            while (names.size() > DISTINCT_NAMES && oldest.hasNext()) {
                oldest.next();
                oldest.remove();
            }
            if (failures.size() > MAX_ADDRESSES) {
                Iterator<String> lru = failures.keySet().iterator();
                while (failures.size() > MAX_ADDRESSES * 9 / 10 && lru.hasNext()) { // some room: not one per failure
                    lru.next();
                    lru.remove();
                }
            }
        }
    }

    /** Drops the names whose last failure is a {@link #WINDOW} old; how many are left. Monitor held. */
    private static int prune(LinkedHashMap<String, Instant> names, Instant now) {
        Iterator<Instant> it = names.values().iterator();
        while (it.hasNext() && !it.next().plus(WINDOW).isAfter(now)) {
            it.remove();
        }
        return names.size();
    }
}
