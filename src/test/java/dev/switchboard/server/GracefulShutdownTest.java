package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.ServerProcess;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class GracefulShutdownTest {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final ObjectMapper JSON = new ObjectMapper();

    static HttpResponse<String> createCall(String baseUrl, String token, String callbackUri) throws Exception {
        String body = """
                {"callbackUri":"%s","requestedModalities":["audio"],
                 "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},
                 "targets":[{"identity":{"user":{"id":"%s"}}},{"identity":{"user":{"id":"%s"}}}]}"""
                .formatted(callbackUri, DevIdentities.ALICE_ID, DevIdentities.BOB_ID);
        return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1.0/communications/calls"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void sigtermEndsLiveCallsTellsTheBotAndExitsZero(@TempDir Path dataDir) throws Exception {
        try (ServerProcess process = ServerProcess.start(dataDir, "--log-format", "json");
             CallbackReceiver bot = new CallbackReceiver()) {
            Process server = process.process();
            List<String> output = process.output();
            String baseUrl = process.baseUrl();
            String token = Tokens.devBotToken(baseUrl);
            HttpResponse<String> created = createCall(baseUrl, token, bot.url());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String callId = JSON.readTree(created.body()).get("id").asText();
            bot.awaitItem(item -> item.at("/resourceData/state").asText().equals("established"), Duration.ofSeconds(10));
            dev.switchboard.tools.ClientApi alice = new dev.switchboard.tools.ClientApi(
                    new dev.switchboard.tools.ServerHttp(baseUrl), Tokens.aliceToken(baseUrl));
            String aliceId = alice.join(callId, "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                    + "m=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n").participantId();

            process.terminate(); // SIGTERM
            assertThat(server.waitFor(40, TimeUnit.SECONDS)).as(String.join("\n", output)).isTrue();
            assertThat(server.exitValue()).as(String.join("\n", output)).isZero();
            process.reader().join(5000); // the whole output has been read once the process is gone

            JsonNode terminated = bot.awaitItem(item -> "deleted".equals(item.path("changeType").asText())
                    && item.path("resourceUrl").asText().equals("/communications/calls/" + callId), Duration.ofSeconds(1));
            assertThat(terminated.at("/resourceData/state").asText()).isEqualTo("terminated");
            assertThat(terminated.at("/resourceData/resultInfo/code").asInt()).isEqualTo(503);
            assertThat(output).anyMatch(l -> l.contains("Switchboard stopped."));
            // logs are JSON lines; a line about a call carries its callId, and lines of a request its requestId
            List<JsonNode> logs = new java.util.ArrayList<>();
            for (String line : output) {
                if (line.startsWith("{")) {
                    logs.add(JSON.readTree(line));
                }
            }
            assertThat(logs).isNotEmpty();
            JsonNode callCreated = logs.stream().filter(l -> l.path("formattedMessage").asText().startsWith("call created"))
                    .findFirst().orElseThrow();
            assertThat(callCreated.path("formattedMessage").asText()).contains("callId=" + callId);
            assertThat(callCreated.at("/mdc/requestId").asText()).isNotBlank();
            JsonNode joined = logs.stream().filter(l -> l.path("formattedMessage").asText().startsWith("participant joined"))
                    .findFirst().orElseThrow();
            assertThat(joined.at("/mdc/callId").asText()).as("a request on a call tags its log lines").isEqualTo(callId);
            assertThat(joined.path("formattedMessage").asText()).contains("participantId=" + aliceId);
            assertThat(String.join("\n", output)).doesNotContain(token.substring(token.lastIndexOf('.') + 1));
        }
    }

    @Test
    void whileDrainingReadinessFailsAndNewCallsAreRefusedButLiveOnesGoOn() throws Exception {
        try (CallbackReceiver bot = new CallbackReceiver(); TestServer server = TestServer.start()) {
            String token = Tokens.devBotToken(server.baseUrl());
            HttpResponse<String> live = createCall(server.baseUrl(), token, bot.url());
            assertThat(live.statusCode()).isEqualTo(201);
            String callId = JSON.readTree(live.body()).get("id").asText();

            server.server().beginDraining();

            HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/readyz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(503);
            HttpResponse<String> refused = createCall(server.baseUrl(), token, bot.url());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("30");
            assertThat(JSON.readTree(refused.body()).at("/error/code").asText()).isEqualTo("serviceNotAvailable");
            HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                            + "/v1.0/communications/calls/" + callId)).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(200);
        }
    }
}
