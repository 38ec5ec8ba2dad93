package dev.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.RawHttp;
import dev.switchboard.testsupport.RecordingMediaEngine;
import dev.switchboard.testsupport.RecordingNotificationSink;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.RosterWatcher;
import dev.switchboard.tools.ServerHttp;
import dev.switchboard.tools.ToolException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientApiTest {
    static final String OFFER = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static RecordingMediaEngine media;
    static TestServer server;
    static String botToken;
    static String aliceToken;
    static String bobToken;
    static String carolToken;
    static CallbackReceiver bot;

    @BeforeAll
    static void start() throws Exception {
        bot = new CallbackReceiver();
        media = new RecordingMediaEngine();
        server = TestServer.start(media, new RecordingNotificationSink());
        botToken = Tokens.devBotToken(server.baseUrl());
        aliceToken = Tokens.aliceToken(server.baseUrl());
        bobToken = Tokens.bobToken(server.baseUrl());
        carolToken = Tokens.carolToken(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        server.close();
        bot.close();
    }

    static String groupCall() throws Exception {
        String body = """
                {"callbackUri":"%s","requestedModalities":["audio"],
                 "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},
                 "targets":[{"identity":{"user":{"id":"%s"}}},{"identity":{"user":{"id":"%s"}}}]}"""
                .formatted(bot.url(), DevIdentities.ALICE_ID, DevIdentities.BOB_ID);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1.0/communications/calls"))
                .header("Authorization", "Bearer " + botToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).get("id").asText();
    }

    static HttpResponse<String> graph(String method, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1.0/communications/calls/" + path))
                .header("Authorization", "Bearer " + botToken).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> joinRaw(String callId, String token, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/client/v1/calls/" + callId + "/participants"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode participant(String callId, String participantId) throws Exception {
        HttpResponse<String> r = graph("GET", callId + "/participants/" + participantId);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void joiningReturnsTheSdpAnswerAndPutsTheUserInTheRoster() throws Exception {
        String callId = groupCall();
        HttpResponse<String> r = joinRaw(callId, aliceToken, "application/sdp", OFFER);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/sdp"));
        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("/client/v1/calls/" + callId + "/participants/");
        String participantId = location.substring(location.lastIndexOf('/') + 1);
        assertThat(r.body()).isEqualTo(media.leg(participantId).sdpAnswer());
        JsonNode p = participant(callId, participantId);
        assertThat(p.at("/info/identity/user/id").asText()).isEqualTo(DevIdentities.ALICE_ID);
        assertThat(p.get("isMuted").asBoolean()).isFalse();
    }

    @Test
    void aClientUnmuteNeverLiftsTheServerMute() throws Exception {
        String callId = groupCall();
        ClientApi alice = new ClientApi(new ServerHttp(server.baseUrl()), aliceToken);
        ClientApi.Joined joined = alice.join(callId, OFFER);

        JsonNode selfMuted = alice.setMuted(joined, true);
        assertThat(selfMuted.get("isMuted").asBoolean()).isTrue();
        assertThat(selfMuted.at("/mediaStreams/0/serverMuted").asBoolean()).isFalse();
        assertThat(media.leg(joined.participantId()).clientMuted()).isTrue();

        assertThat(graph("POST", callId + "/participants/" + joined.participantId() + "/mute").statusCode()).isEqualTo(200);
        JsonNode afterUnmute = alice.setMuted(joined, false);
        assertThat(afterUnmute.get("isMuted").asBoolean()).isTrue();
        assertThat(afterUnmute.at("/mediaStreams/0/serverMuted").asBoolean()).isTrue();
        assertThat(media.leg(joined.participantId()).serverMuted()).isTrue();
        assertThat(media.leg(joined.participantId()).clientMuted()).isFalse();
    }

    @Test
    void leavingRemovesTheParticipantAndClosesItsLeg() throws Exception {
        String callId = groupCall();
        ClientApi alice = new ClientApi(new ServerHttp(server.baseUrl()), aliceToken);
        ClientApi.Joined joined = alice.join(callId, OFFER);
        alice.leave(joined);
        assertThat(graph("GET", callId + "/participants/" + joined.participantId()).statusCode()).isEqualTo(404);
        assertThatThrownBy(() -> alice.leave(joined)).isInstanceOf(ToolException.class).hasMessageContaining("404");
    }

    /**
     * GET on a join's Location reads the user's own leg, as for a call the user dialed (docs/api.md): connected while
     * it is in the call; someone else's leg is 403; an unknown participant and a leg that left are the 404 a DELETE of
     * the same path gets, worded alike.
     */
    @Test
    void theLocationOfAJoinReadsAsTheUsersOwnLeg() throws Exception {
        String callId = groupCall();
        HttpResponse<String> joined = joinRaw(callId, aliceToken, "application/sdp", OFFER);
        String location = joined.headers().firstValue("Location").orElseThrow();
        String participantId = location.substring(location.lastIndexOf('/') + 1);

        HttpResponse<String> leg = client("GET", location, aliceToken);
        assertThat(leg.statusCode()).as(leg.body()).isEqualTo(200);
        JsonNode status = JSON.readTree(leg.body());
        assertThat(status.path("callId").asText()).isEqualTo(callId);
        assertThat(status.path("participantId").asText()).isEqualTo(participantId);
        assertThat(status.path("state").asText()).isEqualTo("connected");
        assertThat(status.get("endReason").isNull()).isTrue();

        assertThat(client("GET", location, bobToken).statusCode()).as("another user's leg").isEqualTo(403);
        String unknown = "/client/v1/calls/" + callId + "/participants/no-such-participant";
        HttpResponse<String> getUnknown = client("GET", unknown, aliceToken);
        HttpResponse<String> deleteUnknown = client("DELETE", unknown, aliceToken);
        assertThat(getUnknown.statusCode()).isEqualTo(404);
        assertThat(deleteUnknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(getUnknown.body()).at("/error/message").asText())
                .isEqualTo(JSON.readTree(deleteUnknown.body()).at("/error/message").asText());

        assertThat(client("DELETE", location, aliceToken).statusCode()).isEqualTo(204);
        assertThat(client("GET", location, aliceToken).statusCode()).as("a leg that left").isEqualTo(404);
    }

    static HttpResponse<String> client(String method, String path, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).header("Authorization", "Bearer " + token)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void badJoinsGetGraphErrors() throws Exception {
        String callId = groupCall();
        assertThat(joinRaw(callId, aliceToken, "application/json", "{}").statusCode()).isEqualTo(415);
        assertThat(joinRaw(callId, aliceToken, null, OFFER).statusCode()).isEqualTo(415);
        HttpResponse<String> noToken = joinRaw(callId, null, "application/sdp", OFFER);
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(noToken.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
        HttpResponse<String> appToken = joinRaw(callId, botToken, "application/sdp", OFFER);
        assertThat(appToken.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(appToken.body()).at("/error/message").asText()).contains("user token");
        assertThat(joinRaw("no-such-call", aliceToken, "application/sdp", OFFER).statusCode()).isEqualTo(404);
        assertThat(joinRaw(callId, aliceToken, "application/sdp", "").statusCode()).isEqualTo(400);
    }

    /**
     * A refusal that needs no body (no Content-Type, no token) is answered before the body is read. The server must
     * still read the rest of it and keep the connection: if it closed with the body unread, a client still sending
     * got a reset instead of the answer (a cluster hop under load then said 503 for the owner's 415). Here the body
     * goes out in pieces while the answer is already written; every piece must be taken, the answer read, and the
     * same connection must then serve the next request.
     */
    @Test
    void aRefusalAnsweredBeforeTheBodyIsReadLetsTheClientFinishSendingAndKeepsTheConnection() throws Exception {
        String callId = groupCall();
        URI base = URI.create(server.baseUrl());
        byte[] offers = OFFER.repeat(900_000 / OFFER.length()).getBytes(StandardCharsets.UTF_8);
        byte[] json = ("{\"clientContext\":\"" + "x".repeat(900_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        String host = "Host: " + base.getAuthority() + "\r\n";
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            sendInPieces(socket, "POST /client/v1/calls/" + callId + "/participants HTTP/1.1\r\n" + host
                    + "Authorization: Bearer " + aliceToken + "\r\nContent-Length: " + offers.length + "\r\n\r\n", offers);
            RawHttp.Response noType = RawHttp.read(socket.getInputStream());
            assertThat(noType.status()).as(noType.body()).isEqualTo(415);
            sendInPieces(socket, "POST /v1.0/communications/calls/" + callId + "/mute HTTP/1.1\r\n" + host
                    + "Content-Type: application/json\r\nContent-Length: " + json.length + "\r\n\r\n", json);
            RawHttp.Response noToken = RawHttp.read(socket.getInputStream());
            assertThat(noToken.status()).as(noToken.body()).isEqualTo(401);
            sendInPieces(socket, "GET /v1.0/communications/calls/" + callId + " HTTP/1.1\r\n" + host
                    + "Authorization: Bearer " + botToken + "\r\n\r\n", new byte[0]);
            assertThat(RawHttp.read(socket.getInputStream()).status()).isEqualTo(200);
        }
    }

    /** Writes the head, then the body 16 KiB at a time with a short pause between pieces, as a busy sender does. */
    static void sendInPieces(Socket socket, String head, byte[] body) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        for (int at = 0; at < body.length; at += 16 * 1024) {
            Thread.sleep(2);
            out.write(body, at, Math.min(16 * 1024, body.length - at));
            out.flush();
        }
    }

    @Test
    void theRosterStreamShowsTheWholeRosterThenEachChangeIncludingAServerMute() throws Exception {
        String callId = groupCall();
        ClientApi alice = new ClientApi(new ServerHttp(server.baseUrl()), aliceToken);
        ClientApi bob = new ClientApi(new ServerHttp(server.baseUrl()), bobToken);
        ClientApi.Joined aliceJoined = alice.join(callId, OFFER);
        try (RosterWatcher watcher = RosterWatcher.connect(HTTP, alice, callId, m -> { })) {
            JsonNode first = watcher.await(m -> true, Duration.ofSeconds(5));
            assertThat(first.get("type").asText()).isEqualTo("roster");
            assertThat(first.get("participants").size()).isEqualTo(2); // the bot and alice
            long firstSeq = first.get("rosterSequenceNumber").asLong();

            ClientApi.Joined bobJoined = bob.join(callId, OFFER);
            watcher.await(m -> m.get("participants").size() == 3, Duration.ofSeconds(5));

            assertThat(graph("POST", callId + "/participants/" + aliceJoined.participantId() + "/mute").statusCode()).isEqualTo(200);
            JsonNode muted = watcher.await(m -> hasServerMuted(m, aliceJoined.participantId()), Duration.ofSeconds(5));
            assertThat(muted.get("rosterSequenceNumber").asLong()).isGreaterThan(firstSeq);
            assertThat(muted.get("changed").get(0).get("id").asText()).isEqualTo(aliceJoined.participantId());

            bob.leave(bobJoined);
            watcher.await(m -> m.get("participants").size() == 2, Duration.ofSeconds(5));
            long[] sequences = watcher.messages().stream().mapToLong(m -> m.get("rosterSequenceNumber").asLong()).toArray();
            assertThat(sequences).isSorted().doesNotHaveDuplicates();
        }
    }

    static boolean hasServerMuted(JsonNode message, String participantId) {
        for (JsonNode p : message.get("participants")) {
            if (p.get("id").asText().equals(participantId)) {
                return p.get("isMuted").asBoolean() && p.at("/mediaStreams/0/serverMuted").asBoolean();
            }
        }
        return false;
    }

    @Test
    void onlyParticipantsMayFollowTheRoster() throws Exception {
        String callId = groupCall();
        ClientApi carol = new ClientApi(new ServerHttp(server.baseUrl()), carolToken);
        assertThatThrownBy(() -> RosterWatcher.connect(HTTP, carol, callId, m -> { }))
                .isInstanceOf(ToolException.class).hasMessageContaining("403");
        ClientApi noToken = new ClientApi(new ServerHttp(server.baseUrl()), "garbage");
        assertThatThrownBy(() -> RosterWatcher.connect(HTTP, noToken, callId, m -> { }))
                .isInstanceOf(ToolException.class).hasMessageContaining("401");
    }

    @Test
    void aPlainGetOfTheRosterOrRingStreamSaysItIsAWebSocket() throws Exception {
        String callId = groupCall();
        for (String path : new String[] {"/client/v1/calls/" + callId + "/roster", "/client/v1/ring"}) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                    .header("Authorization", "Bearer " + aliceToken).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path + " → " + r.body()).isEqualTo(400);
            JsonNode error = JSON.readTree(r.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("BadRequest");
            assertThat(error.path("message").asText()).as("not 'the method GET is not allowed'").contains("WebSocket");
        }
    }

    @Test
    void theRosterStreamEndsWhenTheCallEnds() throws Exception {
        String callId = groupCall();
        ClientApi alice = new ClientApi(new ServerHttp(server.baseUrl()), aliceToken);
        ClientApi.Joined joined = alice.join(callId, OFFER);
        try (RosterWatcher watcher = RosterWatcher.connect(HTTP, alice, callId, m -> { })) {
            watcher.await(m -> true, Duration.ofSeconds(5));
            alice.leave(joined);
            assertThat(graph("DELETE", callId).statusCode()).isEqualTo(204);
            JsonNode ended = watcher.await(m -> "ended".equals(m.get("type").asText()), Duration.ofSeconds(5));
            assertThat(ended.get("participants").size()).isZero();
        }
    }

}
