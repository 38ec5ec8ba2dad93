package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testsupport.Cli;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code switchboard participant --dtmf}: the terminal participant presses keys at a given moment (the bot, subscribed
 * to tones, hears them) and prints the keys the bot sends it.
 */
class ParticipantDtmfCommandTest {
    static TestServer server;
    static CallbackReceiver bot;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        bot = new CallbackReceiver();
    }

    @AfterAll
    static void stop() {
        server.close();
        bot.close();
    }

    static HttpResponse<String> post(String path, String json) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1.0/communications/calls" + path))
                .header("Authorization", "Bearer " + Tokens.devBotToken(server.baseUrl()))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                        + "/v1.0/communications/calls" + path))
                .header("Authorization", "Bearer " + Tokens.devBotToken(server.baseUrl())).build(), HttpResponse.BodyHandlers.ofString());
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
    }

    @Test
    void theTerminalParticipantSendsKeysAtTheGivenMomentAndPrintsTheKeysItReceives() throws Exception {
        HttpResponse<String> created = post("", """
                {"callbackUri":"%s","requestedModalities":["audio"],
                 "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},
                 "targets":[{"identity":{"user":{"id":"%s"}}},{"identity":{"user":{"id":"%s"}}}]}"""
                .formatted(bot.url(), dev.switchboard.auth.DevIdentities.ALICE_ID, dev.switchboard.auth.DevIdentities.BOB_ID));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String callId = new com.fasterxml.jackson.databind.ObjectMapper().readTree(created.body()).get("id").asText();
        assertThat(post("/" + callId + "/subscribeToTone", "{}").statusCode()).isEqualTo(200);
        CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() -> Cli.run(Main::commandLine, "participant",
                "--call", callId, "--user", "alice", "--dtmf", "12#", "--dtmf-at", "1500ms", "--duration", "8s",
                "--url", server.baseUrl()));
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/" + callId + "/participants").path("value").size() >= 2);
        HttpResponse<String> send = post("/" + callId + "/sendDtmfTones", "{\"tones\":[\"tone7\",\"star\"],\"delayBetweenTonesMs\":40}");
        assertThat(send.statusCode()).as(send.body()).isEqualTo(200);

        Cli.Result r = run.get(60, TimeUnit.SECONDS);
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("DTMF received: 7").contains("DTMF received: *").contains("DTMF sent: 12#");
        // the toneInfo notifications are delivered asynchronously: they may reach the bot after the participant left
        await().atMost(Duration.ofSeconds(30)).until(() -> tones(callId).size() >= 3);
        assertThat(tones(callId)).containsExactly("tone1#1", "tone2#2", "pound#3");
    }

    /** The keys the bot heard in this call, as tone#sequenceId, in the order they arrived. */
    private static List<String> tones(String callId) {
        return bot.items().stream()
                .filter(i -> i.path("resourceUrl").asText().equals("/communications/calls/" + callId)
                        && i.path("resourceData").has("toneInfo"))
                .map(i -> i.at("/resourceData/toneInfo/tone").asText() + "#" + i.at("/resourceData/toneInfo/sequenceId").asLong())
                .toList();
    }

    @Test
    void aKeyThatIsNotDtmfIsAUsageError() {
        Cli.Result r = Cli.run(Main::commandLine, "participant", "--call", "x", "--user", "alice", "--dtmf", "12x",
                "--url", server.baseUrl());
        assertThat(r.code()).isNotZero();
        assertThat(r.out() + r.err()).contains("--dtmf").contains("'x'");
    }
}
