package dev.switchboard.client;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One participant's roster stream: at most one write in flight and at most one message waiting behind it. Every
 * message carries the whole roster, so a newer message simply replaces the waiting one (the reader skips to the
 * newest state, losing none) and a message not newer than one already queued is dropped. A stream over its byte
 * bound, or whose write has not finished within the stall timeout ({@link #closeIfStalled}), is closed with 1008;
 * one that cannot even take the close frame is then disconnected. So a reader never holds more than two shared
 * messages and never delays anyone else.
 *
 * <p>A user's ring stream is a feed of in-order messages only ({@link #sendInOrder}): none is replaced or dropped,
 * so the byte bound counts every unwritten one, and the same 1008 closes it (docs/inbound-calls.md).
 *
 * <p>Thread-safe and non-blocking: {@link #offer} runs on a roster fan-out thread, {@link #sendInOrder} on the thread
 * that published the ring event, write completions on Jetty's threads, {@link #closeIfStalled} on the roster watchdog
 * (see {@code docs/roster-stream.md}). The channel is called outside the lock.
 */
final class RosterFeed {
    static final int SLOW_READER_CLOSE_CODE = 1008;
    static final int NORMAL_CLOSE_CODE = 1000;
    /** Non-roster messages (ring notices) that may wait behind a write in flight. */
    static final int MAX_ASIDE = 32;

    /** Why the server closed a stream for its reader's sake (a metric tag). */
    enum SlowReason { OVER_BOUND, STALLED }

    private enum State { OPEN, FINISHING, CLOSING, CLOSED }

    private final RosterChannel channel;
    private final String kind;
    private final long maxQueuedBytes;
    private final LongSupplier nanoTime;
    private final Consumer<SlowReason> onSlow;
    private RosterMessage inFlight;
    private long inFlightSince;
    private RosterMessage waiting;
    /** Messages that are not rosters (ring notices): each one goes out, in order, before the waiting roster. */
    private final java.util.ArrayDeque<RosterMessage> aside = new java.util.ArrayDeque<>();
    private long asideBytes;
    private long lastQueuedSequence = -1;
    private State state = State.OPEN;
    private long closingSince;
    private int finishCode;
    private String finishReason;

    /**
     * @param maxQueuedBytes bytes the message in flight plus the waiting one may hold before the stream is closed
     * @param nanoTime       the clock for stall detection ({@link System#nanoTime} in production)
     * @param onSlow         told once when this stream is closed because its reader is too slow
     */
    RosterFeed(RosterChannel channel, long maxQueuedBytes, LongSupplier nanoTime, Consumer<SlowReason> onSlow) {
        this(channel, "roster stream", maxQueuedBytes, nanoTime, onSlow);
    }

    /** @param kind what the stream is, for the close reasons ({@code roster stream}, {@code ring stream}) */
    RosterFeed(RosterChannel channel, String kind, long maxQueuedBytes, LongSupplier nanoTime, Consumer<SlowReason> onSlow) {
        if (maxQueuedBytes < 1) {
            throw new IllegalArgumentException("maxQueuedBytes must be positive");
        }
        this.channel = channel;
        this.kind = kind;
        this.maxQueuedBytes = maxQueuedBytes;
        this.nanoTime = nanoTime;
        this.onSlow = onSlow;
    }

    /**
     * Queues a roster message unless one with the same or a newer sequence number was queued already; a message
     * still waiting (not yet handed to the channel) is replaced.
     *
     * @return false when the stream is closed or closing (now or before)
     */
    boolean offer(RosterMessage message) {
        boolean start = false;
        boolean overBound = false;
        synchronized (this) {
            if (state != State.OPEN) {
                return false;
            }
            if (message.sequence() <= lastQueuedSequence) {
                return true;
            }
            long queued = (inFlight == null ? 0 : inFlight.size()) + message.size();
            if (queued > maxQueuedBytes) {
                beginClose();
                overBound = true;
            } else {
                lastQueuedSequence = message.sequence();
                if (inFlight == null) {
                    inFlight = message;
                    inFlightSince = nanoTime.getAsLong();
                    start = true;
                } else {
                    waiting = message;
                }
            }
        }
        if (overBound) {
            closeOverBound();
            return false;
        }
        if (start) {
            write(message);
        }
        return true;
    }

    /**
     * Queues a message that must reach the reader as it is (a ring stream's notice): never replaced or dropped, sent
     * once, in order. When the message in flight, those waiting and this one are over the byte bound, the stream is
     * closed with 1008 instead, as a roster stream over its bound is.
     *
     * @return false when the stream is closed or closing (now or before)
     */
    boolean sendInOrder(RosterMessage message) {
        boolean overBound = false;
        synchronized (this) {
            if (state != State.OPEN) {
                return false;
            }
            long queued = (inFlight == null ? 0 : inFlight.size()) + asideBytes
                    + (waiting == null ? 0 : waiting.size()) + message.size();
            if (queued > maxQueuedBytes) {
                beginClose();
                overBound = true;
            } else if (inFlight != null) {
                aside.add(message);
                asideBytes += message.size();
                return true;
            } else {
                inFlight = message;
                inFlightSince = nanoTime.getAsLong();
            }
        }
        if (overBound) {
            closeOverBound();
            return false;
        }
        write(message);
        return true;
    }

    /**
     * Queues a message that is not a roster (a ring notice): never replaced by a newer roster, sent once, in order,
     * ahead of the waiting roster. At most {@link #MAX_ASIDE} wait; beyond that a new one is dropped (rings are rare;
     * a reader that far behind is about to be closed as slow anyway).
     */
    void sendAside(RosterMessage message) {
        synchronized (this) {
            if (state != State.OPEN) {
                return;
            }
            if (inFlight != null) {
                if (aside.size() < MAX_ASIDE) {
                    aside.add(message);
                    asideBytes += message.size();
                }
                return;
            }
            inFlight = message;
            inFlightSince = nanoTime.getAsLong();
        }
        write(message);
    }

    /**
     * Sends an ephemeral message (the {@code levels} of the call) only if nothing is in flight or waiting: it never
     * delays, replaces or displaces a roster message or a ring notice, and a busy reader simply misses it (the next one
     * follows within a fifth of a second). Not counted against the roster's sequence numbers.
     *
     * @return true if it was handed to the channel
     */
    boolean offerIfIdle(RosterMessage message) {
        synchronized (this) {
            if (state != State.OPEN || inFlight != null || waiting != null || !aside.isEmpty()) {
                return false;
            }
            inFlight = message;
            inFlightSince = nanoTime.getAsLong();
        }
        write(message);
        return true;
    }

    /** Sends what is queued, then closes the stream with the given code (the call ended). */
    void finish(int code, String reason) {
        boolean closeNow;
        synchronized (this) {
            if (state != State.OPEN) {
                return;
            }
            finishCode = code;
            finishReason = reason;
            closeNow = inFlight == null;
            state = closeNow ? State.CLOSED : State.FINISHING;
        }
        if (closeNow) {
            channel.close(code, reason);
        }
    }

    /**
     * Closes the stream with 1008 if a write has been unfinished for longer than {@code stallNanos}; disconnects it if
     * it was closed for being slow over {@code graceNanos} ago and still is not gone.
     */
    void closeIfStalled(long stallNanos, long graceNanos) {
        long now = nanoTime.getAsLong();
        boolean stalled = false;
        boolean disconnect = false;
        synchronized (this) {
            if (state == State.CLOSING) {
                disconnect = now - closingSince > graceNanos;
                if (disconnect) {
                    state = State.CLOSED;
                }
            } else if (state != State.CLOSED && inFlight != null && now - inFlightSince > stallNanos) {
                beginClose();
                stalled = true;
            }
        }
        if (stalled) {
            closeSlow(SlowReason.STALLED, kind + " stalled: the reader took nothing for "
                    + stallNanos / 1_000_000 + " ms");
        } else if (disconnect) {
            channel.disconnect();
        }
    }

    /** The connection is gone: forget what is queued. */
    synchronized void markClosed() {
        state = State.CLOSED;
        inFlight = null;
        waiting = null;
        aside.clear();
        asideBytes = 0;
    }

    synchronized boolean closed() {
        return state == State.CLOSED || state == State.CLOSING;
    }

    /** Under the lock: nothing more goes out; the channel keeps only the write already in flight. */
    private void beginClose() {
        state = State.CLOSING;
        closingSince = nanoTime.getAsLong();
        waiting = null;
        aside.clear();
        asideBytes = 0;
    }

    private void closeOverBound() {
        closeSlow(SlowReason.OVER_BOUND, kind + " over " + maxQueuedBytes + " queued bytes: reader too slow");
    }

    private void closeSlow(SlowReason reason, String text) {
        onSlow.accept(reason);
        channel.close(SLOW_READER_CLOSE_CODE, text);
    }

    /**
     * Writes {@code first}, then whatever waits, one at a time. A channel may complete a write inside {@code send}
     * (on this thread): then the loop goes on here instead of recursing, so the stack never deepens.
     */
    private void write(RosterMessage first) {
        RosterMessage next = first;
        while (next != null) {
            // 0: send() still running, 1: completed inside send(), 2: send() returned first (completion comes later)
            AtomicInteger phase = new AtomicInteger();
            channel.send(next, () -> {
                if (!phase.compareAndSet(0, 1)) {
                    RosterMessage after = written();
                    if (after != null) {
                        write(after);
                    }
                }
            }, failure -> markClosed());
            if (phase.compareAndSet(0, 2)) {
                return;
            }
            next = written();
        }
    }

    /** The write in flight finished: the waiting message goes next, or a finishing stream closes. */
    private RosterMessage written() {
        int code = 0;
        String reason = null;
        RosterMessage next;
        synchronized (this) {
            if (state == State.CLOSED || state == State.CLOSING) {
                inFlight = null;
                return null;
            }
            next = aside.poll();
            if (next != null) {
                asideBytes -= next.size();
            } else {
                next = waiting;
                waiting = null;
            }
            inFlight = next;
            inFlightSince = nanoTime.getAsLong();
            if (next == null && state == State.FINISHING) {
                state = State.CLOSED;
                code = finishCode;
                reason = finishReason;
            }
        }
        if (reason != null) {
            channel.close(code, reason);
        }
        return next;
    }
}
