package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.server.InboundSettings;
import dev.switchboard.testsupport.FfmpegPeer;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --max-calls}: a bot's new call, or a user's dial, past the server's most live calls is {@code 429} with
 * {@code Retry-After} and a message saying what to do, before anything is made; ending a call makes room again. With
 * {@code --max-calls-per-tenant} one tenant at its most leaves room for the others.
 */
class CallLimitTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void pastTheMostLiveCallsANewCallOrADialIs429UntilOneEnds() throws Exception {
        try (CallbackReceiver bot = new CallbackReceiver();
             TestServer server = TestServer.start(c -> c.withCalls(c.calls().withMaxCalls(3))
                     .withInbound(InboundSettings.DEFAULTS.withWebhook(DevIdentities.DEV_BOT_APP_ID, bot.url())))) {
            String token = Tokens.devBotToken(server.baseUrl());
            GraphServiceClient graph = GraphSdk.client(server.baseUrl(), token);
            List<String> calls = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                calls.add(graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID,
                        DevIdentities.BOB_ID)).getId());
            }
            String create = "{\"@odata.type\":\"#microsoft.graph.call\",\"callbackUri\":\"" + bot.url() + "\","
                    + "\"requestedModalities\":[\"audio\"],\"mediaConfig\":{\"@odata.type\":"
                    + "\"#microsoft.graph.serviceHostedMediaConfig\"},\"targets\":[{\"identity\":{\"user\":{\"id\":\""
                    + DevIdentities.ALICE_ID + "\"}}},{\"identity\":{\"user\":{\"id\":\"" + DevIdentities.BOB_ID + "\"}}}]}";
            HttpResponse<String> full = post(server.baseUrl() + "/v1.0/communications/calls", token, "application/json", create);
            assertThat(full.statusCode()).isEqualTo(429);
            assertThat(full.headers().firstValue("Retry-After")).hasValue("5");
            JsonNode error = JSON.readTree(full.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("TooManyRequests");
            assertThat(error.path("message").asText()).contains("This server has 3 live calls", "--max-calls 3",
                    "DELETE /communications/calls/{id}");
            assertThat(error.path("innerError").path("request-id").asText()).isNotBlank();

            HttpResponse<String> dial = dial(server.baseUrl());
            assertThat(dial.statusCode()).as("a user's dial: " + dial.body()).isEqualTo(429);
            assertThat(JSON.readTree(dial.body()).path("error").path("code").asText()).isEqualTo("TooManyRequests");

            graph.communications().calls().byCallId(calls.getFirst()).delete();
            HttpResponse<String> room = post(server.baseUrl() + "/v1.0/communications/calls", token, "application/json", create);
            assertThat(room.statusCode()).as("one ended: room for one").isEqualTo(201);
            assertThat(post(server.baseUrl() + "/v1.0/communications/calls", token, "application/json", create).statusCode())
                    .isEqualTo(429);
            graph.communications().calls().byCallId(calls.get(1)).delete();
            assertThat(dial(server.baseUrl()).statusCode()).as("a dial takes the room a call left").isEqualTo(201);
            assertThat(dial(server.baseUrl()).statusCode()).as("and counts").isEqualTo(429);
        }
    }

    @Test
    void oneTenantAtItsMostLiveCallsLeavesRoomForAnother() throws Exception {
        try (CallbackReceiver bot = new CallbackReceiver();
             TestServer server = TestServer.start(c -> c.withCalls(c.calls().withMaxCalls(4).withMaxCallsPerTenant(2))
                     .withInbound(InboundSettings.DEFAULTS.withWebhook(DevIdentities.DEV_BOT_APP_ID, bot.url())))) {
            String ours = Tokens.devBotToken(server.baseUrl());
            String theirs = Tokens.otherTenantBotToken(server.baseUrl());
            String create = "{\"@odata.type\":\"#microsoft.graph.call\",\"callbackUri\":\"" + bot.url() + "\","
                    + "\"requestedModalities\":[\"audio\"],\"mediaConfig\":{\"@odata.type\":"
                    + "\"#microsoft.graph.serviceHostedMediaConfig\"},\"targets\":[{\"identity\":{\"user\":{\"id\":\"a\"}}},"
                    + "{\"identity\":{\"user\":{\"id\":\"b\"}}}]}";
            String url = server.baseUrl() + "/v1.0/communications/calls";
            List<String> calls = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> r = post(url, ours, "application/json", create);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                calls.add(JSON.readTree(r.body()).path("id").asText());
            }
            HttpResponse<String> full = post(url, ours, "application/json", create);
            assertThat(full.statusCode()).as(full.body()).isEqualTo(429);
            assertThat(full.headers().firstValue("Retry-After")).hasValue("5");
            JsonNode error = JSON.readTree(full.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("TooManyRequests");
            assertThat(error.path("message").asText()).contains("Your tenant has 2 live calls", "--max-calls-per-tenant 2");
            assertThat(dial(server.baseUrl()).statusCode()).as("a user's dial counts for the user's tenant").isEqualTo(429);
            // the other tenant still has room, up to its own share
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> r = post(url, theirs, "application/json", create);
                assertThat(r.statusCode()).as("the other tenant: " + r.body()).isEqualTo(201);
            }
            assertThat(post(url, theirs, "application/json", create).statusCode()).isEqualTo(429);
            // an ended call makes room for its own tenant again
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(url + "/" + calls.getFirst()))
                    .header("Authorization", "Bearer " + ours).DELETE().build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(204);
            assertThat(post(url, ours, "application/json", create).statusCode()).isEqualTo(201);
        }
    }

    private static HttpResponse<String> dial(String baseUrl) throws Exception {
        return post(baseUrl + "/client/v1/apps/" + DevIdentities.DEV_BOT_APP_ID + "/calls", Tokens.carolToken(baseUrl),
                "application/sdp", FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(), FfmpegPeer.Codec.PCMU, "sendrecv"));
    }

    private static HttpResponse<String> post(String url, String token, String type, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
