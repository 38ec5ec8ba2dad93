package dev.switchboard.server;

import dev.switchboard.api.BatchHandler;
import dev.switchboard.api.SubRequest;
import dev.switchboard.api.SubResponse;
import dev.switchboard.error.ErrorCode;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.LocalConnector;

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
 * there and nowhere else, see {@link HttpListeners}), and its answer is read back. A request not answered within the
 * timeout is a 504 (it may have run). Thread-safe; each call uses a connection of its own.
 */
final class LocalDispatch implements BatchHandler.Dispatch {
    /** How long one request of a batch may take: longer than a cluster hop's own timeout (10 s). */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Supplier<LocalConnector> connector;

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
        LocalConnector.LocalEndPoint endpoint = local.connect();
        boolean answered = false;
        try {
            endpoint.addInputAndExecute(ByteBuffer.wrap(encode(request)));
            ByteBuffer answer = endpoint.waitForResponse(false, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (answer == null) {
                return error(ErrorCode.GATEWAY_TIMEOUT, "The request was not answered within " + TIMEOUT.toSeconds()
                        + " s; it may have run.");
            }
            HttpTester.Response parsed = HttpTester.parseResponse(answer);
            if (parsed == null) {
                return error(ErrorCode.INTERNAL, "The request's answer could not be read.");
            }
            answered = true;
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            for (HttpField f : parsed) {
                headers.add(Map.entry(f.getName(), f.getValue()));
            }
            byte[] body = parsed.getContentBytes();
            return new SubResponse(parsed.getStatus(), headers, body == null ? new byte[0] : body);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return error(ErrorCode.INTERNAL, "The request could not be run.");
        } finally {
            // An answered exchange is closed by the server (Connection: close) once its write completed: closing it
            // here could fail a write whose bytes were already read (the handler would see "the client went away").
            if (!answered) {
                endpoint.close();
            }
        }
    }

    /** The request as HTTP/1.1 bytes; {@link dev.switchboard.api.BatchSteps} already refused anything unsafe here. */
    static byte[] encode(SubRequest r) {
        StringBuilder head = new StringBuilder(256);
        head.append(r.method()).append(' ').append(r.target()).append(" HTTP/1.1\r\n");
        for (Map.Entry<String, String> h : r.headers()) {
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        byte[] body = r.body() == null ? new byte[0] : r.body();
        if (body.length > 0 || !r.method().equals("GET") && !r.method().equals("DELETE")) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + body.length);
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static SubResponse error(ErrorCode code, String message) {
        return SubResponse.error(code, message, null);
    }
}
