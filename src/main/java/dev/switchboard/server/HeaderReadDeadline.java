package dev.switchboard.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.NanoTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Disconnects an HTTP/1 connection whose request line and headers take longer than the deadline to arrive, counted
 * from the request's first byte (slow-loris: a client trickling header bytes keeps Jetty's idle timeout from ever
 * firing). Jetty has no such setting; this sweeps the connected endpoints instead and reads each parser's state.
 * A request whose body is still arriving {@link #BODY_FACTOR} deadlines after its first byte is disconnected too (slow
 * POST: a body trickled a byte at a time keeps the idle timeout from firing as well). Jetty's own minimum request data
 * rate does not fit: it counts the bytes the application has read, so a handler that spends a second (a PBKDF2 secret)
 * before its last read of a body that arrived at once got a 408.
 * <p>
 * Threads: {@link #sweep()} runs on one scheduler thread only (it owns {@code marks}). It reads parser state that
 * Jetty's threads write without synchronisation; a stale read only delays a cut-off to the next sweep, because a
 * connection is cut only when two sweeps saw the same request begin and that begin is older than the deadline.
 * Requests being answered (their body read whole), idle keep-alive connections and upgraded (WebSocket) connections
 * are never touched.
 */
final class HeaderReadDeadline {
    private static final Logger log = LoggerFactory.getLogger(HeaderReadDeadline.class);

    /** A whole request (head and body) must arrive within this many header deadlines: 60 s at the default 10 s. */
    static final int BODY_FACTOR = 6;

    private final long timeoutNanos;
    private final Supplier<Server> server;
    private final Counter cutOff;
    private final Counter bodyCutOff;
    /** Endpoint -> the begin time of the request head it was reading at the last sweep. */
    private Map<EndPoint, Long> marks = new HashMap<>();

    /**
     * @param server the Jetty server, or null before it exists
     */
    HeaderReadDeadline(Duration timeout, Supplier<Server> server, MeterRegistry metrics) {
        this.timeoutNanos = timeout.toNanos();
        this.server = server;
        this.cutOff = Counter.builder("switchboard.http.header.timeouts")
                .description("connections closed because their request headers did not arrive within the deadline")
                .register(metrics);
        this.bodyCutOff = Counter.builder("switchboard.http.body.timeouts")
                .description("connections closed because a request (head and body) did not arrive within "
                        + BODY_FACTOR + " times the header deadline")
                .register(metrics);
    }

    /** How often to sweep: a quarter of the deadline, between 50 ms and 1 s. */
    static Duration period(Duration timeout) {
        long ms = Math.clamp(timeout.toMillis() / 4, 50, 1000);
        return Duration.ofMillis(ms);
    }

    /** One pass over every connected endpoint; never throws. */
    void sweep() {
        Server jetty = server.get();
        if (jetty == null) {
            return;
        }
        try {
            long now = NanoTime.now();
            Map<EndPoint, Long> seen = new HashMap<>();
            for (Connector connector : jetty.getConnectors()) {
                for (EndPoint endPoint : connector.getConnectedEndPoints()) {
                    check(endPoint, now, seen);
                }
            }
            marks = seen;
        } catch (RuntimeException e) {
            log.warn("header deadline sweep failed", e);
        }
    }

    private void check(EndPoint endPoint, long now, Map<EndPoint, Long> seen) {
        HttpParser parser = parser(endPoint.getConnection());
        if (parser == null || parser.isStart()) {
            return;
        }
        boolean head = parser.inHeaderState();
        if (!head && !parser.inContentState()) {
            return;
        }
        long limit = head ? timeoutNanos : timeoutNanos * BODY_FACTOR;
        long begin = parser.getBeginNanoTime();
        Long previous = marks.get(endPoint);
        if (previous != null && previous == begin && NanoTime.elapsed(begin, now) > limit) {
            (head ? cutOff : bodyCutOff).increment();
            log.info("request {} too slow, connection closed remote={} timeoutMs={}", head ? "headers" : "body",
                    endPoint.getRemoteSocketAddress(), limit / 1_000_000);
            endPoint.close();
        } else {
            seen.put(endPoint, begin);
        }
    }

    private static HttpParser parser(Connection connection) {
        if (connection instanceof SslConnection tls) {
            connection = tls.getSslEndPoint().getConnection();
        }
        return connection instanceof HttpConnection http ? http.getParser() : null;
    }
}
