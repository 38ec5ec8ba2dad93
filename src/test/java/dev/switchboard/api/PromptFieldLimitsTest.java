package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A prompt's {@code mediaInfo.resourceId} is at most 256 characters and its {@code uri} at most 2,048 (Graph documents
 * no limit; a resourceId and a URI are the prompt cache's keys, kept while the prompt is cached): one character more
 * is a Graph-style {@code 400 BadRequest} naming the field and the limit, in playPrompt, recordResponse, startHoldMusic
 * and a create's preFetchMedia alike; at the limit, the prompt plays.
 */
class PromptFieldLimitsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aResourceIdOrUriPastItsLimitIsA400NamingTheFieldAndTheLimit() throws Exception {
        // the bot outlives the server: the live call's last notifications arrive at once (not retried for the 10 s drain)
        try (CallbackReceiver bot = new CallbackReceiver(); TestServer server = TestServer.start();
             PromptServer prompts = new PromptServer()) {
            prompts.put("/ok.wav", PromptServer.toneWav(440, 0.2, 16000));
            String token = Tokens.devBotToken(server.baseUrl());
            GraphHttp http = new GraphHttp(server.baseUrl());
            GraphServiceClient graph = GraphSdk.client(server.baseUrl(), token);
            String callId = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID,
                    DevIdentities.BOB_ID)).getId();
            String calls = "/v1.0/communications/calls";
            String ok = prompts.url("/ok.wav");
            String longest = ok + "?pad=" + "x".repeat(2048 - ok.length() - 5);
            assertThat(longest).hasSize(2048);
            String id256 = "r".repeat(256);

            assertThat(message(http.post(calls + "/" + callId + "/playPrompt", token, play(ok, id256 + "r"))))
                    .isEqualTo("'prompts[0].mediaInfo.resourceId' may be at most 256 characters; this one has 257.");
            assertThat(message(http.post(calls + "/" + callId + "/playPrompt", token, play(longest + "x", "r"))))
                    .isEqualTo("'prompts[0].mediaInfo.uri' may be at most 2048 characters; this one has 2049.");
            assertThat(message(http.post(calls + "/" + callId + "/recordResponse", token, play(longest + "x", null))))
                    .isEqualTo("'prompts[0].mediaInfo.uri' may be at most 2048 characters; this one has 2049.");
            assertThat(message(http.post(calls + "/" + callId + "/participants/any/startHoldMusic", token,
                    "{\"customPrompt\":" + prompt(ok, id256 + "r") + "}")))
                    .isEqualTo("'customPrompt.mediaInfo.resourceId' may be at most 256 characters; this one has 257.");
            String create = """
                    {"@odata.type":"#microsoft.graph.call","callbackUri":"%s","requestedModalities":["audio"],
                     "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig",
                                    "preFetchMedia":[{"uri":"%s","resourceId":"%s"}]},
                     "targets":[{"identity":{"user":{"id":"%s"}}}]}
                    """;
            assertThat(message(http.post(calls, token, create.formatted(bot.url(), ok, id256 + "r", DevIdentities.ALICE_ID))))
                    .isEqualTo("'mediaConfig.preFetchMedia[0].resourceId' may be at most 256 characters; this one has 257.");
            assertThat(message(http.post(calls, token, create.formatted(bot.url(), longest + "x", "r", DevIdentities.ALICE_ID))))
                    .isEqualTo("'mediaConfig.preFetchMedia[0].uri' may be at most 2048 characters; this one has 2049.");

            HttpResponse<String> atLimits = http.post(calls + "/" + callId + "/playPrompt", token, play(longest, id256));
            assertThat(atLimits.statusCode()).as(atLimits.body()).isEqualTo(200);
            String opId = GraphHttp.JSON.readTree(atLimits.body()).path("id").asText();
            JsonNode done = bot.awaitItem(i -> i.path("resourceUrl").asText().endsWith("/operations/" + opId), WAIT)
                    .path("resourceData");
            assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("Completed");
            HttpResponse<String> created = http.post(calls, token, create.formatted(bot.url(), longest, id256, DevIdentities.ALICE_ID));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            graph.communications().calls().byCallId(GraphHttp.JSON.readTree(created.body()).path("id").asText()).delete();
            graph.communications().calls().byCallId(callId).delete();
        }
    }

    @Test
    void aUriThatIsNotAStringIsA400SayingSoNotThatItIsMissing() throws Exception {
        try (CallbackReceiver bot = new CallbackReceiver(); TestServer server = TestServer.start()) {
            String token = Tokens.devBotToken(server.baseUrl());
            GraphHttp http = new GraphHttp(server.baseUrl());
            String calls = "/v1.0/communications/calls";
            String callId = GraphSdk.client(server.baseUrl(), token).communications().calls().post(GraphSdk.call(bot.url(),
                    DevIdentities.ALICE_ID, DevIdentities.BOB_ID)).getId();
            assertThat(message(http.post(calls + "/" + callId + "/playPrompt", token, "{\"prompts\":[{\"mediaInfo\":{\"uri\":5}}]}")))
                    .isEqualTo("prompts[0].mediaInfo.uri must be a string: an http or https URL of a WAV file.");
            assertThat(message(http.post(calls + "/" + callId + "/participants/any/startHoldMusic", token,
                    "{\"customPrompt\":{\"mediaInfo\":{\"uri\":[\"http://127.0.0.1/a.wav\"]}}}")))
                    .isEqualTo("customPrompt.mediaInfo.uri must be a string: an http or https URL of a WAV file.");
            assertThat(message(http.post(calls + "/" + callId + "/playPrompt", token, "{\"prompts\":[{\"mediaInfo\":{}}]}")))
                    .isEqualTo("prompts[0].mediaInfo.uri is required (an http or https URL of a WAV file).");
        }
    }

    private static String message(HttpResponse<String> r) throws Exception {
        return GraphHttp.graphError(r, 400, "BadRequest").path("message").asText();
    }

    private static String play(String uri, String resourceId) {
        return "{\"prompts\":[" + prompt(uri, resourceId) + "]}";
    }

    private static String prompt(String uri, String resourceId) {
        return "{\"@odata.type\":\"#microsoft.graph.mediaPrompt\",\"mediaInfo\":{\"uri\":\"" + uri + "\""
                + (resourceId == null ? "" : ",\"resourceId\":\"" + resourceId + "\"") + "}}";
    }
}
