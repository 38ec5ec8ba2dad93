package dev.switchboard.server;

import dev.switchboard.api.BatchHandler;
import dev.switchboard.api.SubRequest;
import dev.switchboard.api.SubResponse;
import dev.switchboard.error.ErrorCode;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.util.BufferUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs a JSON batch's requests through the server's whole HTTP stack in memory: each is written as an HTTP/1.1 request
 * to Jetty's {@link LocalConnector} (no socket; only this class writes to it, so its forwarding headers are trusted
 * there and nowhere else, see {@link HttpListeners}), and its answer is read back. On a connection waiting for a
 * request (a kept one) the request runs on the calling thread (no hand-over), else on a request thread, and is then
 * awaited here up to {@link #TIMEOUT} (a 504). Either way {@link BatchHandler} answers a request still running after
 * {@link BatchHandler#REQUEST_TIMEOUT} with a 504 without waiting for it. Thread-safe; each call uses a connection no
 * other call uses at the same time, kept open for later calls ({@link LocalConnections}).
 */
final class LocalDispatch implements BatchHandler.Dispatch {
    /** How long one request of a batch may take: longer than a cluster hop's own timeout (10 s). */
    static final Duration TIMEOUT = BatchHandler.REQUEST_TIMEOUT;

    private static final Logger log = LoggerFactory.getLogger(LocalDispatch.class);

    private final Supplier<LocalConnector> connector;
    private final LocalConnections connections = new LocalConnections();

    /** @param connector the server's in-memory connector, once the server started */
    LocalDispatch(Supplier<LocalConnector> connector) {
        this.connector = connector;
    }

    @Override
    public SubResponse send(SubRequest request) {
        LocalConnector local = connector.get();
        if (local == null || !local.isRunning()) {
            return error(ErrorCode.SERVICE_UNAVAILABLE, "The server is stopping; the request was not run.");
        }
        try {
            return exchange(local, request);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.error("unhandled error running a request of a batch method={} path={}", request.method(),
                    request.target().split("\\?", 2)[0], e);
            return error(ErrorCode.INTERNAL, "The request could not be run.");
        }
    }

    /** Writes the request on a connection and reads its answer back. */
    private SubResponse exchange(LocalConnector local, SubRequest request) throws InterruptedException {
        LocalConnections.Lease lease = connections.take(local);
        LocalConnector.LocalEndPoint endpoint = lease.endpoint();
        boolean answered = false;
        try {
            // on this thread when the connection waits for a request (no hand-over to another thread), else when it is ready
            endpoint.addInput(ByteBuffer.wrap(encode(request, !lease.kept())));
            HttpTester.Response parsed = new HttpTester.Response();
            if (!read(endpoint, parsed)) {
                return error(ErrorCode.GATEWAY_TIMEOUT, "The request was not answered within " + TIMEOUT.toSeconds()
                        + " s; it may have run.");
            }
            if (!parsed.isComplete()) {
                return error(ErrorCode.INTERNAL, "The request's answer could not be read.");
            }
            answered = true;
            List<Map.Entry<String, String>> headers = new ArrayList<>(parsed.size());
            for (HttpField f : parsed) {
                headers.add(Map.entry(f.getName(), f.getValue()));
            }
            connections.answered(local, lease, !parsed.contains(HttpHeader.CONNECTION, "close"));
            byte[] body = parsed.getContentBytes();
            return new SubResponse(parsed.getStatus(), headers, body == null ? new byte[0] : body);
        } finally {
            // An answered exchange's connection is kept, or closed by the server (Connection: close) once its write
            // completed: closing it here could fail a write whose bytes were already read (the handler would see "the
            // client went away").
            if (!answered) {
                connections.failed(lease);
            }
        }
    }

    /**
     * Reads the answer into {@code into} as the server writes it, parsing it once; false when nothing came within the
     * timeout or before the server closed the connection (else {@code into} is complete, or was cut short).
     */
    private static boolean read(LocalConnector.LocalEndPoint endpoint, HttpTester.Response into) throws InterruptedException {
        HttpParser parser = new HttpParser(into);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        boolean any = false;
        while (!into.isComplete()) {
            long left = deadline - System.nanoTime();
            ByteBuffer out = left > 0 ? endpoint.waitForOutput(left, TimeUnit.NANOSECONDS) : null;
            if (out == null || !out.hasRemaining()) {
                if (left > 0 && endpoint.isOpen() && !endpoint.isOutputShutdown()) {
                    continue;
                }
                parser.atEOF();
                parser.parseNext(BufferUtil.EMPTY_BUFFER);
                return any;
            }
            any = true;
            while (out.hasRemaining() && !into.isComplete()) {
                int before = out.position();
                if (!parser.parseNext(out) && out.position() == before) {
                    break;
                }
            }
        }
        return true;
    }

    /** The request as HTTP/1.1 bytes; {@link dev.switchboard.api.BatchSteps} already refused anything unsafe here. */
    static byte[] encode(SubRequest r, boolean close) {
        StringBuilder head = new StringBuilder(256);
        head.append(r.method()).append(' ').append(r.target()).append(" HTTP/1.1\r\n");
        for (Map.Entry<String, String> h : r.headers()) {
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        byte[] body = r.body() == null ? new byte[0] : r.body();
        if (body.length > 0 || !r.method().equals("GET") && !r.method().equals("DELETE")) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append(close ? "Connection: close\r\n\r\n" : "\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + body.length);
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static SubResponse error(ErrorCode code, String message) {
        return SubResponse.error(code, message, null);
    }
}
