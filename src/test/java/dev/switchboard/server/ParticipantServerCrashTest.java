package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.Cli;
import dev.switchboard.testsupport.ServerProcess;
import dev.switchboard.testsupport.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code switchboard participant} in a call whose server is killed ({@code kill -9}): its roster stream is cut without
 * a close frame, and it says so and ends (exit 69) instead of metering silence until Ctrl-C, as it did; the same for
 * one waiting on its ring stream ({@code --answer}), which waited for a ring that could never come.
 */
class ParticipantServerCrashTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aParticipantWhoseServerDiesSaysSoAndEnds(@TempDir Path dataDir) throws Exception {
        try (ServerProcess server = ServerProcess.start(dataDir)) {
            HttpClient http = HttpClient.newHttpClient();
            String token = Tokens.devBotToken(server.baseUrl());
            String body = """
                    {"callbackUri":"http://127.0.0.1:9/none","requestedModalities":["audio"],
                     "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},
                     "targets":[{"identity":{"user":{"id":"%s"}}},{"identity":{"user":{"id":"%s"}}}]}"""
                    .formatted(DevIdentities.ALICE_ID, DevIdentities.BOB_ID);
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                            + "/v1.0/communications/calls")).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String callId = JSON.readTree(created.body()).get("id").asText();

            CompletableFuture<Cli.Result> participant = CompletableFuture.supplyAsync(() -> Cli.run(Main::commandLine,
                    "participant", "--call", callId, "--user", "alice", "--tone", "660", "--duration", "120s",
                    "--url", server.baseUrl()));
            HttpRequest roster = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1.0/communications/calls/"
                    + callId + "/participants")).header("Authorization", "Bearer " + token).build();
            await("alice joined").atMost(Duration.ofSeconds(15)).until(() -> {
                JsonNode list = JSON.readTree(http.send(roster, HttpResponse.BodyHandlers.ofString()).body());
                return list.path("value").size() == 2;
            });
            Thread.sleep(1500); // her roster stream is open by now (it opens right after the join)

            server.kill();
            Cli.Result r = participant.get(30, TimeUnit.SECONDS);
            assertThat(r.code()).as(r.out() + r.err()).isEqualTo(69);
            assertThat(r.out()).contains("the roster stream was cut without a close frame")
                    .contains("the call is over");
            assertThat(r.err()).contains("the server went away");
        }
    }

    @Test
    void aParticipantWaitingForARingWhoseServerDiesSaysSoAndEnds(@TempDir Path dataDir) throws Exception {
        try (ServerProcess server = ServerProcess.start(dataDir)) {
            CompletableFuture<Cli.Result> waiting = CompletableFuture.supplyAsync(() -> Cli.run(Main::commandLine,
                    "participant", "--answer", "--user", "bob", "--duration", "120s", "--url", server.baseUrl()));
            Thread.sleep(3000); // the ring stream is open by now
            server.kill();
            Cli.Result r = waiting.get(30, TimeUnit.SECONDS);
            assertThat(r.code()).as(r.out() + r.err()).isEqualTo(69);
            assertThat(r.out()).contains("waiting for a call (ring stream open)");
            assertThat(r.err()).contains("the ring stream was cut without a close frame").contains("the server went away");
        }
    }
}
