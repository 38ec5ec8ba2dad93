package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.graph.communications.calls.item.cancelmediaprocessing.CancelMediaProcessingPostRequestBody;
import com.microsoft.graph.models.OperationStatus;
import com.microsoft.graph.models.PlayPromptOperation;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A call has at most 100 operations running (queued prompts and recordings, DTMF sends, invitations), and the server
 * at most two for each call it takes: a bot in a loop gets {@code 429} with {@code Retry-After} instead of growing the
 * server's memory without bound; a request refused for bad input starts no operation at all (it used to leave one
 * {@code Running} for good). With {@code --max-calls-per-tenant}, one tenant runs at most two for each call it may have.
 */
class OperationLimitTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aCallRunsAtMost100OperationsAndARefusedRequestStartsNone() throws Exception {
        try (CallbackReceiver bot = new CallbackReceiver(); TestServer server = TestServer.start();
             PromptServer prompts = new PromptServer()) {
            prompts.put("/long.wav", PromptServer.toneWav(440, 120.0, 16000)); // plays long after the 101st request
            String token = Tokens.devBotToken(server.baseUrl());
            GraphServiceClient graph = GraphSdk.client(server.baseUrl(), token);
            String callId = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID,
                    DevIdentities.BOB_ID)).getId();
            String playUrl = server.baseUrl() + "/v1.0/communications/calls/" + callId + "/playPrompt";

            for (int i = 0; i < 150; i++) { // a non-http prompt is refused before anything starts
                HttpResponse<String> refused = post(playUrl, token, body("ftp://127.0.0.1/p" + i + ".wav"));
                assertThat(refused.statusCode()).isEqualTo(400);
                assertThat(refused.body()).contains("mediaInfo.uri must be an absolute http or https URL");
            }
            List<String> queued = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                PlayPromptOperation op = graph.communications().calls().byCallId(callId).playPrompt()
                        .post(IvrMediaEndToEndTest.play("q" + i, GraphSdk.prompt(prompts.url("/long.wav"), "long")));
                assertThat(op.getStatus()).as("operation %d of 100 (none left over from the refused ones)", i)
                        .isEqualTo(OperationStatus.Running);
                queued.add(op.getId());
            }
            HttpResponse<String> full = post(playUrl, token, body(prompts.url("/long.wav")));
            assertThat(full.statusCode()).isEqualTo(429);
            assertThat(full.headers().firstValue("Retry-After")).hasValue("1");
            JsonNode error = new ObjectMapper().readTree(full.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("TooManyRequests");
            assertThat(error.path("message").asText()).contains("has 100 operations running");
            assertThat(error.path("innerError").path("request-id").asText()).isNotBlank();

            graph.communications().calls().byCallId(callId).cancelMediaProcessing().post(new CancelMediaProcessingPostRequestBody());
            for (String op : queued) {
                JsonNode done = bot.awaitItem(i -> i.path("resourceUrl").asText().endsWith("/operations/" + op), WAIT)
                        .path("resourceData");
                assertThat(done.path("resultInfo").path("subcode").asInt()).isEqualTo(8508);
            }
            await().atMost(WAIT).until(() -> post(playUrl, token, body(prompts.url("/long.wav"))).statusCode() == 200);
            graph.communications().calls().byCallId(callId).delete();
        }
    }

    /**
     * Across calls, the server runs at most two operations for each call of {@code --max-calls} (at least 100): with
     * {@code --max-calls 3}, 60 queued in one call and 40 in another fill it, though neither call is full; the next
     * in either is 429 naming the server's bound, and cancelling one call's makes room in the other.
     */
    @Test
    void theServerRunsAtMostTwoOperationsPerCallItTakesAcrossItsCalls() throws Exception {
        try (CallbackReceiver bot = new CallbackReceiver(); // outlives the server: its last notifications arrive at once
             TestServer server = TestServer.start(c -> c.withCalls(c.calls().withMaxCalls(3)));
             PromptServer prompts = new PromptServer()) {
            prompts.put("/long.wav", PromptServer.toneWav(440, 120.0, 16000));
            String token = Tokens.devBotToken(server.baseUrl());
            GraphServiceClient graph = GraphSdk.client(server.baseUrl(), token);
            String a = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID,
                    DevIdentities.BOB_ID)).getId();
            String b = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID,
                    DevIdentities.BOB_ID)).getId();
            String playA = server.baseUrl() + "/v1.0/communications/calls/" + a + "/playPrompt";
            String playB = server.baseUrl() + "/v1.0/communications/calls/" + b + "/playPrompt";
            for (int i = 0; i < 100; i++) {
                HttpResponse<String> r = post(i < 60 ? playA : playB, token, body(prompts.url("/long.wav")));
                assertThat(r.statusCode()).as("operation %d: %s", i, r.body()).isEqualTo(200);
            }
            for (String url : List.of(playA, playB)) {
                HttpResponse<String> full = post(url, token, body(prompts.url("/long.wav")));
                assertThat(full.statusCode()).isEqualTo(429);
                assertThat(full.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(new ObjectMapper().readTree(full.body()).path("error").path("message").asText())
                        .contains("This server has 100 operations running across its calls", "--max-calls");
            }
            graph.communications().calls().byCallId(a).cancelMediaProcessing().post(new CancelMediaProcessingPostRequestBody());
            await().atMost(WAIT).until(() -> post(playB, token, body(prompts.url("/long.wav"))).statusCode() == 200);
            graph.communications().calls().byCallId(a).delete();
            graph.communications().calls().byCallId(b).delete();
        }
    }

    /**
     * With {@code --max-calls-per-tenant 50} (of 200), one tenant runs at most 100 operations across its calls (two for
     * each call it may have) though the server takes 400: the next is 429 naming the tenant's bound, and another
     * tenant's call still starts one.
     */
    @Test
    void oneTenantRunsAtMostTwoOperationsPerCallItMayHave() throws Exception {
        try (CallbackReceiver bot = new CallbackReceiver(); // outlives the server: its last notifications arrive at once
             TestServer server = TestServer.start(c -> c.withCalls(c.calls().withMaxCalls(200).withMaxCallsPerTenant(50)));
             PromptServer prompts = new PromptServer()) {
            prompts.put("/long.wav", PromptServer.toneWav(440, 120.0, 16000));
            String token = Tokens.devBotToken(server.baseUrl());
            GraphServiceClient graph = GraphSdk.client(server.baseUrl(), token);
            String a = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID,
                    DevIdentities.BOB_ID)).getId();
            String b = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID,
                    DevIdentities.BOB_ID)).getId();
            String playA = server.baseUrl() + "/v1.0/communications/calls/" + a + "/playPrompt";
            String playB = server.baseUrl() + "/v1.0/communications/calls/" + b + "/playPrompt";
            for (int i = 0; i < 100; i++) {
                HttpResponse<String> r = post(i < 60 ? playA : playB, token, body(prompts.url("/long.wav")));
                assertThat(r.statusCode()).as("operation %d: %s", i, r.body()).isEqualTo(200);
            }
            HttpResponse<String> full = post(playB, token, body(prompts.url("/long.wav")));
            assertThat(full.statusCode()).isEqualTo(429);
            assertThat(full.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(new ObjectMapper().readTree(full.body()).path("error").path("message").asText())
                    .contains("Your tenant has 100 operations running", "--max-calls-per-tenant");
            String other = Tokens.otherTenantBotToken(server.baseUrl());
            GraphServiceClient theirs = GraphSdk.client(server.baseUrl(), other);
            String c = theirs.communications().calls().post(GraphSdk.call(bot.url(), "u1", "u2")).getId();
            HttpResponse<String> room = post(server.baseUrl() + "/v1.0/communications/calls/" + c + "/playPrompt", other,
                    body(prompts.url("/long.wav")));
            assertThat(room.statusCode()).as("another tenant: " + room.body()).isEqualTo(200);
            for (String id : List.of(a, b)) {
                graph.communications().calls().byCallId(id).delete();
            }
            theirs.communications().calls().byCallId(c).delete();
        }
    }

    private static String body(String uri) {
        return "{\"prompts\":[{\"@odata.type\":\"#microsoft.graph.mediaPrompt\",\"mediaInfo\":{\"uri\":\"" + uri
                + "\",\"resourceId\":\"long\"}}]}";
    }


    private static HttpResponse<String> post(String url, String token, String json) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
