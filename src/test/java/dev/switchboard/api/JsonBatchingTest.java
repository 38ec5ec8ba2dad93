package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.microsoft.graph.communications.calls.item.mute.MutePostRequestBody;
import com.microsoft.graph.communications.calls.item.unmute.UnmutePostRequestBody;
import com.microsoft.graph.core.content.BatchRequestContent;
import com.microsoft.graph.core.content.BatchResponseContent;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.MuteParticipantOperation;
import com.microsoft.graph.models.OperationStatus;
import com.microsoft.graph.models.ParticipantCollectionResponse;
import com.microsoft.graph.models.UnmuteParticipantOperation;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.server.HttpsSettings;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.testsupport.LocalTls;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JSON batching ({@code POST /v1.0/$batch}, docs/api.md#json-batching): the official Java SDK's batch content against
 * the real server, dependencies, the URLs in answers over http and https, and every malformed batch refused whole.
 */
class JsonBatchingTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** A live bot endpoint: calls left at the end are announced to it, so the server stops without waiting. */
    static CallbackReceiver receiver;
    static String CALLBACK;
    static TestServer server;
    static String token;
    static GraphServiceClient bot;
    static HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws java.io.IOException {
        receiver = new CallbackReceiver();
        CALLBACK = receiver.url();
        server = TestServer.start(cfg -> cfg.withHttps(new HttpsSettings(0, null, null, List.of())));
        token = Tokens.devBotToken(server.baseUrl());
        bot = GraphSdk.client(server.baseUrl(), token);
    }

    @AfterAll
    static void stop() {
        server.close();
        receiver.close();
    }

    static Call groupCall() {
        return bot.communications().calls().post(GraphSdk.call(CALLBACK, DevIdentities.ALICE_ID, DevIdentities.BOB_ID));
    }

    @Test
    void theSdksBatchMutesReadsAndUnmutesInOrderAndEachAnswerParsesIntoTheSdksTypes() throws Exception {
        Call call = groupCall();
        var calls = bot.communications().calls().byCallId(call.getId());
        MutePostRequestBody mute = new MutePostRequestBody();
        mute.setClientContext("batched-mute");
        UnmutePostRequestBody unmute = new UnmutePostRequestBody();
        unmute.setClientContext("batched-unmute");

        BatchRequestContent batch = new BatchRequestContent(bot);
        String muteId = batch.addBatchRequestStep(calls.mute().toPostRequestInformation(mute));
        String listId = batch.addBatchRequestStep(calls.participants().toGetRequestInformation());
        String unmuteId = batch.addBatchRequestStep(calls.unmute().toPostRequestInformation(unmute));
        String getId = batch.addBatchRequestStep(calls.toGetRequestInformation());
        batch.getBatchRequestSteps().get(listId).addDependsOnId(muteId);
        batch.getBatchRequestSteps().get(unmuteId).addDependsOnId(listId);

        BatchResponseContent answer = bot.getBatchRequestBuilder().post(batch, null);

        assertThat(answer.getResponsesStatusCode()).containsOnlyKeys(muteId, listId, unmuteId, getId)
                .containsValues(200);
        MuteParticipantOperation muted = answer.getResponseById(muteId, MuteParticipantOperation::createFromDiscriminatorValue);
        assertThat(muted.getClientContext()).isEqualTo("batched-mute");
        assertThat(muted.getStatus()).isEqualTo(OperationStatus.Completed);
        // the list ran after the mute and before the unmute: the bot's own participant is muted in it
        ParticipantCollectionResponse list = answer.getResponseById(listId, ParticipantCollectionResponse::createFromDiscriminatorValue);
        assertThat(list.getValue()).anySatisfy(p -> {
            assertThat(p.getInfo().getIdentity().getApplication().getId()).isEqualTo(DevIdentities.DEV_BOT_APP_ID);
            assertThat(p.getIsMuted()).isTrue();
        });
        UnmuteParticipantOperation unmuted = answer.getResponseById(unmuteId, UnmuteParticipantOperation::createFromDiscriminatorValue);
        assertThat(unmuted.getClientContext()).isEqualTo("batched-unmute");
        Call read = answer.getResponseById(getId, Call::createFromDiscriminatorValue);
        assertThat(read.getId()).isEqualTo(call.getId());
        // and the call itself ends unmuted, as the last step left it
        assertThat(bot.communications().calls().byCallId(call.getId()).participants().get().getValue())
                .anySatisfy(p -> assertThat(p.getIsMuted()).isFalse());
    }

    @Test
    void aFailedRequestStopsThoseThatDependOnItAndOnlyThose() throws Exception {
        Call call = groupCall();
        String batch = """
                {"requests":[
                 {"id":"gone","method":"POST","url":"/communications/calls/no-such-call/mute",
                  "headers":{"Content-Type":"application/json"},"body":{"clientContext":"x"}},
                 {"id":"after","method":"GET","url":"/communications/calls/%1$s","dependsOn":["gone"]},
                 {"id":"after-after","method":"GET","url":"/communications/calls/%1$s","dependsOn":["after"]},
                 {"id":"alone","method":"GET","url":"communications/calls/%1$s"}]}""".formatted(call.getId());
        Map<String, JsonNode> byId = responses(post(server.baseUrl(), batch, token));
        assertThat(byId.get("gone").get("status").asInt()).isEqualTo(404);
        assertThat(byId.get("gone").at("/body/error/code").asText()).isEqualTo("itemNotFound");
        assertThat(byId.get("after").get("status").asInt()).isEqualTo(424);
        assertThat(byId.get("after").at("/body/error/code").asText()).isEqualTo("FailedDependency");
        assertThat(byId.get("after").at("/body/error/message").asText()).contains("'gone'").contains("404");
        assertThat(byId.get("after").at("/body/error/innerError/request-id").asText()).isNotBlank();
        assertThat(byId.get("after-after").get("status").asInt()).isEqualTo(424);
        assertThat(byId.get("alone").get("status").asInt()).isEqualTo(200);
        assertThat(byId.get("alone").at("/body/id").asText()).isEqualTo(call.getId());
    }

    @Test
    void aCallCreatedInABatchHasTheLocationOfTheSchemeAndHostTheClientUsed() throws Exception {
        String create = """
                {"requests":[{"id":"1","method":"POST","url":"/communications/calls",
                  "headers":{"Content-Type":"application/json"},
                  "body":{"callbackUri":"%s","requestedModalities":["audio"],
                   "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},
                   "targets":[{"identity":{"user":{"id":"%s"}}},{"identity":{"user":{"id":"%s"}}}]}}]}"""
                .formatted(CALLBACK, DevIdentities.ALICE_ID, DevIdentities.BOB_ID);
        String httpsBase = "https://localhost:" + server.server().httpsPort();
        HttpClient https = LocalTls.client(server.dataDir());
        for (String base : List.of(server.baseUrl(), httpsBase, "http://localhost:" + server.server().port())) {
            HttpClient client = base.startsWith("https") ? https : http;
            JsonNode one = responses(send(client, base, create, token)).get("1");
            assertThat(one.get("status").asInt()).as(base).isEqualTo(201);
            String id = one.at("/body/id").asText();
            assertThat(one.at("/headers/Location").asText()).as(base)
                    .isEqualTo(base + "/v1.0/communications/calls/" + id);
            // the Location works as it reads
            HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create(one.at("/headers/Location").asText()))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).as(get.body()).isEqualTo(200);
        }
    }

    @Test
    void eachRequestRunsAsTheBatchsAppWhateverTokenItCarriesAndSeesOnlyThatAppsCalls() throws Exception {
        Call mine = groupCall();
        String other = Tokens.otherTenantBotToken(server.baseUrl());
        String batch = """
                {"requests":[{"id":"1","method":"GET","url":"/communications/calls/%s",
                  "headers":{"Authorization":"Bearer %s"}}]}""".formatted(mine.getId(), token);
        JsonNode one = responses(post(server.baseUrl(), batch, other)).get("1");
        assertThat(one.get("status").asInt()).isEqualTo(404); // as the other tenant's bot alone gets it
        assertThat(one.at("/body/error/code").asText()).isEqualTo("itemNotFound");
    }

    @Test
    void aBatchWithoutAValidAppTokenRunsNothing() throws Exception {
        int before = server.server().calls().liveCalls();
        String create = """
                {"requests":[{"id":"1","method":"POST","url":"/communications/calls",
                  "headers":{"Content-Type":"application/json"},"body":{"callbackUri":"%s"}}]}""".formatted(CALLBACK);
        HttpResponse<String> none = send(http, server.baseUrl(), create, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(none.body()).at("/error/code").asText()).isEqualTo("InvalidAuthenticationToken");
        HttpResponse<String> user = send(http, server.baseUrl(), create, Tokens.aliceToken(server.baseUrl()));
        assertThat(user.statusCode()).isEqualTo(403);
        assertThat(server.server().calls().liveCalls()).isEqualTo(before);
    }

    @Test
    void aMalformedBatchIsRefusedWholeWithAMessageNamingTheRequest() throws Exception {
        String get = "{\"id\":\"%s\",\"method\":\"GET\",\"url\":\"/communications/calls/x\"}";
        StringBuilder twentyOne = new StringBuilder("{\"requests\":[");
        for (int i = 1; i <= 21; i++) {
            twentyOne.append(i > 1 ? "," : "").append(get.formatted(i));
        }
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{}", "'requests'");
        cases.put("{\"requests\":[]}", "1 to 20");
        cases.put(twentyOne + "]}", "this one has 21");
        cases.put("{\"requests\":[" + get.formatted("a") + "," + get.formatted("A") + "]}", "more than once");
        cases.put("{\"requests\":[{\"method\":\"GET\",\"url\":\"/x\"}]}", "Request 1 of the batch needs an 'id'");
        cases.put("{\"requests\":[{\"id\":\"m\",\"method\":\"TRACE\",\"url\":\"/x\"}]}", "'m'");
        cases.put("{\"requests\":[{\"id\":\"u\",\"method\":\"GET\"}]}", "needs a 'url'");
        cases.put("{\"requests\":[{\"id\":\"abs\",\"method\":\"GET\",\"url\":\"http://127.0.0.1:1/v1.0/x\"}]}", "absolute");
        cases.put("{\"requests\":[{\"id\":\"dots\",\"method\":\"GET\",\"url\":\"/communications/../../admin/api/calls\"}]}", "dot segments");
        cases.put("{\"requests\":[{\"id\":\"enc\",\"method\":\"GET\",\"url\":\"/communications/%2e%2e/%2e%2e/metrics\"}]}", "dot segments");
        cases.put("{\"requests\":[{\"id\":\"sp\",\"method\":\"GET\",\"url\":\"/x HTTP/1.1\\r\\nHost: evil\"}]}", "spaces");
        cases.put("{\"requests\":[{\"id\":\"nest\",\"method\":\"POST\",\"url\":\"/$batch\"}]}", "nested");
        cases.put("{\"requests\":[{\"id\":\"nest2\",\"method\":\"POST\",\"url\":\"/%24B%61tch\"}]}", "nested");
        cases.put("{\"requests\":[{\"id\":\"semi\",\"method\":\"GET\",\"url\":\"/communications/..;/..;/metrics\"}]}", "';'");
        cases.put("{\"requests\":[{\"id\":\"pct\",\"method\":\"GET\",\"url\":\"/communications/calls/%zz\"}]}", "percent-escape");
        cases.put("{\"requests\":[{\"id\":\"h\",\"method\":\"GET\",\"url\":\"/x\",\"headers\":{\"X-A\":\"1\\r\\nX-B: 2\"}}]}", "header 'X-A'");
        cases.put("{\"requests\":[{\"id\":\"ct\",\"method\":\"POST\",\"url\":\"/x\",\"body\":{}}]}", "no Content-Type");
        cases.put("{\"requests\":[{\"id\":\"b64\",\"method\":\"POST\",\"url\":\"/x\",\"headers\":{\"Content-Type\":\"application/json\"},\"body\":\"***\"}]}", "not base64");
        cases.put("{\"requests\":[{\"id\":\"d\",\"method\":\"GET\",\"url\":\"/x\",\"dependsOn\":[\"nope\"]}]}", "'nope'");
        cases.put("{\"requests\":[{\"id\":\"s\",\"method\":\"GET\",\"url\":\"/x\",\"dependsOn\":[\"s\"]}]}", "itself");
        cases.put("{\"requests\":[{\"id\":\"p\",\"method\":\"GET\",\"url\":\"/x\",\"dependsOn\":[\"q\"]},"
                + "{\"id\":\"q\",\"method\":\"GET\",\"url\":\"/x\",\"dependsOn\":[\"p\"]}]}", "cycle");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<String> r = post(server.baseUrl(), c.getKey(), token);
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
            JsonNode error = JSON.readTree(r.body()).get("error");
            assertThat(error.get("code").asText()).as(c.getKey()).isEqualTo("BadRequest");
            assertThat(error.get("message").asText()).as(c.getKey()).contains(c.getValue());
            assertThat(error.at("/innerError/request-id").asText()).isNotBlank();
        }
        HttpResponse<String> marked = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1.0/$batch"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header(BatchHandler.STEP_HEADER, "1").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"requests\":[" + get.formatted("1") + "]}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(marked.statusCode()).as("a batch reached as a batch's request, however spelled").isEqualTo(400);
        assertThat(marked.body()).contains("cannot be nested");
        HttpResponse<String> notJson = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1.0/$batch"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("requests")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(notJson.statusCode()).isEqualTo(415);
    }

    @Test
    void aRequestWithTheWholePathAsClientsThatStripOnlyTheHostSendItRunsToo() throws Exception {
        Call call = groupCall();
        String batch = """
                {"requests":[{"id":"1","method":"GET","url":"/v1.0/communications/calls/%s"}]}""".formatted(call.getId());
        JsonNode one = responses(post(server.baseUrl(), batch, token)).get("1");
        assertThat(one.get("status").asInt()).isEqualTo(200);
        assertThat(one.at("/body/id").asText()).isEqualTo(call.getId());
        assertThat(one.at("/headers/Content-Type").asText()).startsWith("application/json");
        assertThat(one.at("/headers/request-id").asText()).isNotBlank();
    }

    @Test
    void twentyRequestsAtOnceAreAllAnsweredWholeAndNoneOfThemFailsOnTheServer() throws Exception {
        Call call = groupCall();
        StringBuilder batch = new StringBuilder("{\"requests\":[");
        for (int i = 1; i <= 20; i++) {
            String step = i % 2 == 0
                    ? "{\"id\":\"%d\",\"method\":\"GET\",\"url\":\"/communications/calls/%s/participants\"}"
                    : "{\"id\":\"%d\",\"method\":\"POST\",\"url\":\"/communications/calls/%s/keepAlive\"}";
            batch.append(i > 1 ? "," : "").append(step.formatted(i, call.getId()));
        }
        String body = batch.append("]}").toString();
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        InputFuzzTest.root().addAppender(logs);
        try {
            for (int round = 0; round < 15; round++) {
                Map<String, JsonNode> byId = responses(post(server.baseUrl(), body, token));
                assertThat(byId).hasSize(20);
                byId.forEach((id, r) -> {
                    assertThat(r.get("status").asInt()).as(id).isEqualTo(200);
                    if (Integer.parseInt(id) % 2 == 0) {
                        assertThat(r.at("/body/value").size()).as(id).isPositive();
                    }
                });
            }
            // an exchange is closed by the server once its write completed, never under a write still finishing
            assertThat(logs.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR));
        } finally {
            InputFuzzTest.root().detachAppender(logs);
        }
    }

    @Test
    void aForwardedIpv6ClientAddressInBracketsIsStillAnAddress() {
        // Jetty gives a forwarded IPv6 client address (a batch's requests carry the batch's) in brackets
        assertThat(GraphRequests.ipLiteral("[2001:db8::5]")).isEqualTo(GraphRequests.ipLiteral("2001:db8::5")).isNotNull();
        assertThat(GraphRequests.ipLiteral("[]")).isNull();
        assertThat(GraphRequests.ipLiteral("[example.org]")).isNull();
    }

    static Map<String, JsonNode> responses(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        ArrayNode all = (ArrayNode) JSON.readTree(r.body()).get("responses");
        Map<String, JsonNode> byId = new HashMap<>();
        all.forEach(n -> byId.put(n.get("id").asText(), n));
        return byId;
    }

    static HttpResponse<String> post(String base, String body, String bearer) throws Exception {
        return send(http, base, body, bearer);
    }

    static HttpResponse<String> send(HttpClient client, String base, String body, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/v1.0/$batch")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
