package dev.switchboard.media;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The media engine's DTMF thread: runs what the packet and mixer threads must not — telling {@link DigitListener}s
 * about key presses (they take core locks and queue notifications) and telling senders their tones went out. The
 * packet and mixer threads only {@link #post} (lock-free, one small object per key press or per finished tone
 * sequence, never per packet) and go on.
 *
 * <p>Threads: {@link #post} from any thread; tasks run in post order on one daemon platform thread.
 */
public final class DtmfDispatch implements AutoCloseable {
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    public DtmfDispatch(String name) {
        thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
        thread.start();
    }

    /** Queues a task and returns at once. */
    public void post(Runnable task) {
        tasks.add(task);
        LockSupport.unpark(thread);
    }

    private void run() {
        while (running) {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    // a failing listener must not stop later digits; listeners log their own failures
                }
            }
            LockSupport.parkNanos(this, 100_000_000L);
        }
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
