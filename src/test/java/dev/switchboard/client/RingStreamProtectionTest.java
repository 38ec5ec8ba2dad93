package dev.switchboard.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.RawWebSocket;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.RosterWatcher;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.switchboard.client.RosterStreamProtectionTest.HTTP;
import static dev.switchboard.client.RosterStreamProtectionTest.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The ring WebSocket against a user who never reads it while they are rung again and again: real server, real sockets. */
class RingStreamProtectionTest {
    static final Pattern OVER_BOUND = Pattern.compile("switchboard_ring_streams_closed_slow_total\\{reason=\"over_bound\"} (\\S+)");

    @Test
    void aRingStreamNeverReadIsClosedWith1008OverTheRosterByteBoundWhileTheUsersOtherStreamHearsEveryRing() throws Exception {
        try (CallbackReceiver webhook = new CallbackReceiver();
             TestServer server = TestServer.start(cfg -> cfg.withRosterStreams(RosterStreamSettings.DEFAULTS
                     .withMaxQueuedBytes(16 * 1024).withStallTimeout(Duration.ofSeconds(60))))) { // the bound, not a stall
            String aliceToken = Tokens.aliceToken(server.baseUrl());
            ClientApi alice = new ClientApi(new ServerHttp(server.baseUrl()), aliceToken);
            try (RawWebSocket neverReads = RawWebSocket.open(server.baseUrl(), "/client/v1/ring", aliceToken, 4096);
                 RosterWatcher reader = RosterWatcher.ringStream(HTTP, alice, m -> { })) {
                assertThat(neverReads.status()).isEqualTo(101);
                reader.await(m -> m.path("type").asText().equals("listening"), Duration.ofSeconds(10));
                String callId = ringAndHangUp(server, Tokens.devBotToken(server.baseUrl()), webhook.url());
                ObjectNode ringing = (ObjectNode) reader.await(m -> m.path("type").asText().equals("ringing")
                        && m.path("callId").asText().equals(callId), Duration.ofSeconds(10));
                reader.await(m -> m.path("type").asText().equals("cancelled"), Duration.ofSeconds(10));
                int heard = reader.messages().size();

                // the same ring relayed from other nodes (cluster mode) until the never-read stream's kernel buffers are
                // full and its unwritten notices pass the bound; batches the reading stream takes before the next
                RingStreams rings = server.server().ringStreams();
                int relayed = 0;
                while (overBoundClosures(server) < 1) {
                    assertThat(relayed).as("rings relayed before the never-read stream was closed").isLessThan(20_000);
                    for (int i = 0; i < 20; i++, relayed++) {
                        rings.deliver(new RingStreams.Frame(DevIdentities.TENANT_ID, DevIdentities.ALICE_ID,
                                ringing.deepCopy().put("callId", "relayed-" + relayed).toString()));
                    }
                    int expected = heard + relayed;
                    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(2))
                            .until(() -> reader.messages().size() >= expected);
                }
                System.out.println("rings relayed before the never-read ring stream was closed: " + relayed);
                assertThat(neverReads.readUntilClose(10_000)).isEqualTo(RosterFeed.SLOW_READER_CLOSE_CODE);
                assertThat(rings.open(DevIdentities.TENANT_ID, DevIdentities.ALICE_ID)).isEqualTo(1); // the reader's

                List<String> relayedIds = reader.messages().stream().skip(heard).map(m -> m.path("callId").asText()).toList();
                assertThat(relayedIds).hasSize(relayed);
                for (int i = 0; i < relayed; i++) {
                    assertThat(relayedIds.get(i)).isEqualTo("relayed-" + i);
                }
            }
        }
    }

    @Test
    void ringStreamsOverThePerUserLimitAreRefusedWith429BeforeTheUpgrade() throws Exception {
        try (TestServer server = TestServer.start(cfg -> cfg.withRosterStreams(RosterStreamSettings.DEFAULTS.withLimits(2, 1000)))) {
            String aliceToken = Tokens.aliceToken(server.baseUrl());
            List<RawWebSocket> open = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    open.add(RawWebSocket.open(server.baseUrl(), "/client/v1/ring", aliceToken, 0));
                    assertThat(open.getLast().status()).isEqualTo(101);
                }
                RawWebSocket third = RawWebSocket.open(server.baseUrl(), "/client/v1/ring", aliceToken, 0);
                open.add(third);
                assertThat(third.status()).as("a user's third ring stream over a limit of 2").isEqualTo(429);
                assertThat(third.header("Retry-After")).isEqualTo("5");
                var error = JSON.readTree(third.body()).get("error");
                assertThat(error).as("%s %s", third.headers(), third.body()).isNotNull();
                assertThat(error.get("code").asText()).isEqualTo("TooManyRequests");
                assertThat(error.get("message").asText()).contains("ring streams per user");
                assertThat(server.server().ringStreams().open(DevIdentities.TENANT_ID, DevIdentities.ALICE_ID)).isEqualTo(2);

                RawWebSocket bobs = RawWebSocket.open(server.baseUrl(), "/client/v1/ring", Tokens.bobToken(server.baseUrl()), 0);
                open.add(bobs);
                assertThat(bobs.status()).as("another user's ring stream").isEqualTo(101);

                open.removeFirst().close(); // a place frees once the server sees the socket gone
                await().atMost(Duration.ofSeconds(15)).until(() -> {
                    RawWebSocket again = RawWebSocket.open(server.baseUrl(), "/client/v1/ring", aliceToken, 0);
                    open.add(again);
                    return again.status() == 101;
                });
            } finally {
                open.forEach(RawWebSocket::close);
            }
        }
    }

    /** A bot's peer-to-peer call to Alice (it rings her), hung up at once (the ring is cancelled); its id. */
    static String ringAndHangUp(TestServer server, String botToken, String callbackUri) throws Exception {
        String body = """
                {"callbackUri":"%s","requestedModalities":["audio"],
                 "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},
                 "targets":[{"identity":{"user":{"id":"%s"}}}]}""".formatted(callbackUri, DevIdentities.ALICE_ID);
        URI calls = URI.create(server.baseUrl() + "/v1.0/communications/calls");
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(calls).header("Authorization", "Bearer " + botToken)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JSON.readTree(created.body()).get("id").asText();
        HttpResponse<String> deleted = HTTP.send(HttpRequest.newBuilder(URI.create(calls + "/" + id))
                .header("Authorization", "Bearer " + botToken).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
        return id;
    }

    static double overBoundClosures(TestServer server) throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = OVER_BOUND.matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
