package dev.switchboard.error;

import org.slf4j.Logger;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The log lines of one limit's refusals, bounded however hard someone is refused (docs/operations.md, "Refusals in the
 * log"). A refusal has a key: the fields that say who was refused, as written in the line ({@code actor=alice
 * address=… path=token}). The first refusal of a key in a {@link #WINDOW} is written in full; its further refusals in
 * that window are only counted, and when the window is over one summary line says how many ({@code … refused 327 more
 * times in 60 s}). At most {@link #MAX_KEYS} keys have lines of their own in a window; the refusals of any further key
 * are counted together and summarised in one line. So a guesser adds at most two lines a minute per key, and a limit
 * writes at most 2 × {@link #MAX_KEYS} + 1 lines a minute whatever comes; every refusal is in a full line or a
 * summary's count, and in {@link #refused()} (a metric).
 *
 * <p>It lives in {@code error}, the leaf every part may use, because the limits of {@code auth} and of {@code core} both
 * need it. Thread-safe: one monitor, held for a few map operations, never while writing. Summaries are written by one
 * shared daemon thread when their window is over, or at once by {@link #flush()} (on shutdown).
 */
public final class RefusalLog {
    public static final Duration WINDOW = Duration.ofMinutes(1);
    public static final int MAX_KEYS = 100;
    private static final ScheduledExecutorService SUMMARIES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "refusal-log-summaries");
        t.setDaemon(true);
        return t;
    });

    private final Logger logger;
    private final Level level;
    private final String what;
    private final long windowNanos;
    private final LongAdder refused = new LongAdder();
    /** key → its window; at most {@link #MAX_KEYS}. */
    private final Map<String, Window> windows = new HashMap<>();
    /** The window of the keys past {@link #MAX_KEYS}, or null. */
    private Window others;
    private boolean summaryDue;

    private static final class Window {
        final long start;
        long more;

        Window(long start) {
            this.start = start;
        }
    }

    /**
     * @param what what every line starts with, e.g. {@code sign-in throttled}
     */
    public RefusalLog(Logger logger, Level level, String what) {
        this(logger, level, what, WINDOW);
    }

    RefusalLog(Logger logger, Level level, String what, Duration window) {
        this.logger = logger;
        this.level = level;
        this.what = what;
        this.windowNanos = window.toNanos();
    }

    /**
     * A refusal: written in full when it is its key's first in the window, otherwise counted for the summary.
     *
     * @param key     who was refused, as {@code name=value} fields
     * @param details what only the full line carries (e.g. {@code retryAfterSeconds=3}), or empty
     */
    public void refused(String key, String details) {
        refused.increment();
        long now = System.nanoTime();
        List<String> lines = new ArrayList<>(2);
        boolean full = false;
        synchronized (this) {
            Window w = windows.get(key);
            if (w != null && now - w.start >= windowNanos) {
                windows.remove(key);
                summarise(key, w, lines);
                w = null;
            }
            if (w == null && windows.size() >= MAX_KEYS) {
                sweep(now, lines);
            }
            if (w != null) {
                w.more++;
            } else if (windows.size() < MAX_KEYS) {
                windows.put(key, new Window(now));
                full = true;
            } else {
                if (others != null && now - others.start >= windowNanos) {
                    summarise(null, others, lines);
                    others = null;
                }
                if (others == null) {
                    others = new Window(now);
                }
                others.more++;
            }
            if (!full && !summaryDue) {
                summaryDue = true;
                SUMMARIES.schedule(this::summariseEnded, windowNanos, TimeUnit.NANOSECONDS);
            }
        }
        if (full) {
            lines.add(details.isEmpty() ? what + ' ' + key : what + ' ' + key + ' ' + details);
        }
        write(lines);
    }

    /** How many refusals there were, logged in full or not. */
    public long refused() {
        return refused.sum();
    }

    /** Writes the summaries of every window now, ended or not, and starts afresh. */
    public void flush() {
        List<String> lines = new ArrayList<>();
        synchronized (this) {
            windows.forEach((key, w) -> summarise(key, w, lines));
            windows.clear();
            if (others != null) {
                summarise(null, others, lines);
                others = null;
            }
        }
        write(lines);
    }

    private void summariseEnded() {
        List<String> lines = new ArrayList<>();
        synchronized (this) {
            long now = System.nanoTime();
            sweep(now, lines);
            if (others != null && now - others.start >= windowNanos) {
                summarise(null, others, lines);
                others = null;
            }
            long next = Long.MAX_VALUE;
            for (Window w : windows.values()) {
                if (w.more > 0) {
                    next = Math.min(next, w.start + windowNanos - now);
                }
            }
            if (others != null) {
                next = Math.min(next, others.start + windowNanos - now);
            }
            summaryDue = next != Long.MAX_VALUE;
            if (summaryDue) {
                SUMMARIES.schedule(this::summariseEnded, Math.max(next, 1), TimeUnit.NANOSECONDS);
            }
        }
        write(lines);
    }

    /** Drops the ended windows, summarising those with more refusals; monitor held. */
    private void sweep(long now, List<String> lines) {
        for (Iterator<Map.Entry<String, Window>> it = windows.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Window> e = it.next();
            if (now - e.getValue().start >= windowNanos) {
                summarise(e.getKey(), e.getValue(), lines);
                it.remove();
            }
        }
    }

    private void summarise(String key, Window w, List<String> lines) {
        if (w.more == 0) {
            return;
        }
        long seconds = Math.max(1, (System.nanoTime() - w.start + 999_999_999L) / 1_000_000_000L);
        long window = Math.min(seconds, (windowNanos + 999_999_999L) / 1_000_000_000L);
        lines.add(key == null
                ? what + ' ' + w.more + " more times in " + window + " s, for other keys than the " + MAX_KEYS + " logged one by one"
                : what + ' ' + key + " refused " + w.more + " more times in " + window + " s");
    }

    private void write(List<String> lines) {
        for (String line : lines) {
            logger.atLevel(level).log(line);
        }
    }
}
