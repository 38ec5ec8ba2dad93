package dev.switchboard.server;

import dev.switchboard.testsupport.RawHttp;
import dev.switchboard.testsupport.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slow-loris: a client that trickles header bytes (each one resetting the idle timeout) is disconnected once its
 * request head has taken longer than the header deadline ({@code --header-timeout}), and one that trickles a body once
 * the request has taken six deadlines; a connection resting between requests is not.
 */
class SlowHeadersTest {
    static final Duration DEADLINE = Duration.ofMillis(400);
    /** Far longer than the deadline: a server without one would still be reading when the test gives up. */
    static final int MAX_TRICKLES = 300;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(cfg -> cfg.withHeaderTimeout(DEADLINE));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aClientTricklingHeadersIsCutOff() throws Exception {
        URI base = URI.create(server.baseUrl());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(60_000);
            CompletableFuture<Integer> closed = CompletableFuture.supplyAsync(() -> readUntilClosed(socket));
            OutputStream out = socket.getOutputStream();
            out.write(("GET /healthz HTTP/1.1\r\nHost: " + base.getHost() + "\r\n").getBytes(StandardCharsets.US_ASCII));
            int sent = 0;
            try {
                while (sent < MAX_TRICKLES && !closed.isDone()) {
                    out.write(("X-Slow-" + sent + ": 1\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    sent++;
                    Thread.sleep(100);
                }
            } catch (IOException cutOff) {
                // the server closed the connection under us: what this test wants
            }
            assertThat(closed.get(30, TimeUnit.SECONDS)).as("bytes of a response before the close").isZero();
            assertThat(sent).as("header lines trickled before the server closed").isLessThan(MAX_TRICKLES);
        }
        assertThat(MetricsTest.scrape(server)).containsPattern("switchboard_http_header_timeouts_total(\\{[^}]*})? [1-9]");
    }

    @Test
    void aClientTricklingItsBodyIsCutOff() throws Exception {
        URI base = URI.create(server.baseUrl());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(60_000);
            CompletableFuture<Integer> closed = CompletableFuture.supplyAsync(() -> readUntilClosed(socket));
            OutputStream out = socket.getOutputStream();
            out.write(("POST /00000000-0000-4000-8000-000000000001/oauth2/v2.0/token HTTP/1.1\r\nHost: " + base.getHost()
                    + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            int sent = 0;
            try { // one byte every 100 ms: each resets the idle timeout, and the head arrived long ago
                while (sent < MAX_TRICKLES && !closed.isDone()) {
                    out.write('a');
                    out.flush();
                    sent++;
                    Thread.sleep(100);
                }
            } catch (IOException cutOff) {
                // the server closed the connection under us: what this test wants
            }
            assertThat(closed.get(30, TimeUnit.SECONDS)).as("bytes of a response before the close").isZero();
            assertThat(sent).as("body bytes trickled before the server closed").isLessThan(MAX_TRICKLES);
        }
        assertThat(MetricsTest.scrape(server)).containsPattern("switchboard_http_body_timeouts_total(\\{[^}]*})? [1-9]");
    }

    @Test
    void aKeepAliveConnectionRestingBetweenRequestsIsNotCutOff() throws Exception {
        URI base = URI.create(server.baseUrl());
        String request = "GET /healthz HTTP/1.1\r\nHost: " + base.getHost() + "\r\n\r\n";
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            assertThat(RawHttp.read(in).status()).isEqualTo(200);
            Thread.sleep(DEADLINE.toMillis() * 4); // resting, not sending: the idle timeout's business, not this one's
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            assertThat(RawHttp.read(in).status()).isEqualTo(200);
        }
    }

    private static int readUntilClosed(Socket socket) {
        int bytes = 0;
        try {
            InputStream in = socket.getInputStream();
            while (in.read() != -1) {
                bytes++;
            }
        } catch (IOException reset) {
            // a reset is a close too
        }
        return bytes;
    }
}
