package dev.switchboard.client;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One participant's roster stream: messages in roster-sequence order, at most one write in flight, and a
 * bounded backlog. Every message carries the whole roster, so a message older than one already queued is
 * simply skipped. A reader too slow to keep its backlog under the bound is disconnected (close code 1008),
 * so it never holds memory or delays anyone else. Thread-safe; {@link #offer} never blocks.
 *
 * <p>Threads and locks: docs/concurrency.md.
 */
final class RosterFeed {
    static final int SLOW_READER_CLOSE_CODE = 1008;
    static final int NORMAL_CLOSE_CODE = 1000;

    private final RosterChannel channel;
    private final int maxBacklog;
    private final ArrayDeque<String> backlog = new ArrayDeque<>();
    private long lastQueuedSequence = -1;
    private boolean writing;
    private boolean closed;
    private int closeAfterDrainCode;
    private String closeAfterDrainReason;

    RosterFeed(RosterChannel channel, int maxBacklog) {
        if (maxBacklog < 1) {
            throw new IllegalArgumentException("maxBacklog must be positive");
        }
        this.channel = channel;
        this.maxBacklog = maxBacklog;
    }

    /**
     * Queues a roster message unless one with the same or a newer sequence number was queued already.
     *
     * @return false when the feed is closed (now or before)
     */
    boolean offer(long sequence, String message) {
        boolean startWrite = false;
        boolean tooSlow = false;
        synchronized (this) {
            if (closed || closeAfterDrainReason != null) {
                return false;
            }
            if (sequence <= lastQueuedSequence) {
                return true;
            }
            if (backlog.size() >= maxBacklog) {
                closed = true;
                backlog.clear();
                tooSlow = true;
            } else {
                lastQueuedSequence = sequence;
                backlog.add(message);
                startWrite = !writing;
                writing |= startWrite;
            }
        }
        if (tooSlow) {
            channel.close(SLOW_READER_CLOSE_CODE, "roster backlog over " + maxBacklog + " messages: reader too slow");
            return false;
        }
        if (startWrite) {
            writeNext();
        }
        return true;
    }

    /** Sends what is queued, then closes the connection (the call ended). */
    void finish(int code, String reason) {
        boolean closeNow;
        synchronized (this) {
            if (closed) {
                return;
            }
            closeAfterDrainCode = code;
            closeAfterDrainReason = reason;
            closeNow = !writing;
            closed |= closeNow;
        }
        if (closeNow) {
            channel.close(code, reason);
        }
    }

    /** Forgets the feed (its connection closed); queued messages are dropped. */
    synchronized void markClosed() {
        closed = true;
        backlog.clear();
    }

    synchronized boolean closed() {
        return closed;
    }

    /**
     * Writes queued messages one at a time. A channel may complete a write inside {@code send} (on this thread):
     * then the loop goes on here instead of recursing, so a long backlog never deepens the stack.
     */
    private void writeNext() {
        while (true) {
            String next;
            int code = 0;
            String reason = null;
            synchronized (this) {
                next = closed ? null : backlog.poll();
                if (next == null) {
                    writing = false;
                    if (!closed && closeAfterDrainReason != null) {
                        closed = true;
                        code = closeAfterDrainCode;
                        reason = closeAfterDrainReason;
                    }
                }
            }
            if (next == null) {
                if (reason != null) {
                    channel.close(code, reason);
                }
                return;
            }
            // 0: send() still running, 1: completed inside send(), 2: send() returned first (completion comes later)
            AtomicInteger phase = new AtomicInteger();
            channel.send(next, () -> {
                if (!phase.compareAndSet(0, 1)) {
                    writeNext();
                }
            }, failure -> markClosed());
            if (phase.compareAndSet(0, 2)) {
                return;
            }
        }
    }
}
