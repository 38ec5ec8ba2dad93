package dev.switchboard.journal;

import java.util.function.LongConsumer;

/**
 * A daemon platform thread that forces a journal up to the highest sequence requested, for records nobody waits for:
 * requests made while a flush runs are covered by the next one (one flush for many). Started on the first request;
 * {@link #close} stops it without a last flush (the journal is closing).
 *
 * <p>Thread-safe: {@link #request} never blocks beyond this object's monitor, held for a field update.
 */
final class BackgroundFlusher implements AutoCloseable {
    private final String name;
    private final LongConsumer force;
    private long requested;
    private long done;
    private boolean closed;
    private Thread thread;

    /** @param force forces every record up to the given sequence; must not throw */
    BackgroundFlusher(String name, LongConsumer force) {
        this.name = name;
        this.force = force;
    }

    /** Asks for every record up to {@code sequence} to be forced soon. */
    synchronized void request(long sequence) {
        if (closed || sequence <= requested) {
            return;
        }
        requested = sequence;
        if (thread == null) {
            thread = Thread.ofPlatform().name(name).daemon(true).start(this::run);
        }
        notifyAll();
    }

    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }

    private void run() {
        while (true) {
            long target;
            synchronized (this) {
                while (!closed && requested <= done) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                target = requested;
            }
            force.accept(target);
            synchronized (this) {
                done = Math.max(done, target);
            }
        }
    }
}
