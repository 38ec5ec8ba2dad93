package dev.switchboard.admin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The live feeds' shared work: the {@link FeedTopic}s that open feeds subscribe to, rendered by one ticker thread
 * {@link LiveFeed#LEVEL_HZ} times a second (each topic every {@link FeedTopic#everyTicks} ticks), each change serialized
 * once and handed as the same bytes to every {@link Viewer} of the topic. The ticker exists only while some feed is
 * open and a topic only while some feed subscribes to it: with no dashboard open nothing runs.
 *
 * <p>Thread-safe: one monitor guards the topics and their subscriber lists (never held while rendering or writing);
 * topics are rendered on the ticker only; viewers take frames from their own bounded queue on their request thread.
 */
final class FeedHub {
    private static final Logger log = LoggerFactory.getLogger(FeedHub.class);
    /** Frames a viewer may have waiting; a client that falls this far behind is dropped (the page reconnects). */
    static final int VIEWER_QUEUE = 256;
    /** The ticker thread's name (its first 15 characters are what /proc/PID/task/TID/comm shows). */
    public static final String TICKER_NAME = "dashboard-feed-ticker";

    private final Clock clock;
    private final Map<String, FeedTopic> topics = new LinkedHashMap<>();
    private Thread ticker;
    private long tick;

    FeedHub(Clock clock) {
        this.clock = clock;
    }

    /** What one open feed receives: frames in order, or {@link #overflowed()} once it fell too far behind. */
    static final class Viewer {
        private final BlockingQueue<byte[]> frames = new ArrayBlockingQueue<>(VIEWER_QUEUE);
        private final List<String> topicKeys = new ArrayList<>();
        private volatile boolean overflowed;

        void offer(byte[] frame) {
            if (!frames.offer(frame)) {
                overflowed = true;
            }
        }

        /** The next frame, waiting up to {@code timeout}; null when none came. */
        byte[] next(Duration timeout) throws InterruptedException {
            return frames.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        /** The next frame if one is waiting, else null. */
        byte[] poll() {
            return frames.poll();
        }

        boolean overflowed() {
            return overflowed;
        }
    }

    /** A topic a viewer wants: its key, and how to make it when nobody else watches it yet. */
    record Want(String key, Supplier<FeedTopic> make) {
    }

    /** Subscribes a new viewer to {@code wants}; each topic's whole state comes first, within one tick. */
    synchronized Viewer subscribe(List<Want> wants) {
        Viewer v = new Viewer();
        for (Want w : wants) {
            FeedTopic t = topics.computeIfAbsent(w.key(), k -> w.make().get());
            t.pending.add(v);
            v.topicKeys.add(w.key());
        }
        if (ticker == null) {
            // a platform thread of its own: its CPU time can be read apart (bench/dashboard-cost reads it from /proc)
            ticker = Thread.ofPlatform().daemon().name(TICKER_NAME).start(this::run);
        }
        return v;
    }

    /** The viewer is gone; a topic nobody watches any more is dropped. */
    synchronized void unsubscribe(Viewer v) {
        for (String key : v.topicKeys) {
            FeedTopic t = topics.get(key);
            if (t != null) {
                t.active.remove(v);
                t.pending.remove(v);
                if (t.active.isEmpty() && t.pending.isEmpty()) {
                    topics.remove(key);
                }
            }
        }
    }

    /** Topics being rendered now (0 when no feed is open). */
    synchronized int topics() {
        return topics.size();
    }

    /** Whether the ticker runs (only while a feed is open). */
    synchronized boolean ticking() {
        return ticker != null;
    }

    private void run() {
        long period = 1_000_000_000L / LiveFeed.LEVEL_HZ;
        long next = System.nanoTime();
        try {
            while (tickOnce()) {
                next += period;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(Duration.ofNanos(sleep));
                } else {
                    next = System.nanoTime(); // fell behind: no burst of catch-up ticks
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            synchronized (this) {
                ticker = null;
            }
        }
    }

    /** One tick: renders the topics due (or with newcomers) and hands out their frames. False once no topic is left. */
    private boolean tickOnce() {
        record Due(FeedTopic topic, List<Viewer> active, List<Viewer> newcomers) {
        }
        List<Due> due = new ArrayList<>();
        synchronized (this) {
            if (topics.isEmpty()) {
                ticker = null;
                return false;
            }
            for (FeedTopic t : topics.values()) {
                if (tick % t.everyTicks == 0 || !t.pending.isEmpty()) {
                    due.add(new Due(t, List.copyOf(t.active), List.copyOf(t.pending)));
                    t.active.addAll(t.pending);
                    t.pending.clear();
                }
            }
            tick++;
        }
        java.time.Instant at = clock.instant();
        for (Due d : due) {
            byte[] delta;
            try {
                delta = d.topic().render(at);
            } catch (RuntimeException e) {
                log.warn("dashboard feed topic {} failed to render", d.topic().key, e);
                synchronized (this) { // the newcomers wait for a rendering that works: no delta before their reset
                    d.topic().active.removeAll(d.newcomers());
                    d.topic().pending.addAll(d.newcomers());
                }
                continue;
            }
            if (delta != null) {
                for (Viewer v : d.active()) {
                    v.offer(delta);
                }
            }
            if (!d.newcomers().isEmpty()) {
                byte[] reset = d.topic().resetFrame();
                for (Viewer v : d.newcomers()) {
                    v.offer(reset);
                }
            }
        }
        return true;
    }
}
