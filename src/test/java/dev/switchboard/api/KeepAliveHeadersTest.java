package dev.switchboard.api;

import dev.switchboard.testsupport.RawHttp;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every request on a kept-alive HTTP/1.1 connection is read with the header values it carries, byte for byte. Jetty's
 * parser keeps a per-connection cache of the {@code Authorization} (and {@code Cookie}, {@code Accept}, …) lines it
 * has seen, up to 1,024 characters, and by default matches a new line against it ignoring case; when a cached line is
 * a prefix of the new one it keeps the cached text for that prefix. So after a client sent {@code Bearer
 * <header>.<payload>.} (a token without its signature: short enough to be cached), a token whose header or payload
 * differed from a valid one only in the case of letters was read as the valid token and accepted (found by
 * {@link InputFuzzTest}). The server now has Jetty match that cache case-sensitively ({@code HttpListeners}).
 */
class KeepAliveHeadersTest {
    static TestServer server;
    static String token;
    static String callId;

    /** Listens until the server has stopped: its last notifications arrive at once, not retried for its 10 s drain. */
    static dev.switchboard.tools.CallbackReceiver bot;

    @BeforeAll
    static void start() throws Exception {
        bot = new dev.switchboard.tools.CallbackReceiver();
        server = TestServer.start();
        token = Tokens.devBotToken(server.baseUrl());
        callId = server.groupCall(bot.url(), token);
    }

    @AfterAll
    static void stop() {
        server.close();
        bot.close();
    }

    @Test
    void aTokenThatDiffersOnlyInTheCaseOfALetterIsRefusedAfterItsPrefixWasSentOnTheSameConnection() throws Exception {
        String unsigned = token.substring(0, token.lastIndexOf('.') + 1);       // header.payload. : 401, and short
        String altered = swapCaseOfALetterIn(token.substring(token.indexOf('.') + 1, token.lastIndexOf('.')), token);
        try (Connection c = new Connection()) {
            assertThat(c.get(token, "req-1").status()).isEqualTo(200);
            assertThat(c.get(unsigned, "req-2").status()).as("no signature").isEqualTo(401);
            assertThat(c.get(unsigned, "req-3").status()).as("no signature, again").isEqualTo(401);
            RawHttp.Response refused = c.get(altered, "req-4");
            assertThat(refused.status()).as("a token with one letter's case changed: %s", refused.body()).isEqualTo(401);
            assertThat(refused.body()).contains("InvalidAuthenticationToken");
            assertThat(c.get(token, "req-5").status()).isEqualTo(200);
        }
    }

    /** {@code token} with the case of the first letter of {@code segment} (a part of it) swapped. */
    static String swapCaseOfALetterIn(String segment, String token) {
        int from = token.indexOf(segment);
        for (int i = from; i < from + segment.length(); i++) {
            char ch = token.charAt(i);
            if (Character.isLetter(ch)) {
                char swapped = Character.isUpperCase(ch) ? Character.toLowerCase(ch) : Character.toUpperCase(ch);
                return token.substring(0, i) + swapped + token.substring(i + 1);
            }
        }
        throw new IllegalStateException("no letter in " + segment);
    }

    /** One kept-alive HTTP/1.1 connection to the server. */
    static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final String host;

        Connection() throws IOException {
            URI uri = URI.create(server.baseUrl());
            socket = new Socket(uri.getHost(), uri.getPort());
            socket.setSoTimeout(20_000);
            out = socket.getOutputStream();
            in = socket.getInputStream();
            host = uri.getHost() + ":" + uri.getPort();
        }

        RawHttp.Response get(String bearer, String clientRequestId) throws IOException {
            String request = "GET /v1.0/communications/calls/" + callId + " HTTP/1.1\r\nHost: " + host + "\r\n"
                    + "Authorization: Bearer " + bearer + "\r\nclient-request-id: " + clientRequestId + "\r\n\r\n";
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return RawHttp.read(in);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
