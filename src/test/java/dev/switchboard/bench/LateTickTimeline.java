package dev.switchboard.bench;

import dev.switchboard.media.RtpMediaEngine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where in a bench run the late ticks fell: samples the engine's late-tick counter every 50 ms and keeps the
 * samples where it grew, so a per-call event (a prompt's start, a recording's start or end) shows up at its moment.
 * One sampler thread, started and stopped by the bench's main thread.
 */
final class LateTickTimeline implements Runnable {
    private final RtpMediaEngine engine;
    private final long start = System.nanoTime();
    private final List<String> growth = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    private LateTickTimeline(RtpMediaEngine engine) {
        this.engine = engine;
        this.thread = Thread.ofPlatform().name("late-tick-timeline").daemon(true).unstarted(this);
    }

    static LateTickTimeline start(RtpMediaEngine engine) {
        LateTickTimeline t = new LateTickTimeline(engine);
        t.thread.start();
        return t;
    }

    @Override
    public void run() {
        long last = engine.stats().lateTicks();
        while (running) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            long now = engine.stats().lateTicks();
            if (now != last) {
                synchronized (growth) {
                    growth.add(String.format(Locale.ROOT, "+%d@%.2fs", now - last, (System.nanoTime() - start) / 1e9));
                }
                last = now;
            }
        }
    }

    void stop() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join();
    }

    /** The late-tick growth as {@code +N@seconds} items after the start, or "none". */
    String summary() {
        synchronized (growth) {
            return growth.isEmpty() ? "none" : String.join(" ", growth);
        }
    }
}
