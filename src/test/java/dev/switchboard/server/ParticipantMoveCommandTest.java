package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.Cli;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code switchboard participant} follows a consultative transfer: alice's terminal participant is in the bot's call A;
 * the bot transfers its call B (with bob) to her, replacing A. The command prints the move, goes on in call B on the
 * same media (bob hears her softphone's packets keep coming) and leaves call B at the end, not A. It follows a transfer
 * out of a group call the same way.
 */
class ParticipantMoveCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theTerminalParticipantFollowsItsMoveIntoAnotherCall() throws Exception {
        try (CallbackReceiver bot = new CallbackReceiver();
             TestServer server = TestServer.start();
             RtpPeer bob = new RtpPeer("127.0.0.1")) {
            String token = Tokens.devBotToken(server.baseUrl());
            String a = create(server, token, bot.url(), DevIdentities.ALICE_ID);
            CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() -> Cli.run(Main::commandLine,
                    "participant", "--call", a, "--user", "alice", "--tone", "650", "--duration", "12s", "--url", server.baseUrl()));
            await().atMost(Duration.ofSeconds(30)).until(() -> participants(server, token, a) >= 2
                    && server.server().metrics().get("switchboard.roster.streams").gauge().value() >= 1); // it watches A

            String b = create(server, token, bot.url(), DevIdentities.BOB_ID);
            ClientApi bobApi = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.bobToken(server.baseUrl()));
            ClientApi.Joined bobLeg = bobApi.join(b, bob.offer("sendrecv"));
            bob.sendReceiverReport(Integer.parseInt(bobLeg.sdpAnswer().replaceAll("(?s).*m=audio (\\d+) .*", "$1")));
            HttpResponse<String> transfer = send(server, token, "POST", "/" + b + "/transfer",
                    "{\"transferTarget\":{\"identity\":{\"user\":{\"id\":\"" + DevIdentities.ALICE_ID + "\"}},"
                            + "\"replacesCallId\":\"" + a + "\"}}");
            assertThat(transfer.statusCode()).as(transfer.body()).isEqualTo(202);
            bob.drain();
            await().atMost(Duration.ofSeconds(10)).until(() -> { // her softphone's tone reaches bob on the same media
                RtpPeer.Packet p = bob.receive(200);
                return p != null && p.pcmuLevelDbfs(650) > -30;
            });

            Cli.Result r = run.get(60, TimeUnit.SECONDS);
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("moved to call " + b).contains("left the call").doesNotContain("leaving:");
            assertThat(r.out().indexOf("moved to call " + b)).isLessThan(r.out().lastIndexOf("roster #"));
        }
    }

    @Test
    void theTerminalParticipantFollowsATransferOutOfAGroupCall() throws Exception {
        // the bot is closed after the server: the group call still live at the end is told ended to a listening bot,
        // rather than retried against a closed one for the server's 10 s notification drain
        try (CallbackReceiver bot = new CallbackReceiver();
             TestServer server = TestServer.start();
             RtpPeer carol = new RtpPeer("127.0.0.1");
             dev.switchboard.tools.RosterWatcher carolRings = dev.switchboard.tools.RosterWatcher.ringStream(
                     HttpClient.newHttpClient(), carolApi(server), m -> { })) {
            String token = Tokens.devBotToken(server.baseUrl());
            HttpResponse<String> created = send(server, token, "POST", "", """
                    {"callbackUri":"%s","requestedModalities":["audio"],
                     "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},
                     "targets":[{"identity":{"user":{"id":"%s"}}},{"identity":{"user":{"id":"%s"}}}]}"""
                    .formatted(bot.url(), DevIdentities.ALICE_ID, DevIdentities.BOB_ID));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String g = JSON.readTree(created.body()).get("id").asText();
            CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() -> Cli.run(Main::commandLine,
                    "participant", "--call", g, "--user", "alice", "--tone", "650", "--duration", "12s", "--url", server.baseUrl()));
            await().atMost(Duration.ofSeconds(30)).until(() -> participants(server, token, g) >= 2
                    && server.server().metrics().get("switchboard.roster.streams").gauge().value() >= 1); // it watches G
            carolRings.await(m -> m.path("type").asText().equals("listening"), Duration.ofSeconds(10));

            HttpResponse<String> transfer = send(server, token, "POST", "/" + g + "/transfer",
                    "{\"transferTarget\":{\"identity\":{\"user\":{\"id\":\"" + DevIdentities.CAROL_ID + "\"}}},"
                            + "\"transferee\":{\"identity\":{\"user\":{\"id\":\"" + DevIdentities.ALICE_ID + "\"}}}}");
            assertThat(transfer.statusCode()).as(transfer.body()).isEqualTo(202);
            String x = carolRings.await(m -> m.path("type").asText().equals("ringing"), Duration.ofSeconds(10))
                    .path("callId").asText();
            ClientApi.Joined carolLeg = carolApi(server).join(x, carol.offer("sendrecv"));
            carol.sendReceiverReport(Integer.parseInt(carolLeg.sdpAnswer().replaceAll("(?s).*m=audio (\\d+) .*", "$1")));
            carol.drain();
            await().atMost(Duration.ofSeconds(10)).until(() -> { // her softphone's tone reaches carol on the same media
                RtpPeer.Packet p = carol.receive(200);
                return p != null && p.pcmuLevelDbfs(650) > -30;
            });

            Cli.Result r = run.get(60, TimeUnit.SECONDS);
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("moved to call " + x).contains("left the call").doesNotContain("leaving:");
            assertThat(participants(server, token, g)).as("the group call goes on, its bot still in it").isEqualTo(1);
        }
    }

    private static ClientApi carolApi(TestServer server) {
        return new ClientApi(new ServerHttp(server.baseUrl()), Tokens.carolToken(server.baseUrl()));
    }

    private static String create(TestServer server, String token, String callback, String userId) throws Exception {
        HttpResponse<String> created = send(server, token, "POST", "", """
                {"callbackUri":"%s","requestedModalities":["audio"],
                 "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},
                 "targets":[{"identity":{"user":{"id":"%s"}}}]}""".formatted(callback, userId));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body()).get("id").asText();
    }

    private static int participants(TestServer server, String token, String callId) throws Exception {
        JsonNode list = JSON.readTree(send(server, token, "GET", "/" + callId + "/participants", null).body());
        return list.path("value").size();
    }

    private static HttpResponse<String> send(TestServer server, String token, String method, String path, String body)
            throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                        + "/v1.0/communications/calls" + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
