package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.communications.calls.item.participants.item.mute.MutePostRequestBody;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.Participant;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.RedisServer;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.ServerProcess;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.RosterWatcher;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Issue 16's main scenario on three real nodes and a real redis-server: the Graph SDK creates a call through node a,
 * alice joins through b and bob through c (RTP peers), the SDK mutes alice through c and bob stops hearing her, the
 * roster stream opened on b sees the mute, every node answers GET alike, and a token from a's authority works on c.
 */
class ClusterThreeNodesTest {
    static final double ALICE_HZ = 660;

    @Test
    void aCallOnOneNodeIsDrivenThroughEveryNode(@TempDir Path dir) throws Exception {
        RedisServer.requireOrSkip();
        try (ClusterFixture cluster = new ClusterFixture(dir);
             CallbackReceiver bot = new CallbackReceiver();
             RtpPeer botPeer = new RtpPeer("127.0.0.1");
             RtpPeer alicePeer = new RtpPeer("127.0.0.1");
             RtpPeer bobPeer = new RtpPeer("127.0.0.1")) {
            ServerProcess a = cluster.start("a");
            ServerProcess b = cluster.start("b");
            ServerProcess c = cluster.start("c");
            cluster.awaitNodes("a", "b", "c");

            String botToken = Tokens.devBotToken(a.baseUrl()); // a's authority; used on every node
            GraphServiceClient viaA = GraphSdk.client(a.baseUrl(), botToken);
            GraphServiceClient viaC = GraphSdk.client(c.baseUrl(), botToken);
            Call body = GraphSdk.call(bot.url(), DevIdentities.ALICE_ID, DevIdentities.BOB_ID);
            com.microsoft.graph.models.AppHostedMediaConfig media = new com.microsoft.graph.models.AppHostedMediaConfig();
            media.setBlob(botPeer.offer("sendrecv"));
            body.setMediaConfig(media);
            Call call = viaA.communications().calls().post(body);
            String callId = call.getId();
            assertThat(cluster.ownerOf(callId)).as("the call is placed on a node and recorded in Redis").isIn("a", "b", "c");

            ClientApi alice = new ClientApi(new ServerHttp(b.baseUrl()), Tokens.aliceToken(a.baseUrl()));
            ClientApi bob = new ClientApi(new ServerHttp(c.baseUrl()), Tokens.bobToken(a.baseUrl()));
            ClientApi.Joined aliceJoined = alice.join(callId, alicePeer.offer("sendrecv"));
            ClientApi.Joined bobJoined = bob.join(callId, bobPeer.offer("recvonly"));
            int aliceServerPort = MuteEndToEndTest.audioPort(aliceJoined.sdpAnswer());
            bobPeer.sendReceiverReport(MuteEndToEndTest.audioPort(bobJoined.sdpAnswer()));
            alicePeer.startTone(aliceServerPort, ALICE_HZ);

            try (RosterWatcher onB = RosterWatcher.connect(HttpClient.newHttpClient(), alice, callId, m -> { })) {
                onB.await(m -> m.get("participants").size() == 3, Duration.ofSeconds(10));
                assertThat(ClusterFixture.awaitTone(bobPeer, ALICE_HZ, true, Duration.ofSeconds(15)))
                        .as("bob (joined via c) hears alice (joined via b)").isTrue();

                viaC.communications().calls().byCallId(callId).participants().byParticipantId(aliceJoined.participantId())
                        .mute().post(new MutePostRequestBody());

                assertThat(ClusterFixture.awaitTone(bobPeer, ALICE_HZ, false, Duration.ofSeconds(10)))
                        .as("after the mute sent to c, bob no longer hears alice").isTrue();
                JsonNode muted = onB.await(m -> RosterStreamSdkTest.serverMuted(m, aliceJoined.participantId()),
                        Duration.ofSeconds(10));
                assertThat(muted).isNotNull();
            }

            // every node answers GET on the call alike (the answer comes from the owner, unchanged)
            List<String> answers = new java.util.ArrayList<>();
            for (ServerProcess node : List.of(a, b, c)) {
                GraphServiceClient g = GraphSdk.client(node.baseUrl(), botToken);
                Call got = g.communications().calls().byCallId(callId).get();
                assertThat(got.getState().getValue()).isEqualTo("established");
                List<Participant> ps = g.communications().calls().byCallId(callId).participants().get().getValue();
                answers.add(got.getId() + " " + got.getMyParticipantId() + " " + ps.size() + " muted="
                        + ps.stream().filter(p -> p.getId().equals(aliceJoined.participantId())).findFirst().orElseThrow().getIsMuted());
            }
            assertThat(answers).as("GET via a, b, c").containsOnly(answers.get(0));
            assertThat(answers.get(0)).endsWith("3 muted=true");

            // a JSON batch sent to a node that does not hold the call: each request is routed as it would be alone
            ServerProcess notOwner = cluster.ownerOf(callId).equals("a") ? b : a;
            GraphServiceClient viaNotOwner = GraphSdk.client(notOwner.baseUrl(), botToken);
            var batch = new com.microsoft.graph.core.content.BatchRequestContent(viaNotOwner);
            String read = batch.addBatchRequestStep(viaNotOwner.communications().calls().byCallId(callId).participants()
                    .byParticipantId(aliceJoined.participantId()).toGetRequestInformation());
            String create = batch.addBatchRequestStep(viaNotOwner.communications().calls()
                    .toPostRequestInformation(GraphSdk.call(bot.url(), DevIdentities.CAROL_ID)));
            var batched = viaNotOwner.getBatchRequestBuilder().post(batch, null);
            assertThat(batched.getResponsesStatusCode()).containsEntry(read, 200).containsEntry(create, 201);
            assertThat(batched.getResponseById(read, Participant::createFromDiscriminatorValue).getIsMuted()).isTrue();
            Call created = batched.getResponseById(create, Call::createFromDiscriminatorValue);
            assertThat(cluster.ownerOf(created.getId())).isIn("a", "b", "c");
            assertThat(batched.getResponseById(create).header("Location"))
                    .isEqualTo(notOwner.baseUrl() + "/v1.0/communications/calls/" + created.getId());

            // an audio routing group made through c is the same group read through every node
            com.microsoft.graph.models.AudioRoutingGroup whisper = new com.microsoft.graph.models.AudioRoutingGroup();
            whisper.setId("whisper");
            whisper.setRoutingMode(com.microsoft.graph.models.RoutingMode.OneToOne);
            whisper.setSources(List.of(aliceJoined.participantId()));
            whisper.setReceivers(List.of(bobJoined.participantId()));
            viaC.communications().calls().byCallId(callId).audioRoutingGroups().post(whisper);
            for (ServerProcess node : List.of(a, b, c)) {
                com.microsoft.graph.models.AudioRoutingGroup got = GraphSdk.client(node.baseUrl(), botToken).communications()
                        .calls().byCallId(callId).audioRoutingGroups().byAudioRoutingGroupId("whisper").get();
                assertThat(got.getReceivers()).as("via %s", node.baseUrl()).containsExactly(bobJoined.participantId());
            }

            // a consultative transfer replacing a call on another node is a 409 that says why (media moves within a node)
            String first = viaA.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.CAROL_ID)).getId();
            String other = null;
            for (int i = 0; i < 8 && other == null; i++) {
                Thread.sleep(1200); // each node's view of the others' load is refreshed every second
                String next = viaA.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.BOB_ID)).getId();
                if (!cluster.ownerOf(next).equals(cluster.ownerOf(first))) {
                    other = next;
                }
            }
            assertThat(other).as("two calls placed on different nodes").isNotNull();
            com.microsoft.graph.models.InvitationParticipantInfo carol = GraphSdk.target(DevIdentities.CAROL_ID);
            carol.setReplacesCallId(first);
            com.microsoft.graph.communications.calls.item.transfer.TransferPostRequestBody across =
                    new com.microsoft.graph.communications.calls.item.transfer.TransferPostRequestBody();
            across.setTransferTarget(carol);
            String otherCall = other;
            var refused = GraphSdk.expectError(() -> viaC.communications().calls().byCallId(otherCall).transfer().post(across),
                    409, "Conflict");
            assertThat(refused.getError().getMessage()).contains("node '" + cluster.ownerOf(first) + "'");

            // the JWKS is the same on every node
            assertThat(jwks(b.baseUrl())).isEqualTo(jwks(a.baseUrl())).isEqualTo(jwks(c.baseUrl()));

            viaC.communications().calls().byCallId(callId).delete();
            bot.awaitItem(i -> i.path("changeType").asText().equals("deleted")
                    && i.path("resourceUrl").asText().contains(callId), Duration.ofSeconds(10));
        }
    }

    static String jwks(String base) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(base + "/" + DevIdentities.TENANT_ID + "/discovery/v2.0/keys")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("JWKS of " + base).isEqualTo(200);
        return r.body();
    }
}
