package dev.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testsupport.RecordingMediaEngine;
import dev.switchboard.testsupport.RecordingNotificationSink;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** WHIP's PATCH (trickle ICE, ICE restart) on a participant: a documented 405 Graph error for users, 401/403 for others. */
class WhipPatchTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String FRAG = "a=ice-ufrag:EsAw\r\na=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
            + "a=mid:0\r\na=candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host\r\n";
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(new RecordingMediaEngine(), new RecordingNotificationSink());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void trickleIceIsRefusedWith405AndTheAllowedMethod() throws Exception {
        HttpResponse<String> r = patch("Bearer " + Tokens.aliceToken(server.baseUrl()));
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow")).hasValue("DELETE");
        JsonNode error = new ObjectMapper().readTree(r.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("MethodNotAllowed");
        assertThat(error.path("message").asText()).contains("ICE-lite").contains("join again");
    }

    @Test
    void noTokenIs401AndAnAppTokenIs403() throws Exception {
        assertThat(patch(null).statusCode()).isEqualTo(401);
        assertThat(patch("Bearer " + Tokens.devBotToken(server.baseUrl())).statusCode()).isEqualTo(403);
    }

    private static HttpResponse<String> patch(String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/client/v1/calls/some-call/participants/some-participant"))
                .header("Content-Type", "application/trickle-ice-sdpfrag").method("PATCH", HttpRequest.BodyPublishers.ofString(FRAG));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
