package dev.switchboard.api;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.RecordingMediaEngine;
import dev.switchboard.testsupport.RecordingNotificationSink;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Input an attacker sends on purpose: JSON too deep or numbers too long, content after the JSON value, a method
 * override header. Each is a 400 Graph error or is ignored; none is a 500, none logs above INFO or a stack trace.
 */
class HostileInputTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final String GROUP_CALL = """
            {"callbackUri":"http://127.0.0.1:9/cb","requestedModalities":["audio"],
             "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},
             "targets":[{"identity":{"user":{"id":"%s"}}},{"identity":{"user":{"id":"%s"}}}]}
            """.formatted(DevIdentities.ALICE_ID, DevIdentities.BOB_ID);
    static TestServer server;
    static String token;
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeAll
    static void start() {
        server = TestServer.start(new RecordingMediaEngine(), new RecordingNotificationSink());
        token = Tokens.devBotToken(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void captureLogs() {
        logs.start();
        root().addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        root().detachAppender(logs);
    }

    @Test
    void jsonNestedDeeperThanAThousandLevelsIsABadRequestLoggedQuietly() throws Exception {
        String deep = "{\"clientContext\":\"c\",\"x\":" + "[".repeat(1001) + "]".repeat(1001) + "}";
        JsonNode error = badRequest(post("/v1.0/communications/calls/" + createCall() + "/mute", deep));
        assertThat(error.get("message").asText()).doesNotContain("Jackson").doesNotContain("com.fasterxml");
        badRequest(post("/v1.0/communications/calls", "{\"a\":" + "{\"a\":".repeat(1500) + "1" + "}".repeat(1501)));
        assertNothingLoudLogged();
    }

    @Test
    void aNumberLongerThanAThousandDigitsIsABadRequestLoggedQuietly() throws Exception {
        String huge = "{\"clientContext\":\"c\",\"n\":" + "9".repeat(1001) + "}";
        badRequest(post("/v1.0/communications/calls/" + createCall() + "/mute", huge));
        badRequest(post("/v1.0/communications/calls/" + createCall() + "/mute",
                "{\"n\":1." + "1".repeat(1001) + "}"));
        assertNothingLoudLogged();
    }

    @Test
    void contentAfterTheJsonValueIsABadRequestAndCreatesNothing() throws Exception {
        int before = server.server().calls().liveCalls();
        badRequest(post("/v1.0/communications/calls", GROUP_CALL.trim() + "xyz"));
        badRequest(post("/v1.0/communications/calls", GROUP_CALL.trim() + "{}"));
        assertThat(server.server().calls().liveCalls()).isEqualTo(before);
        badRequest(post("/v1.0/communications/calls/" + createCall() + "/mute", "{\"clientContext\":\"c\"} 1"));
        // trailing white space is not content
        assertThat(post("/v1.0/communications/calls/" + createCall() + "/mute", "{\"clientContext\":\"c\"}\r\n ").statusCode())
                .isEqualTo(200);
    }

    @Test
    void aMethodOverrideHeaderNeverTurnsAPostIntoADelete() throws Exception {
        String callId = createCall();
        HttpResponse<String> r = send(request("/v1.0/communications/calls/" + callId)
                .header("X-HTTP-Method-Override", "DELETE").POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(405);
        assertThat(JSON.readTree(r.body()).at("/error/code").asText()).isEqualTo("MethodNotAllowed");
        assertThat(send(request("/v1.0/communications/calls/" + callId).GET()).statusCode()).isEqualTo(200);

        // the header on a real POST route: still that POST (a mute), not the override's method
        HttpResponse<String> mute = send(request("/v1.0/communications/calls/" + callId + "/mute")
                .header("X-HTTP-Method-Override", "GET").POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(mute.statusCode()).as(mute.body()).isEqualTo(200);
        assertThat(JSON.readTree(mute.body()).get("@odata.type").asText()).isEqualTo("#microsoft.graph.muteParticipantOperation");
        assertThat(send(request("/v1.0/communications/calls/" + callId).GET()).statusCode()).isEqualTo(200);
    }

    static String createCall() throws Exception {
        HttpResponse<String> r = post("/v1.0/communications/calls", GROUP_CALL);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).get("id").asText();
    }

    static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).header("Authorization", "Bearer " + token);
    }

    static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String json) throws Exception {
        return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    static JsonNode badRequest(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("BadRequest");
        assertThat(error.at("/innerError/request-id").asText()).isEqualTo(r.headers().firstValue("request-id").orElseThrow());
        return error;
    }

    void assertNothingLoudLogged() {
        assertThat(logs.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
        assertThat(logs.list).noneMatch(e -> e.getThrowableProxy() != null);
    }

    static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
