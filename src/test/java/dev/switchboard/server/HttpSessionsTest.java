package dev.switchboard.server;

import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.session.DefaultSessionCache;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server keeps no HTTP sessions. Javalin reads the session's attributes at every WebSocket upgrade, which made
 * Jetty create a session (and send a {@code JSESSIONID} cookie) for each roster and ring stream, and for each refused
 * upgrade too (a 401 without a token); Jetty keeps a session for ever by default, so the soak of session 25 saw one
 * more session for every stream opened, and anyone who reached the port could grow the heap without a token.
 */
class HttpSessionsTest {
    static TestServer server;
    static CallbackReceiver bot;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        bot = new CallbackReceiver();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            bot.close();
        }
    }

    @Test
    void webSocketUpgradesLeaveNoSessionAndSetNoCookie() throws Exception {
        String bob = Tokens.bobToken(server.baseUrl());
        String alice = Tokens.aliceToken(server.baseUrl());
        String callId = server.groupCall(bot.url(), Tokens.devBotToken(server.baseUrl()));
        List<String> heads = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            heads.add(upgrade("/client/v1/ring", null));                                   // refused: 401
            heads.add(upgrade("/client/v1/ring", bob));                                     // a ring stream, dropped
            heads.add(upgrade("/client/v1/calls/" + callId + "/roster", alice));            // a roster stream, dropped
        }
        assertThat(heads).allSatisfy(head -> assertThat(head).doesNotContainIgnoringCase("set-cookie"));
        assertThat(heads).anySatisfy(head -> assertThat(head).startsWith("HTTP/1.1 101"));
        assertThat(heads).anySatisfy(head -> assertThat(head).startsWith("HTTP/1.1 401"));
        SessionHandler sessions = server.server().jetty().getDescendant(SessionHandler.class);
        if (sessions != null && sessions.getSessionCache() instanceof DefaultSessionCache cache) {
            assertThat(cache.getSessionsCurrent()).as("sessions Jetty holds").isZero();
        }
    }

    /** A WebSocket upgrade on a raw socket, closed as soon as the answer's head is read: returns that head. */
    private static String upgrade(String path, String token) throws Exception {
        java.net.URI base = java.net.URI.create(server.baseUrl());
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort() + "\r\n"
                    + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            return head.toString();
        }
    }
}
