package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.RecordingMediaEngine;
import dev.switchboard.testsupport.RecordingNotificationSink;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What the SDK cannot send: bad JSON, wrong content types, huge bodies, wrong methods, raw headers. */
class GraphCallsHttpTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final RecordingMediaEngine media = new RecordingMediaEngine();
    static final RecordingNotificationSink sink = new RecordingNotificationSink();
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static TestServer server;
    static String token;

    static final String GROUP_CALL = """
            {"@odata.type":"#microsoft.graph.call","callbackUri":"http://127.0.0.1:9/cb",
             "requestedModalities":["audio"],
             "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig","preFetchMedia":[]},
             "targets":[{"identity":{"user":{"id":"%s"}}},{"identity":{"user":{"id":"%s"}}}],
             "futureProperty":{"anything":[1,2,3]}}
            """.formatted(DevIdentities.ALICE_ID, DevIdentities.BOB_ID);

    @BeforeAll
    static void start() {
        server = TestServer.start(media, sink);
        token = Tokens.devBotToken(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).header("Authorization", "Bearer " + token);
    }

    static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        HttpRequest.Builder b = request(path).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b);
    }

    static JsonNode createCall() throws Exception {
        HttpResponse<String> r = post("/v1.0/communications/calls", "application/json", GROUP_CALL);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body());
    }

    static JsonNode graphError(HttpResponse<String> r, int status, String code) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(r.headers().firstValue("request-id")).isPresent();
        assertThat(r.headers().firstValue("client-request-id")).isPresent();
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.at("/innerError/request-id").asText()).isEqualTo(r.headers().firstValue("request-id").orElseThrow());
        return error;
    }

    @Test
    void createAnswers201WithAnAbsoluteLocationAndIgnoresUnknownProperties() throws Exception {
        HttpResponse<String> r = post("/v1.0/communications/calls", "application/json", GROUP_CALL);
        assertThat(r.statusCode()).isEqualTo(201);
        JsonNode call = JSON.readTree(r.body());
        assertThat(r.headers().firstValue("Location")).hasValue(server.baseUrl() + "/v1.0/communications/calls/" + call.get("id").asText());
        assertThat(call.get("state").asText()).isEqualTo("establishing");
        assertThat(call.at("/source/identity/application/id").asText()).isEqualTo(DevIdentities.DEV_BOT_APP_ID);
        assertThat(call.has("futureProperty")).isFalse();
        assertThat(call.at("/meetingInfo/joinMeetingId").asText()).matches("\\d{10}");
    }

    @Test
    void anEmptyActionBodyWithOrWithoutContentTypeIsAMuteWithoutClientContext() throws Exception {
        String callId = createCall().get("id").asText();
        for (String type : new String[] {null, "application/json", "text/plain"}) {
            HttpResponse<String> r = post("/v1.0/communications/calls/" + callId + "/mute", type, "");
            assertThat(r.statusCode()).as("content type %s: %s", type, r.body()).isEqualTo(200);
            JsonNode op = JSON.readTree(r.body());
            assertThat(op.get("status").asText()).isEqualTo("Completed");
            assertThat(op.get("clientContext").isNull()).isTrue();
            assertThat(op.get("@odata.type").asText()).isEqualTo("#microsoft.graph.muteParticipantOperation");
        }
    }

    @Test
    void malformedJsonIs400AndNothingChanges() throws Exception {
        JsonNode call = createCall();
        String callId = call.get("id").asText();
        JsonNode error = graphError(post("/v1.0/communications/calls/" + callId + "/mute", "application/json", "{\"clientContext\":"),
                400, "BadRequest");
        assertThat(error.get("message").asText()).contains("not valid JSON");
        graphError(post("/v1.0/communications/calls/" + callId + "/mute", "application/json", "[1,2]"), 400, "BadRequest");
        graphError(post("/v1.0/communications/calls/" + callId + "/mute", "application/json", "{\"clientContext\":42}"),
                400, "BadRequest");
        graphError(post("/v1.0/communications/calls", "application/json", "{not json"), 400, "BadRequest");
        assertThat(media.leg(call.get("myParticipantId").asText()).serverMuted()).isFalse();
    }

    @Test
    void aNonJsonBodyIs415() throws Exception {
        String callId = createCall().get("id").asText();
        String body = "{\"clientContext\":\"c\"}";
        JsonNode e = graphError(post("/v1.0/communications/calls/" + callId + "/mute", "text/plain", body), 415, "UnsupportedMediaType");
        assertThat(e.get("message").asText()).contains("application/json");
        graphError(post("/v1.0/communications/calls/" + callId + "/mute", null, body), 415, "UnsupportedMediaType");
        graphError(post("/v1.0/communications/calls", "application/xml", GROUP_CALL), 415, "UnsupportedMediaType");
        // parameters on the media type are fine
        assertThat(post("/v1.0/communications/calls/" + callId + "/mute", "application/json; charset=utf-8", body).statusCode()).isEqualTo(200);
    }

    @Test
    void aBodyOverTheLimitIs413InGraphShape() throws Exception {
        String callId = createCall().get("id").asText();
        String huge = "{\"clientContext\":\"" + "x".repeat(1024 * 1024 + 10) + "\"}";
        // Expect: 100-continue, as a client sending a large body should: the server refuses on the declared length
        // before the body is sent. Without it a loaded machine may see the connection reset while the client is still
        // writing the megabyte the server will never read, instead of the 413 (TCP RST after an early answer).
        for (String path : new String[] {"/v1.0/communications/calls/" + callId + "/mute", "/v1.0/communications/calls"}) {
            graphError(send(request(path).expectContinue(true).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(huge))), 413, "RequestEntityTooLarge");
        }
    }

    @Test
    void aChunkedBodyOverTheLimitIs413Too() throws Exception {
        String callId = createCall().get("id").asText();
        var big = java.util.stream.Stream.generate(() -> "x".repeat(64 * 1024).getBytes(StandardCharsets.UTF_8)).limit(20).iterator();
        HttpResponse<String> r = send(request("/v1.0/communications/calls/" + callId + "/mute")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofByteArrays(() -> big))));
        graphError(r, 413, "RequestEntityTooLarge");
    }

    @Test
    void wrongMethodsAre405() throws Exception {
        String callId = createCall().get("id").asText();
        graphError(send(request("/v1.0/communications/calls/" + callId).PUT(HttpRequest.BodyPublishers.noBody())), 405, "MethodNotAllowed");
        graphError(send(request("/v1.0/communications/calls/" + callId + "/mute").GET()), 405, "MethodNotAllowed");
        graphError(send(request("/v1.0/communications/calls/" + callId + "/operations/x").DELETE()), 405, "MethodNotAllowed");
    }

    @Test
    void missingOrUnknownTypedFieldsAre400NamingThem() throws Exception {
        String noType = GROUP_CALL.replace("\"@odata.type\":\"#microsoft.graph.serviceHostedMediaConfig\",", "");
        assertThat(graphError(post("/v1.0/communications/calls", "application/json", noType), 400, "BadRequest")
                .get("message").asText()).contains("mediaConfig", "@odata.type");
        String unknownType = GROUP_CALL.replace("serviceHostedMediaConfig", "holographicMediaConfig");
        assertThat(graphError(post("/v1.0/communications/calls", "application/json", unknownType), 400, "BadRequest")
                .get("message").asText()).contains("mediaConfig");
        String appHostedNoBlob = GROUP_CALL.replace("serviceHostedMediaConfig", "appHostedMediaConfig");
        assertThat(graphError(post("/v1.0/communications/calls", "application/json", appHostedNoBlob), 400, "BadRequest")
                .get("message").asText()).contains("mediaConfig.blob");
        String badCallback = GROUP_CALL.replace("http://127.0.0.1:9/cb", "ftp://bot.example/cb");
        assertThat(graphError(post("/v1.0/communications/calls", "application/json", badCallback), 400, "BadRequest")
                .get("message").asText()).contains("callbackUri");
        String relativeCallback = GROUP_CALL.replace("http://127.0.0.1:9/cb", "/cb");
        graphError(post("/v1.0/communications/calls", "application/json", relativeCallback), 400, "BadRequest");
        String modalityNumber = GROUP_CALL.replace("[\"audio\"]", "[1]");
        assertThat(graphError(post("/v1.0/communications/calls", "application/json", modalityNumber), 400, "BadRequest")
                .get("message").asText()).contains("requestedModalities");
        String callbackNumber = GROUP_CALL.replace("\"http://127.0.0.1:9/cb\"", "7");
        assertThat(graphError(post("/v1.0/communications/calls", "application/json", callbackNumber), 400, "BadRequest")
                .get("message").asText()).contains("callbackUri");
        String noTargets = GROUP_CALL.replace("\"targets\":[{\"identity\":{\"user\":{\"id\":\"%s\"}}},{\"identity\":{\"user\":{\"id\":\"%s\"}}}],"
                .formatted(DevIdentities.ALICE_ID, DevIdentities.BOB_ID), "");
        assertThat(noTargets).doesNotContain("targets");
        assertThat(graphError(post("/v1.0/communications/calls", "application/json", noTargets), 400, "BadRequest")
                .get("message").asText()).contains("targets");
        String phoneTarget = GROUP_CALL.replace("{\"user\":{\"id\":\"" + DevIdentities.ALICE_ID + "\"}}", "{\"phone\":{\"id\":\"+123\"}}");
        graphError(post("/v1.0/communications/calls", "application/json", phoneTarget), 400, "BadRequest");
        String wrongTenant = GROUP_CALL.replace("\"futureProperty\"", "\"tenantId\":\"" + DevIdentities.OTHER_TENANT_ID + "\",\"x\"");
        graphError(post("/v1.0/communications/calls", "application/json", wrongTenant), 403, "Forbidden");
        String badOptions = GROUP_CALL.replace("\"futureProperty\"", "\"callOptions\":{\"@odata.type\":\"#microsoft.graph.weirdOptions\"},\"x\"");
        assertThat(graphError(post("/v1.0/communications/calls", "application/json", badOptions), 400, "BadRequest")
                .get("message").asText()).contains("callOptions");
        graphError(post("/v1.0/communications/calls", "application/json", ""), 400, "BadRequest");
    }

    @Test
    void callbackUrisThatWouldForgeRequestsAreRefusedAtCreation() throws Exception {
        int live = server.server().calls().liveCalls();
        for (String uri : new String[] {"https://10.1.2.3/cb", "https://169.254.169.254/latest/meta-data",
                "http://93.184.216.34/cb", "https://user:pw@127.0.0.1/cb"}) {
            String body = GROUP_CALL.replace("http://127.0.0.1:9/cb", uri);
            JsonNode e = graphError(post("/v1.0/communications/calls", "application/json", body), 400, "BadRequest");
            assertThat(e.get("message").asText()).as(uri).containsIgnoringCase("callbackUri");
        }
        assertThat(server.server().calls().liveCalls()).isEqualTo(live);
    }

    @Test
    void meetingInfoOdataTypeIsHonoured() throws Exception {
        String join = """
                {"callbackUri":"http://127.0.0.1:9/cb","requestedModalities":["audio"],
                 "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},
                 "meetingInfo":{"@odata.type":"#microsoft.graph.joinMeetingIdMeetingInfo","joinMeetingId":"%s","passcode":null},
                 "tenantId":"%s"}""";
        HttpResponse<String> r = post("/v1.0/communications/calls", "application/json", join.formatted("555123", DevIdentities.TENANT_ID));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(JSON.readTree(r.body()).at("/meetingInfo/joinMeetingId").asText()).isEqualTo("555123");
        String organizerWithoutChat = """
                {"callbackUri":"http://127.0.0.1:9/cb","requestedModalities":["audio"],
                 "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},
                 "meetingInfo":{"@odata.type":"#microsoft.graph.organizerMeetingInfo","organizer":{"user":{"id":"u"}}}}""";
        assertThat(graphError(post("/v1.0/communications/calls", "application/json", organizerWithoutChat), 400, "BadRequest")
                .get("message").asText()).contains("chatInfo");
        String unknownMeeting = join.formatted("1", DevIdentities.TENANT_ID).replace("joinMeetingIdMeetingInfo", "secretMeetingInfo");
        graphError(post("/v1.0/communications/calls", "application/json", unknownMeeting), 400, "BadRequest");
    }

    @Test
    void theDeprecatedAppCallsAliasAndAnyPathCasingWork() throws Exception {
        String callId = createCall().get("id").asText();
        assertThat(send(request("/v1.0/app/calls/" + callId).GET()).statusCode()).isEqualTo(200);
        assertThat(post("/v1.0/app/calls/" + callId + "/keepalive", null, "").statusCode()).isEqualTo(200);
        assertThat(post("/v1.0/communications/calls/" + callId + "/keepAlive", null, "").statusCode()).isEqualTo(200);
        HttpResponse<String> mute = post("/v1.0/app/calls/" + callId + "/MUTE", null, "");
        assertThat(mute.statusCode()).isEqualTo(200);
        // the Location is canonical, on the base the client used
        assertThat(mute.headers().firstValue("Location").orElseThrow())
                .startsWith(server.baseUrl() + "/v1.0/communications/calls/" + callId + "/operations/");
        assertThat(post("/v1.0/app/calls", "application/json", GROUP_CALL).statusCode()).isEqualTo(201);
    }

    @Test
    void locationFollowsTheHostTheClientUsed() throws Exception {
        String callId = createCall().get("id").asText();
        String raw = "POST /v1.0/communications/calls/" + callId + "/mute HTTP/1.1\r\nHost: localhost:" + server.server().port()
                + "\r\nAuthorization: Bearer " + token + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        try (Socket s = new Socket("127.0.0.1", server.server().port())) {
            OutputStream out = s.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 200");
            assertThat(response).containsIgnoringCase("Location: http://localhost:" + server.server().port()
                    + "/v1.0/communications/calls/" + callId + "/operations/");
        }
    }

    @Test
    void tokensAreRequiredAndUserTokensRefused() throws Exception {
        String callId = createCall().get("id").asText();
        HttpResponse<String> none = send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1.0/communications/calls/" + callId)).GET());
        graphError(none, 401, "InvalidAuthenticationToken");
        HttpResponse<String> user = send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1.0/communications/calls/" + callId))
                .header("Authorization", "Bearer " + Tokens.aliceToken(server.baseUrl())).GET());
        graphError(user, 403, "Forbidden");
    }

    @Test
    void concurrentMutesAndUnmutesOverHttpGiveOneRosterUpdatePerChangeWithUniqueSequenceNumbers() throws Exception {
        String body = GROUP_CALL.replace("\"futureProperty\"", "\"callOptions\":{\"isDeltaRosterEnabled\":true},\"x\"");
        HttpResponse<String> created = post("/v1.0/communications/calls", "application/json", body);
        String callId = JSON.readTree(created.body()).get("id").asText();
        java.util.List<String> pids = new java.util.ArrayList<>();
        for (String user : new String[] {DevIdentities.ALICE_ID, DevIdentities.BOB_ID, DevIdentities.CAROL_ID}) {
            pids.add(server.server().calls().participants().join(callId, dev.switchboard.core.Caller.user(DevIdentities.TENANT_ID,
                    DevIdentities.DEV_BOT_APP_ID, user, user), "v=0", java.net.InetAddress.getLoopbackAddress()).participantId());
        }
        int before = sink.of(callId, dev.switchboard.notify.NotificationKind.ROSTER).size();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        java.util.List<CompletableFuture<Integer>> statuses = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String pid = pids.get(i % pids.size());
            String action = (i / 3) % 2 == 0 ? "mute" : "unmute";
            statuses.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return post("/v1.0/communications/calls/" + callId + "/participants/" + pid + "/" + action, null, "").statusCode();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, pool));
        }
        for (CompletableFuture<Integer> f : statuses) {
            assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(200);
        }
        pool.shutdown();
        java.util.List<Long> sequences = sink.of(callId, dev.switchboard.notify.NotificationKind.ROSTER).stream().skip(before)
                .map(n -> n.commsNotification().at("/resourceData/0/rosterSequenceNumber").asLong()).toList();
        assertThat(sequences).isNotEmpty().doesNotHaveDuplicates().isSorted();
        // each roster update is a real change: consecutive updates of one participant alternate muted/unmuted
        java.util.Map<String, Boolean> last = new java.util.HashMap<>();
        for (var n : sink.of(callId, dev.switchboard.notify.NotificationKind.ROSTER).stream().skip(before).toList()) {
            JsonNode p = n.commsNotification().at("/resourceData/0");
            Boolean previous = last.put(p.get("id").asText(), p.at("/mediaStreams/0/serverMuted").asBoolean());
            assertThat(previous).isNotEqualTo(p.at("/mediaStreams/0/serverMuted").asBoolean());
        }
        for (String pid : pids) {
            var view = server.server().calls().bots().participant(callId, pid, dev.switchboard.core.Caller.app(DevIdentities.TENANT_ID,
                    DevIdentities.DEV_BOT_APP_ID));
            assertThat(media.leg(pid).serverMuted()).isEqualTo(view.serverMuted());
        }
    }

    @Test
    void theLegIsToldBeforeTheMuteIsAnswered() throws Exception {
        JsonNode call = createCall();
        String callId = call.get("id").asText();
        CountDownLatch entered = media.closeMuteGate();
        try {
            CompletableFuture<HttpResponse<String>> answer = http.sendAsync(request("/v1.0/communications/calls/" + callId + "/mute")
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            // the leg is being told and has not returned: no answer may exist yet
            Thread.sleep(200);
            assertThat(answer).isNotDone();
            media.openMuteGate();
            assertThat(answer.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(media.leg(call.get("myParticipantId").asText()).serverMuted()).isTrue();
        } finally {
            media.openMuteGate();
        }
    }
}
