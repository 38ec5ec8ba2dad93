package dev.switchboard.server;

import org.eclipse.jetty.server.LocalConnector;

import java.time.Duration;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The in-memory connections a JSON batch's requests run on ({@link LocalDispatch}), kept open between requests as an
 * HTTP/1.1 client keeps its connections: a new connection costs the server a connection, parser and generator of its
 * own and reading every header line afresh (Jetty caches a connection's repeated lines, the batch's token among them).
 * At most {@value #MAX_KEPT} are kept; a request beyond them gets a connection of its own that the server closes after
 * the answer ({@code Connection: close}). Only a connection idle for {@link #MAX_IDLE}, far from the server's own idle
 * timeout, is closed here: closing one whose answer was just read could fail the server's write still finishing.
 * Thread-safe.
 */
final class LocalConnections {
    /** How long an idle connection is kept for the next request. */
    static final Duration MAX_IDLE = Duration.ofSeconds(5);
    /** The most connections kept open at once: the requests of the batches running at once (a few KB each). */
    static final int MAX_KEPT = 256;

    /** A connection for one exchange; {@code kept} when it may be used again after its answer. */
    record Lease(LocalConnector.LocalEndPoint endpoint, boolean kept) {
    }

    private record Idle(LocalConnector connector, LocalConnector.LocalEndPoint endpoint, long since) {
    }

    private final Deque<Idle> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger kept = new AtomicInteger();

    /** The most recently used idle connection of {@code local}, else a new one. */
    Lease take(LocalConnector local) {
        long now = System.nanoTime();
        for (Idle i = idle.pollFirst(); i != null; i = idle.pollFirst()) {
            if (i.connector() == local && open(i.endpoint()) && now - i.since() < MAX_IDLE.toNanos()) {
                return new Lease(i.endpoint(), true);
            }
            discard(i.endpoint());
        }
        if (kept.incrementAndGet() <= MAX_KEPT) {
            try {
                return new Lease(local.connect(), true);
            } catch (RuntimeException e) {
                kept.decrementAndGet();
                throw e;
            }
        }
        kept.decrementAndGet();
        return new Lease(local.connect(), false);
    }

    /**
     * After an exchange on {@code lease} whose whole answer was read: kept for the next request when the server keeps
     * it open ({@code persistent}: the answer did not say {@code Connection: close}), else left for the server to close.
     */
    void answered(LocalConnector local, Lease lease, boolean persistent) {
        if (!lease.kept()) {
            return;
        }
        if (!persistent || !open(lease.endpoint())) {
            kept.decrementAndGet();
            return;
        }
        long now = System.nanoTime();
        idle.offerFirst(new Idle(local, lease.endpoint(), now));
        Idle oldest = idle.peekLast();
        if (oldest != null && now - oldest.since() >= MAX_IDLE.toNanos() && idle.removeLastOccurrence(oldest)) {
            discard(oldest.endpoint());
        }
    }

    /** After an exchange on {@code lease} that was not answered whole: the connection is closed, never used again. */
    void failed(Lease lease) {
        if (lease.kept()) {
            kept.decrementAndGet();
        }
        lease.endpoint().close();
    }

    private void discard(LocalConnector.LocalEndPoint endpoint) {
        kept.decrementAndGet();
        endpoint.close();
    }

    private static boolean open(LocalConnector.LocalEndPoint endpoint) {
        return endpoint.isOpen() && !endpoint.isOutputShutdown();
    }
}
