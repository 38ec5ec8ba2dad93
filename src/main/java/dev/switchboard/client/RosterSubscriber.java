package dev.switchboard.client;

import java.util.ArrayDeque;

/**
 * A participant's roster feed: messages ordered by roster sequence number, at most one write in flight,
 * and a bounded backlog. A reader too slow to keep the backlog under its bound is disconnected
 * (close code 1008), so it never holds memory or blocks anyone else. Thread-safe.
 */
final class RosterSubscriber {
    static final int SLOW_READER_CLOSE_CODE = 1008;

    private final RosterChannel channel;
    private final int maxBacklog;
    private final ArrayDeque<String> backlog = new ArrayDeque<>();
    private long lastQueuedSequence = -1;
    private boolean writing;
    private boolean closed;

    RosterSubscriber(RosterChannel channel, int maxBacklog) {
        this.channel = channel;
        this.maxBacklog = maxBacklog;
    }

    /**
     * Queues a roster message unless one with the same or a newer sequence number was queued already
     * (the snapshot sent at subscription may be newer than a change published concurrently).
     *
     * @return false when the subscriber is closed (now or before) and should be forgotten
     */
    boolean offer(long sequence, String message) {
        boolean startWrite;
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (sequence <= lastQueuedSequence) {
                return true;
            }
            if (backlog.size() >= maxBacklog) {
                closed = true;
                backlog.clear();
                startWrite = false;
            } else {
                lastQueuedSequence = sequence;
                backlog.add(message);
                startWrite = !writing;
                writing |= startWrite;
            }
        }
        if (closed()) {
            channel.close(SLOW_READER_CLOSE_CODE, "roster backlog over " + maxBacklog + " messages: reader too slow");
            return false;
        }
        if (startWrite) {
            writeNext();
        }
        return true;
    }

    synchronized boolean closed() {
        return closed;
    }

    /** Marks the subscriber gone (its connection closed); queued messages are dropped. */
    synchronized void markClosed() {
        closed = true;
        backlog.clear();
    }

    /** Closes the connection (the call ended); queued messages are dropped. */
    void end(int code, String reason) {
        markClosed();
        channel.close(code, reason);
    }

    private void writeNext() {
        String next;
        synchronized (this) {
            next = closed ? null : backlog.poll();
            if (next == null) {
                writing = false;
                return;
            }
        }
        channel.send(next, this::writeNext, failure -> markClosed());
    }

    synchronized int backlogSize() {
        return backlog.size();
    }
}
