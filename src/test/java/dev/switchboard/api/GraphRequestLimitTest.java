package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.communications.calls.item.mute.MutePostRequestBody;
import com.microsoft.graph.models.MuteParticipantOperation;
import com.microsoft.graph.models.OperationStatus;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.kiota.http.middleware.options.RetryHandlerOption;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.Prometheus;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@code --graph-request-limit}: Graph's request throttling per app and tenant, against the real server with a small
 * limit. The windows are seconds long and every request of a test is sent well inside one, so what is asserted is the
 * count, never how fast a loaded machine answered.
 */
class GraphRequestLimitTest {
    private static final String THROTTLED = "switchboard_graph_requests_throttled_total";
    private static final String NO_CALL = "/v1.0/communications/calls/no-such-call";

    @Test
    void theSdksRetryHandlerWaitsRetryAfterAndTheMuteSucceedsOnceTheWindowHasRoom() throws Exception {
        try (CallbackReceiver bot = new CallbackReceiver();
             TestServer server = TestServer.start(c -> c.withGraphRequests(new GraphRequestLimit(3, Duration.ofSeconds(6))))) {
            GraphServiceClient graph = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
            String callId = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID,
                    DevIdentities.BOB_ID)).getId();                                                       // 1
            assertThat(mute(graph, callId, "first").getStatus()).isEqualTo(OperationStatus.Completed);     // 2
            assertThat(mute(graph, callId, "second").getStatus()).isEqualTo(OperationStatus.Completed);    // 3
            assertThat(Prometheus.counter(server.baseUrl(), THROTTLED)).isZero();

            MuteParticipantOperation op = mute(graph, callId, "after-the-wait"); // 429, then the SDK's retry: 200
            assertThat(op.getStatus()).isEqualTo(OperationStatus.Completed);
            assertThat(op.getClientContext()).isEqualTo("after-the-wait");
            assertThat(Prometheus.counter(server.baseUrl(), THROTTLED)).as("refused once, then let through").isEqualTo(1);

