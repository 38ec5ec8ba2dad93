package dev.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.RawWebSocket;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.RosterWatcher;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The roster WebSocket against a participant who tries to hurt the server: real server, real sockets. */
class RosterStreamProtectionTest {
    static final String OFFER = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final Pattern STALLED = Pattern.compile("switchboard_roster_streams_closed_slow_total\\{reason=\"stalled\"} (\\S+)");
    /**
     * The bot's webhook, listening until every test's server has stopped: a server stopping with a live call delivers
     * its last notifications here at once, where an address nobody listens on kept it retrying for its 10 s drain.
     */
    static CallbackReceiver bot;

    @BeforeAll
    static void startBot() throws Exception {
        bot = new CallbackReceiver();
    }

    @AfterAll
    static void stopBot() {
        bot.close();
    }

    /** A group call with Alice and Bob joined, as its bot sees it. */
    record Call(TestServer server, String id, String botParticipantId, String botToken, String aliceToken,
                ClientApi bob) {
        String rosterPath() {
            return "/client/v1/calls/" + id + "/roster";
        }

        void toggleMute(int i) throws Exception {
            HttpResponse<String> r = graph("POST", "/" + (i % 2 == 0 ? "mute" : "unmute"), "{\"clientContext\":\"t" + i + "\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).contains("\"status\":\"Completed\"");
        }

        long sequence() throws Exception {
            HttpResponse<String> r = graph("GET", "/participants/" + botParticipantId, null);
            return JSON.readTree(r.body()).get("rosterSequenceNumber").asLong();
        }

        HttpResponse<String> graph(String method, String path, String body) throws Exception {
            return HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1.0/communications/calls/" + id + path))
                    .header("Authorization", "Bearer " + botToken).header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    static Call call(TestServer server) throws Exception {
        String botToken = Tokens.devBotToken(server.baseUrl());
        String body = """
                {"callbackUri":"%s","requestedModalities":["audio"],
                 "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},
                 "targets":[{"identity":{"user":{"id":"%s"}}},{"identity":{"user":{"id":"%s"}}}]}"""
                .formatted(bot.url(), DevIdentities.ALICE_ID, DevIdentities.BOB_ID);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1.0/communications/calls"))
                .header("Authorization", "Bearer " + botToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode created = JSON.readTree(r.body());
        String aliceToken = Tokens.aliceToken(server.baseUrl());
        ClientApi alice = new ClientApi(new ServerHttp(server.baseUrl()), aliceToken);
        ClientApi bob = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.bobToken(server.baseUrl()));
        String callId = created.get("id").asText();
        alice.join(callId, OFFER);
        bob.join(callId, OFFER);
        return new Call(server, callId, created.get("myParticipantId").asText(), botToken, aliceToken, bob);
    }

    static double stalledClosures(TestServer server) throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = STALLED.matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    static void assertInOrderUpTo(RosterWatcher reader, long sequence) throws InterruptedException {
        reader.await(m -> m.get("rosterSequenceNumber").asLong() == sequence, Duration.ofSeconds(20));
        List<Long> seen = reader.messages().stream().map(m -> m.get("rosterSequenceNumber").asLong()).toList();
        assertThat(seen).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void streamsOverThePerUserOrPerCallLimitAreRefusedWith429BeforeTheUpgrade() throws Exception {
        try (TestServer server = TestServer.start(cfg -> cfg.withRosterStreams(RosterStreamSettings.DEFAULTS.withLimits(2, 3)))) {
            Call call = call(server);
            List<RawWebSocket> open = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                open.add(RawWebSocket.open(server.baseUrl(), call.rosterPath(), call.aliceToken(), 0));
                assertThat(open.getLast().status()).isEqualTo(101);
            }
            RawWebSocket third = RawWebSocket.open(server.baseUrl(), call.rosterPath(), call.aliceToken(), 0);
            assertThat(third.status()).isEqualTo(429);
            assertThat(third.header("Retry-After")).isEqualTo("5");
            JsonNode error = JSON.readTree(third.body()).get("error");
            assertThat(error).as("%s %s", third.headers(), third.body()).isNotNull();
            assertThat(error.get("code").asText()).isEqualTo("TooManyRequests");
            assertThat(error.get("message").asText()).contains("per user per call");
            assertThat(error.at("/innerError/request-id").asText()).isNotEmpty();

            open.add(RawWebSocket.open(server.baseUrl(), call.rosterPath(), call.bob().userToken(), 0));
            assertThat(open.getLast().status()).isEqualTo(101);
            RawWebSocket overCall = RawWebSocket.open(server.baseUrl(), call.rosterPath(), call.bob().userToken(), 0);
            assertThat(overCall.status()).isEqualTo(429);
            assertThat(JSON.readTree(overCall.body()).at("/error/message").asText()).contains("per call");

            open.removeFirst().close(); // a slot frees once the server sees the socket gone
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                RawWebSocket again = RawWebSocket.open(server.baseUrl(), call.rosterPath(), call.aliceToken(), 0);
                open.add(again);
                return again.status() == 101;
            });
            open.forEach(RawWebSocket::close);
        }
    }

    @Test
    void aReaderThatNeverReadsIsClosedWith1008WhileANormalReaderReceivesEveryChangeInOrder() throws Exception {
        try (TestServer server = TestServer.start(cfg -> cfg.withRosterStreams(
                RosterStreamSettings.DEFAULTS.withStallTimeout(Duration.ofMillis(500))))) {
            Call call = call(server);
            try (RosterWatcher reader = RosterWatcher.connect(HTTP, call.bob(), call.id(), m -> { });
                 RawWebSocket neverReads = RawWebSocket.open(server.baseUrl(), call.rosterPath(), call.aliceToken(), 4096)) {
                assertThat(neverReads.status()).isEqualTo(101);
                int changes = 0;
                // roster changes until the kernel's buffers are full and the write has stalled past the timeout
                while (stalledClosures(server) < 1) {
                    assertThat(changes).as("roster changes before the stalled reader was closed").isLessThan(5_000);
                    for (int i = 0; i < 20; i++) {
                        call.toggleMute(changes++);
                    }
                }
                System.out.println("roster changes before the never-reading socket was closed: " + changes);
                assertThat(neverReads.readUntilClose(10_000)).isEqualTo(RosterFeed.SLOW_READER_CLOSE_CODE);
                call.toggleMute(changes);
                assertInOrderUpTo(reader, call.sequence());
            }
        }
    }

    @Test
    void mutesCompleteWhileManyStreamsAreStalled() throws Exception {
        try (TestServer server = TestServer.start(cfg -> cfg.withRosterStreams(RosterStreamSettings.DEFAULTS.withLimits(500, 500)))) {
            Call call = call(server);
            List<RawWebSocket> stalled = new ArrayList<>();
            try (RosterWatcher reader = RosterWatcher.connect(HTTP, call.bob(), call.id(), m -> { })) {
                for (int i = 0; i < 100; i++) {
                    stalled.add(RawWebSocket.open(server.baseUrl(), call.rosterPath(), call.aliceToken(), 4096));
                    assertThat(stalled.getLast().status()).isEqualTo(101);
                }
                for (int i = 0; i < 200; i++) {
                    call.toggleMute(i); // each answered 200 with a completed operation
                }
                assertInOrderUpTo(reader, call.sequence());
            } finally {
                stalled.forEach(RawWebSocket::close);
            }
        }
    }
}
