package dev.switchboard.api;

import dev.switchboard.auth.Principal;
import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.RefusalLog;
import dev.switchboard.error.SwitchboardException;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Graph's request throttling (docs/compatibility.md, "Request throttling"): each (app, tenant) may send at most
 * {@link GraphRequestLimit#requests()} Graph API requests in a window of {@link GraphRequestLimit#window()}. A window
 * opens with the (app, tenant)'s first request after its previous window ended (a fixed window per key, so at most twice
 * the limit can pass in any span of one window, across the end of one window and the start of the next; a wall clock
 * set back opens a new window). A request
 * past the limit is refused, not counted: {@code 429 TooManyRequests} with {@code Retry-After} the whole seconds until
 * the window ends. Refusals are INFO lines {@code graph requests throttled tenantId=… appId=…}, bounded per key
 * ({@link RefusalLog}), and counted ({@link #refusals()}).
 *
 * <p>Thread-safe; request threads (docs/concurrency.md). Counting takes no lock and allocates nothing: the window of a
 * key is one {@link AtomicLong} (the window's start in milliseconds since this throttle was made, and its count),
 * changed by compare-and-set, found through two maps keyed by the token's own tenant and app id strings. Memory is
 * bounded: at most {@link #MAX_KEYS} windows; when a new key finds them all taken, the windows that ended go (at most
 * once a second), and a key that still finds no room is counted in one window that all such keys share.
 */
public final class GraphRequestThrottle {
    static final int MAX_KEYS = 10_000;
    private static final int COUNT_BITS = 24; // GraphRequestLimit.MAX_REQUESTS fits
    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
    private static final long SWEEP_INTERVAL_MILLIS = 1000;
    private static final java.util.regex.Pattern UNSAFE = java.util.regex.Pattern.compile("[^A-Za-z0-9@._-]");

    private final int limit;
    private final long windowMillis;
    private final Clock clock;
    private final long origin;
    /** tenant id → app id → its window. */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, AtomicLong>> windows = new ConcurrentHashMap<>();
    private final AtomicInteger keys = new AtomicInteger();
    /** The window of the keys that found no room among {@link #MAX_KEYS}. */
    private final AtomicLong shared = new AtomicLong();
    private final RefusalLog refusals = new RefusalLog(LoggerFactory.getLogger(GraphRequestThrottle.class), Level.INFO,
            "graph requests throttled");
    private long nextSweep;

    public GraphRequestThrottle(GraphRequestLimit limit, Clock clock) {
        this.limit = limit.requests();
        this.windowMillis = limit.window().toMillis();
        this.clock = clock;
        this.origin = clock.millis();
    }

    /** A throttle that counts nothing. */
    public static GraphRequestThrottle off() {
        return new GraphRequestThrottle(GraphRequestLimit.OFF, Clock.systemUTC());
    }

    /** The refusals' log lines and their count ({@code switchboard_graph_requests_throttled_total}). */
    public RefusalLog refusals() {
        return refusals;
    }

    /**
     * Counts one request of the principal's (app, tenant).
     *
     * @throws SwitchboardException TOO_MANY_REQUESTS, with the wait until the window ends, past the limit (not counted)
     */
    public void count(Principal p) {
        if (limit == 0) {
            return;
        }
        long wait = admit(p.tenantId(), p.appId());
        if (wait > 0) {
            long seconds = (wait + 999) / 1000;
            refusals.refused("tenantId=" + safe(p.tenantId()) + " appId=" + safe(p.appId()), "retryAfterSeconds=" + seconds);
            throw new SwitchboardException(ErrorCode.TOO_MANY_REQUESTS, "Too many requests: this app may send "
                    + limit + " requests in " + windowMillis / 1000 + " s for this tenant (--graph-request-limit " + limit
                    + "/" + windowMillis / 1000 + "s). Try again in " + seconds + " s.", Duration.ofSeconds(seconds));
        }
    }

    /** 0 when the request is counted; else how many milliseconds until its window ends (at least 1). */
    long admit(String tenantId, String appId) {
        long now = Math.max(0, clock.millis() - origin);
        AtomicLong window = window(tenantId, appId, now);
        while (true) {
            long state = window.get();
            long start = state >>> COUNT_BITS;
            long count = state & COUNT_MASK;
            long elapsed = now - start;
            if (elapsed >= windowMillis || elapsed < 0) { // ended, or the clock was set back: a new window from now
                if (window.compareAndSet(state, now << COUNT_BITS | 1)) {
                    return 0;
                }
            } else if (count >= limit) {
                return Math.max(1, windowMillis - elapsed);
            } else if (window.compareAndSet(state, state + 1)) {
                return 0;
            }
        }
    }

    /** How many keys have a window of their own now. */
    int keys() {
        return keys.get();
    }

    private AtomicLong window(String tenantId, String appId, long now) {
        ConcurrentHashMap<String, AtomicLong> apps = windows.get(tenantId);
        AtomicLong window = apps == null ? null : apps.get(appId);
        return window != null ? window : newWindow(tenantId, appId, now);
    }

    /**
     * The cold path: a key seen for the first time, or again after its window was swept. Under the monitor, with
     * {@link #sweep}, so a window is never added to a tenant's map that a sweep is taking away.
     */
    private synchronized AtomicLong newWindow(String tenantId, String appId, long now) {
        ConcurrentHashMap<String, AtomicLong> apps = windows.get(tenantId);
        AtomicLong window = apps == null ? null : apps.get(appId);
        if (window != null) {
            return window;
        }
        if (keys.get() >= MAX_KEYS && !sweep(now)) {
            return shared;
        }
        window = new AtomicLong(now << COUNT_BITS); // an empty window that opens now
        windows.computeIfAbsent(tenantId, t -> new ConcurrentHashMap<>(4)).put(appId, window);
        keys.incrementAndGet();
        return window;
    }

    /**
     * Forgets the windows that ended (a request racing with this may be counted in a window just forgotten: one
     * request, in a window that had ended). At most once a second; true when there is room for a new key now. Called
     * under the monitor.
     */
    private boolean sweep(long now) {
        if (now >= nextSweep) {
            nextSweep = now + SWEEP_INTERVAL_MILLIS;
            windows.forEach((tenantId, apps) -> {
                apps.forEach((appId, window) -> {
                    if (now - (window.get() >>> COUNT_BITS) >= windowMillis && apps.remove(appId, window)) {
                        keys.decrementAndGet();
                    }
                });
                if (apps.isEmpty()) {
                    windows.remove(tenantId, apps);
                }
            });
        }
        return keys.get() < MAX_KEYS;
    }

    /** An id as written in a log line: at most 64 characters, anything but letters, digits and {@code @._-} as {@code ?}. */
    static String safe(String s) {
        String t = s.length() > 64 ? s.substring(0, 64) : s;
        for (int i = 0; i < t.length(); i++) {
            if (!plain(t.charAt(i))) {
                return UNSAFE.matcher(t).replaceAll("?");
            }
        }
        return t; // a GUID, as ids almost always are: no copy
    }

    private static boolean plain(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '@' || c == '.' || c == '_' || c == '-');
    }
}