            // the retry opened a new window (1 of 3): two more, then one with the retry handler off sees the 429 itself
            mute(graph, callId, "fifth");
            mute(graph, callId, "sixth");
            MutePostRequestBody body = new MutePostRequestBody();
            ODataError refused = catchThrowableOfType(ODataError.class, () -> graph.communications().calls().byCallId(callId)
                    .mute().post(body, cfg -> cfg.options.add(new RetryHandlerOption(null, 0, 0))));
            assertThat(refused.getResponseStatusCode()).isEqualTo(429);
            assertThat(refused.getError().getCode()).isEqualTo("TooManyRequests");
            assertThat(refused.getResponseHeaders().get("Retry-After")).singleElement()
                    .satisfies(s -> assertThat(Long.parseLong(s)).isBetween(1L, 6L));
        }
    }

    @Test
    void pastTheLimitARequestIs429WithAGraphErrorAndRetryAfterUntilTheWindowEnds() throws Exception {
        try (TestServer server = TestServer.start(c -> c.withGraphRequests(new GraphRequestLimit(3, Duration.ofSeconds(20))))) {
            GraphHttp http = new GraphHttp(server.baseUrl());
            String token = Tokens.devBotToken(server.baseUrl());
            for (int i = 0; i < 3; i++) {
                GraphHttp.graphError(http.get(NO_CALL, token), 404, "itemNotFound");
            }
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> r = http.post(NO_CALL + "/mute", token, "{}");
                JsonNode error = GraphHttp.graphError(r, 429, "TooManyRequests");
                assertThat(error.path("message").asText()).contains("3 requests in 20 s", "--graph-request-limit 3/20s");
                assertThat(error.at("/innerError/date").asText()).isNotBlank();
                long retryAfter = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
                assertThat(retryAfter).as("whole seconds until the window ends").isBetween(1L, 20L);
            }
            // what Graph does not throttle: the identity endpoints, and requests without a valid app token
            assertThat(Tokens.devBotToken(server.baseUrl())).isNotBlank();
            GraphHttp.graphError(http.get(NO_CALL, "not-a-token"), 401, "InvalidAuthenticationToken");
            assertThat(Prometheus.counter(server.baseUrl(), THROTTLED)).isEqualTo(2);
        }
    }

    @Test
    void eachAppOfEachTenantHasAWindowOfItsOwn() throws Exception {
        Path config = Files.createTempFile("switchboard", ".json");
        String app = "{ \"appId\": \"shared-bot\", \"secret\": \"s\", \"roles\": [\"Calls.JoinGroupCall.All\"] }";
        Files.writeString(config, """
                { "tenants": [ { "id": "tenant-a", "apps": [ %s, { "appId": "second-bot", "secret": "s2" } ] },
                               { "id": "tenant-b", "apps": [ %s ] } ] }""".formatted(app, app));
        try (TestServer server = TestServer.start(c -> c.withConfigFile(config)
                .withGraphRequests(new GraphRequestLimit(2, Duration.ofSeconds(20))))) {
            GraphHttp http = new GraphHttp(server.baseUrl());
            String inA = Tokens.appToken(server.baseUrl(), "tenant-a", "shared-bot", "s");
            String secondInA = Tokens.appToken(server.baseUrl(), "tenant-a", "second-bot", "s2");
            String inB = Tokens.appToken(server.baseUrl(), "tenant-b", "shared-bot", "s");
            for (String token : List.of(inA, inA)) {
                assertThat(http.get(NO_CALL, token).statusCode()).isEqualTo(404);
            }
            assertThat(http.get(NO_CALL, inA).statusCode()).isEqualTo(429);
            for (String token : List.of(secondInA, secondInA, inB, inB)) {
                assertThat(http.get(NO_CALL, token).statusCode()).as("another app, or the same app for another tenant")
                        .isEqualTo(404);
            }
            assertThat(http.get(NO_CALL, secondInA).statusCode()).isEqualTo(429);
            assertThat(http.get(NO_CALL, inB).statusCode()).isEqualTo(429);
        } finally {
            Files.deleteIfExists(config);
        }
    }

    @Test
    void eachRequestOfABatchCountsAndTheBatchItselfDoesNot() throws Exception {
        try (TestServer server = TestServer.start(c -> c.withGraphRequests(new GraphRequestLimit(5, Duration.ofSeconds(20))))) {
            GraphHttp http = new GraphHttp(server.baseUrl());
            String token = Tokens.devBotToken(server.baseUrl());
            HttpResponse<String> batch = http.post("/v1.0/$batch", token, batchOfGets(7));
            assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
            List<Integer> statuses = new ArrayList<>();
            for (JsonNode r : GraphHttp.JSON.readTree(batch.body()).get("responses")) {
                statuses.add(r.get("status").asInt());
                if (r.get("status").asInt() == 429) {
                    assertThat(r.at("/body/error/code").asText()).isEqualTo("TooManyRequests");
                    assertThat(r.at("/headers/Retry-After").asText()).matches("[1-9][0-9]?");
                }
            }
            assertThat(statuses).as("five of seven within the limit, the batch itself not counted")
                    .containsOnly(404, 429).filteredOn(s -> s == 404).hasSize(5);
            assertThat(http.get(NO_CALL, token).statusCode()).isEqualTo(429);
            assertThat(http.post("/v1.0/$batch", token, batchOfGets(1)).statusCode())
                    .as("a batch is answered; its request is refused inside it").isEqualTo(200);
            assertThat(Prometheus.counter(server.baseUrl(), THROTTLED)).isEqualTo(4);
        }
    }

    @Test
    void offNeverAnswers429() throws Exception {
        try (TestServer server = TestServer.start(c -> c.withGraphRequests(GraphRequestLimit.OFF))) {
            GraphHttp http = new GraphHttp(server.baseUrl());
            String token = Tokens.devBotToken(server.baseUrl());
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> batch = http.post("/v1.0/$batch", token, batchOfGets(20));
                assertThat(batch.statusCode()).isEqualTo(200);
                for (JsonNode r : GraphHttp.JSON.readTree(batch.body()).get("responses")) {
                    assertThat(r.get("status").asInt()).isEqualTo(404);
                }
                assertThat(http.get(NO_CALL, token).statusCode()).isEqualTo(404);
            }
            assertThat(Prometheus.counter(server.baseUrl(), THROTTLED)).isZero();
        }
    }

    /** The bot mutes itself: a POST, which the SDK's retry handler sends again after a 429. */
    private static MuteParticipantOperation mute(GraphServiceClient graph, String callId, String clientContext) {
        MutePostRequestBody body = new MutePostRequestBody();
        body.setClientContext(clientContext);
        return graph.communications().calls().byCallId(callId).mute().post(body);
    }

    private static String batchOfGets(int n) {
        StringBuilder b = new StringBuilder("{\"requests\":[");
        for (int i = 1; i <= n; i++) {
            b.append(i > 1 ? "," : "").append("{\"id\":\"").append(i)
                    .append("\",\"method\":\"GET\",\"url\":\"/communications/calls/no-such-call-").append(i).append("\"}");
        }
        return b.append("]}").toString();
    }
}
