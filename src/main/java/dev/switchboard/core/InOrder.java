package dev.switchboard.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs tasks one at a time, in the order they were handed in, on a shared executor: one call's media job endings,
 * which the mixer thread hands in in queue order (a cancel or a hang-up ends several in one tick), so the bot hears
 * of them in that order. Holds no thread while idle. Thread-safe.
 */
final class InOrder implements Executor {
    private static final Logger log = LoggerFactory.getLogger(InOrder.class);
    private final Executor executor;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    InOrder(Executor executor) {
        this.executor = executor;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (draining.compareAndSet(false, true)) {
            executor.execute(this::drain);
        }
    }

    private void drain() {
        do {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("task failed", e);
                }
            }
            draining.set(false);
        } while (!tasks.isEmpty() && draining.compareAndSet(false, true));
    }
}
