package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.communications.calls.item.transfer.TransferPostRequestBody;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.InvitationParticipantInfo;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A user's media leg moves between calls of one node (docs/inbound-calls.md), and the user's client follows from any
 * node (docs/cluster.md): two real nodes, a real redis-server, the official Graph Java SDK for the bot, the client API
 * and RTP peers for the users, and every request of the test sent to the node that does <em>not</em> hold the calls.
 * <ul>
 *   <li>A transfer out of a group call to carol rings her in a new call that has no bot call (an alias in Redis):
 *       her join through the other node reaches the call's node, she and alice hear each other, her mute and
 *       alice's leave work through the other node, and the routes go with the call; once the group call's bot left
 *       it, bob still reaches it through the other node.</li>
 *   <li>After a consultative transfer, the moved user's old call id leads to the new call through the other node
 *       (roster stream, mute, leave), for that user only; the new call, whose bot left, is reached by its id too.</li>
 *   <li>A dialed call the bot redirects to a user goes on without a bot call by its id (an alias): the user joins it,
 *       and the caller reads and leaves their leg, through the other node.</li>
 * </ul>
 */
class ClusterParticipantMovesTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final double ALICE_HZ = 660;
    static final double CAROL_HZ = 440;

    @TempDir
    static Path dir;
    static ClusterFixture cluster;
    static CallbackReceiver webhook;
    static ServerProcess a;
    static ServerProcess b;
    static String botToken;

    @BeforeAll
    static void start() throws Exception {
        RedisServer.requireOrSkip();
        cluster = new ClusterFixture(dir);
        webhook = new CallbackReceiver();
        String hook = "--calling-webhook=" + DevIdentities.DEV_BOT_APP_ID + "=" + webhook.url();
        a = cluster.start("a", hook, "--answer-window=60s"); // no expiry on a slow machine
        b = cluster.start("b", hook, "--answer-window=60s");
        cluster.awaitNodes("a", "b");
        botToken = Tokens.devBotToken(a.baseUrl()); // a's authority; the identity is shared
    }

    @AfterAll
    static void stop() throws Exception {
        if (webhook != null) {
            webhook.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theTargetOfATransferOutOfAGroupCallJoinsItsNewCallThroughTheOtherNode() throws Exception {
        try (RtpPeer alicePeer = new RtpPeer("127.0.0.1");
             RtpPeer bobPeer = new RtpPeer("127.0.0.1");
             RtpPeer carolPeer = new RtpPeer("127.0.0.1")) {
            Call group = GraphSdk.client(a.baseUrl(), botToken).communications().calls()
                    .post(GraphSdk.call(webhook.url(), DevIdentities.ALICE_ID, DevIdentities.BOB_ID));
            String g = group.getId();
            String owner = cluster.ownerOf(g);
            ServerProcess other = other(owner);
            GraphServiceClient viaOther = GraphSdk.client(other.baseUrl(), botToken);
            ClientApi alice = new ClientApi(new ServerHttp(other.baseUrl()), Tokens.aliceToken(a.baseUrl()));
            ClientApi bob = new ClientApi(new ServerHttp(other.baseUrl()), Tokens.bobToken(a.baseUrl()));
            ClientApi carol = new ClientApi(new ServerHttp(other.baseUrl()), Tokens.carolToken(a.baseUrl()));
            ClientApi.Joined aliceLeg = alice.join(g, alicePeer.offer("sendrecv"));
            ClientApi.Joined bobLeg = bob.join(g, bobPeer.offer("sendrecv"));
            awaitState(g, "established");
            alicePeer.startTone(MuteEndToEndTest.audioPort(aliceLeg.sdpAnswer()), ALICE_HZ);

            HttpClient ws = HttpClient.newHttpClient();
            String x;
            ClientApi.Joined carolLeg;
            try (RosterWatcher carolRings = RosterWatcher.ringStream(ws, carol, m -> { })) {
                assertThat(carolRings.await(m -> type(m).equals("listening"), WAIT)).isNotNull();
                viaOther.communications().calls().byCallId(g).transfer().post(GroupTransferEndToEndTest.transfer(
                        GraphSdk.target(DevIdentities.CAROL_ID), DevIdentities.ALICE_ID, null));
                JsonNode ring = carolRings.await(m -> type(m).equals("ringing"), WAIT);
                assertThat(ring).as("carol's ring stream on node " + other(owner) + " hears the ring").isNotNull();
                x = ring.path("callId").asText();
                assertThat(cluster.jedis.hget("sb:alias:" + x, "owner")).as("the new call has no bot call: an alias "
                        + "names its node").startsWith(owner + "/");
                assertThat(cluster.jedis.exists("sb:call:" + x)).isFalse();

                carolLeg = carol.join(x, carolPeer.offer("sendrecv")); // through the node that does not hold it
            }
            awaitState(g, "transferAccepted");
            assertThat(webhook.awaitItem(i -> isState(i, g, "established") && i.path("resourceData").has("resultInfo"),
                    WAIT).path("resourceData").path("resultInfo").path("subcode").asInt()).isEqualTo(7015);

            int carolServerPort = MuteEndToEndTest.audioPort(carolLeg.sdpAnswer());
            carolPeer.sendReceiverReport(carolServerPort);
            carolPeer.startTone(carolServerPort, CAROL_HZ);
            assertThat(ClusterFixture.awaitTone(carolPeer, ALICE_HZ, true, WAIT))
                    .as("carol hears alice, whose leg moved into the new call on node " + owner).isTrue();
            assertThat(ClusterFixture.awaitTone(alicePeer, CAROL_HZ, true, WAIT)).as("alice hears carol").isTrue();

            ClientApi.Joined aliceInX = aliceLeg.movedTo(x);
            try (RosterWatcher carolRoster = RosterWatcher.connect(ws, carol, x, m -> { });
                 RosterWatcher aliceRoster = RosterWatcher.connect(ws, alice, x, m -> { })) {
                for (RosterWatcher roster : List.of(carolRoster, aliceRoster)) {
                    JsonNode both = roster.await(m -> type(m).equals("roster")
                            && Set.copyOf(ids(m)).equals(Set.of(aliceLeg.participantId(), carolLeg.participantId())), WAIT);
                    assertThat(both).as("a roster stream of the new call opened on the other node").isNotNull();
                }
                assertThat(carol.setMuted(carolLeg, true).path("isMuted").asBoolean()).isTrue();
                assertThat(ClusterFixture.awaitTone(alicePeer, CAROL_HZ, false, WAIT))
                        .as("carol's mute through the other node: alice no longer hears her").isTrue();
                assertThat(aliceRoster.await(m -> type(m).equals("roster") && muted(m, carolLeg.participantId()), WAIT))
                        .as("alice's roster stream on the other node sees carol's mute").isNotNull();
            }
            assertThat(cluster.jedis.hget("sb:moved:" + g + ":" + DevIdentities.ALICE_ID, "into")).isEqualTo(x);

            alice.leave(aliceInX); // through the other node: the two-party call ends, and its routes with it
            assertThat(cluster.jedis.exists("sb:alias:" + x)).as("the alias goes with the call").isFalse();
            assertThat(cluster.jedis.exists("sb:moved:" + g + ":" + DevIdentities.ALICE_ID)).isFalse();
            assertThat(cluster.jedis.smembers("sb:noderoutes:" + owner)).noneMatch(k -> k.contains(x));
            assertThatThrownBy(() -> carol.setMuted(carolLeg, false)).as("the ended call").hasMessageContaining("404");

            assertThat(viaOther.communications().calls().byCallId(g).participants().get().getValue())
                    .as("the group call goes on").extracting(Participant::getId)
                    .contains(bobLeg.participantId()).doesNotContain(aliceLeg.participantId());
            viaOther.communications().calls().byCallId(g).delete(); // its bot leaves; bob goes on in it
            awaitState(g, "terminated");
            assertThat(cluster.jedis.hget("sb:alias:" + g, "owner")).startsWith(owner + "/");
            assertThat(bob.setMuted(bobLeg, true).path("isMuted").asBoolean())
                    .as("bob reaches the group call its bot left through the other node").isTrue();
            bob.leave(bobLeg);
            assertThat(cluster.jedis.exists("sb:alias:" + g)).isFalse();
        }
    }

    @Test
    void aMovedUsersOldCallIdLeadsToTheNewCallThroughTheOtherNode() throws Exception {
        List<String> users = List.of(DevIdentities.ALICE_ID, DevIdentities.BOB_ID, DevIdentities.CAROL_ID);
        Map<String, Function<String, String>> tokens = Map.of(DevIdentities.ALICE_ID, Tokens::aliceToken,
                DevIdentities.BOB_ID, Tokens::bobToken, DevIdentities.CAROL_ID, Tokens::carolToken);
        GraphServiceClient viaA = GraphSdk.client(a.baseUrl(), botToken);
        Map<String, String> callOf = new LinkedHashMap<>();
        for (String user : users) { // three calls on two nodes: two of them share a node
            callOf.put(user, viaA.communications().calls().post(GraphSdk.call(webhook.url(), user)).getId());
        }
        List<String> pair = sharingANode(users, callOf);
        String u1 = pair.get(0);
        String u2 = pair.get(1);
        String u3 = users.stream().filter(u -> !pair.contains(u)).findFirst().orElseThrow();
        String callA = callOf.get(u1); // u1's call with the bot: replaced
        String callB = callOf.get(u2); // u2's call with the bot: the consultation u1 moves into
        String owner = cluster.ownerOf(callA);
        ServerProcess other = other(owner);
        Map<String, ClientApi> clients = new LinkedHashMap<>();
        for (String user : users) {
            clients.put(user, new ClientApi(new ServerHttp(other.baseUrl()), tokens.get(user).apply(a.baseUrl())));
        }
        try (RtpPeer u1Peer = new RtpPeer("127.0.0.1");
             RtpPeer u2Peer = new RtpPeer("127.0.0.1");
             RtpPeer u3Peer = new RtpPeer("127.0.0.1")) {
            ClientApi.Joined u1Leg = clients.get(u1).join(callA, u1Peer.offer("sendrecv"));
            ClientApi.Joined u2Leg = clients.get(u2).join(callB, u2Peer.offer("sendrecv"));
            clients.get(u3).join(callOf.get(u3), u3Peer.offer("sendrecv"));
            for (String user : users) {
                awaitState(callOf.get(user), "established");
            }
            u1Peer.startTone(MuteEndToEndTest.audioPort(u1Leg.sdpAnswer()), ALICE_HZ);
            u2Peer.sendReceiverReport(MuteEndToEndTest.audioPort(u2Leg.sdpAnswer()));

            InvitationParticipantInfo target = GraphSdk.target(u1);
            target.setReplacesCallId(callA);
            TransferPostRequestBody consultative = new TransferPostRequestBody();
            consultative.setTransferTarget(target);
            GraphSdk.client(other.baseUrl(), botToken).communications().calls().byCallId(callB).transfer().post(consultative);
            assertThat(awaitState(callA, "terminated").path("resourceData").path("resultInfo").path("subcode").asInt())
                    .isEqualTo(7015);
            awaitState(callB, "terminated"); // its bot left; the two users go on in it
            assertThat(ClusterFixture.awaitTone(u2Peer, ALICE_HZ, true, WAIT)).as("u2 hears u1 in the new call").isTrue();

            assertThat(cluster.jedis.exists("sb:call:" + callA)).isFalse();
            assertThat(cluster.jedis.exists("sb:call:" + callB)).isFalse();
            assertThat(cluster.jedis.hget("sb:moved:" + callA + ":" + u1, "into")).isEqualTo(callB);
            assertThat(cluster.jedis.hget("sb:alias:" + callB, "owner")).startsWith(owner + "/");

            HttpClient ws = HttpClient.newHttpClient();
            Set<String> both = Set.of(u1Leg.participantId(), u2Leg.participantId());
            try (RosterWatcher oldId = RosterWatcher.connect(ws, clients.get(u1), callA, m -> { });
                 RosterWatcher newId = RosterWatcher.connect(ws, clients.get(u2), callB, m -> { })) {
                assertThat(oldId.await(m -> type(m).equals("roster") && Set.copyOf(ids(m)).equals(both), WAIT))
                        .as("u1's roster stream opened with the old id on the other node shows the new call").isNotNull();
                assertThat(Set.copyOf(ids(browserStyleRoster(ws, clients.get(u1), callA))))
                        .as("the same with the token in access_token, as a browser sends it").isEqualTo(both);
                assertThat(newId.await(m -> type(m).equals("roster") && Set.copyOf(ids(m)).equals(both), WAIT))
                        .as("u2 reaches the new call (its bot left) by its id on the other node").isNotNull();

                ClientApi.Joined u1ByOldId = u1Leg; // addressed as /client/v1/calls/{callA}/participants/{id}, node other
                assertThat(clients.get(u1).setMuted(u1ByOldId, true).path("isMuted").asBoolean()).isTrue();
                assertThat(ClusterFixture.awaitTone(u2Peer, ALICE_HZ, false, WAIT))
                        .as("u1's mute through the old id acts in the new call").isTrue();
                assertThat(newId.await(m -> type(m).equals("roster") && muted(m, u1Leg.participantId()), WAIT)).isNotNull();

                ClientApi.Joined strangerOnOldId = new ClientApi.Joined(callA, u1Leg.participantId(), u1Leg.location(), "");
                assertThatThrownBy(() -> clients.get(u3).setMuted(strangerOnOldId, false))
                        .as("the old id leads only the moved user").hasMessageContaining("404");
                assertThatThrownBy(() -> RosterWatcher.connect(ws, clients.get(u2), callA, m -> { }).close())
                        .as("nor the new call's other user").hasMessageContaining("404");
            }

            clients.get(u1).leave(u1Leg); // the old id, through the other node: the new call ends
            assertThat(cluster.jedis.exists("sb:alias:" + callB)).as("the routes go with the new call").isFalse();
            assertThat(cluster.jedis.exists("sb:moved:" + callA + ":" + u1)).isFalse();
            assertThatThrownBy(() -> clients.get(u1).setMuted(u1Leg, false)).hasMessageContaining("404");
            viaA.communications().calls().byCallId(callOf.get(u3)).delete();
        }
    }

    /** Two of the users whose calls (three, on two nodes) are on the same node. */
    private static List<String> sharingANode(List<String> users, Map<String, String> callOf) {
        for (int i = 0; i < users.size(); i++) {
            for (int j = i + 1; j < users.size(); j++) {
                if (cluster.ownerOf(callOf.get(users.get(i))).equals(cluster.ownerOf(callOf.get(users.get(j))))) {
                    return List.of(users.get(i), users.get(j));
                }
            }
        }
        throw new AssertionError("three calls on two nodes, none sharing one: " + callOf);
    }

    @Test
    void aDialedCallRedirectedToAUserIsJoinedByItsIdThroughTheOtherNode() throws Exception {
        try (RtpPeer alicePeer = new RtpPeer("127.0.0.1");
             RtpPeer bobPeer = new RtpPeer("127.0.0.1")) {
            ClientApi.Joined leg = new ClientApi(new ServerHttp(a.baseUrl()), Tokens.aliceToken(a.baseUrl()))
                    .dial(DevIdentities.DEV_BOT_APP_ID, alicePeer.offer("sendrecv"));
            String d = leg.callId();
            String owner = cluster.ownerOf(d);
            ServerProcess other = other(owner);
            awaitState(d, "incoming");
            com.microsoft.graph.communications.calls.item.redirect.RedirectPostRequestBody redirect =
                    new com.microsoft.graph.communications.calls.item.redirect.RedirectPostRequestBody();
            redirect.setTargets(List.of(GraphSdk.target(DevIdentities.BOB_ID)));
            GraphSdk.client(other.baseUrl(), botToken).communications().calls().byCallId(d).redirect().post(redirect);
            awaitState(d, "terminated"); // the bot's call is gone; the caller's call rings bob by the same id
            assertThat(cluster.jedis.exists("sb:call:" + d)).isFalse();
            assertThat(cluster.jedis.hget("sb:alias:" + d, "owner")).startsWith(owner + "/");

            ClientApi bob = new ClientApi(new ServerHttp(other.baseUrl()), Tokens.bobToken(a.baseUrl()));
            ClientApi alice = new ClientApi(new ServerHttp(other.baseUrl()), Tokens.aliceToken(a.baseUrl()));
            ClientApi.Joined bobLeg = bob.join(d, bobPeer.offer("sendrecv")); // through the node that does not hold it
            ClientApi.Joined aliceViaOther = new ClientApi.Joined(d, leg.participantId(),
                    java.net.URI.create(other.baseUrl()).resolve(leg.location().getRawPath()), leg.sdpAnswer());
            assertThat(alice.legStatus(aliceViaOther).path("state").asText()).as("the caller's leg, through the other node")
                    .isEqualTo("connected");
            alicePeer.startTone(MuteEndToEndTest.audioPort(leg.sdpAnswer()), ALICE_HZ);
            bobPeer.sendReceiverReport(MuteEndToEndTest.audioPort(bobLeg.sdpAnswer()));
            assertThat(ClusterFixture.awaitTone(bobPeer, ALICE_HZ, true, WAIT)).as("bob hears the caller").isTrue();

            alice.leave(aliceViaOther);
            assertThat(cluster.jedis.exists("sb:alias:" + d)).as("the alias goes with the call").isFalse();
        }
    }

    private static ServerProcess other(String owner) {
        return "a".equals(owner) ? b : a;
    }

    private static boolean isState(JsonNode item, String callId, String state) {
        return item.path("resourceUrl").asText().endsWith("/calls/" + callId)
                && item.path("resourceData").path("state").asText().equals(state);
    }

    private static JsonNode awaitState(String callId, String state) throws InterruptedException {
        JsonNode item = webhook.awaitItem(i -> isState(i, callId, state), WAIT);
        assertThat(item).as(callId + " " + state).isNotNull();
        return item;
    }

    private static String type(JsonNode m) {
        return m.path("type").asText();
    }

    private static List<String> ids(JsonNode m) {
        List<String> ids = new ArrayList<>();
        m.path("participants").forEach(p -> ids.add(p.path("id").asText()));
        return ids;
    }

    private static boolean muted(JsonNode m, String participantId) {
        for (JsonNode p : m.path("participants")) {
            if (p.path("id").asText().equals(participantId)) {
                return p.path("isMuted").asBoolean();
            }
        }
        return false;
    }

    /** The first roster message of a stream opened the way a browser does: the token in {@code access_token}. */
    private static JsonNode browserStyleRoster(HttpClient ws, ClientApi user, String callId) throws Exception {
        java.util.concurrent.CompletableFuture<String> first = new java.util.concurrent.CompletableFuture<>();
        java.net.URI uri = java.net.URI.create(user.rosterUri(callId) + "?access_token="
                + java.net.URLEncoder.encode(user.userToken(), java.nio.charset.StandardCharsets.UTF_8));
        StringBuilder text = new StringBuilder();
        java.net.http.WebSocket socket = ws.newWebSocketBuilder().buildAsync(uri, new java.net.http.WebSocket.Listener() {
            @Override
            public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    first.complete(text.toString());
                }
                w.request(1);
                return null;
            }
        }).get(10, java.util.concurrent.TimeUnit.SECONDS);
        try {
            return GraphHttp.JSON.readTree(first.get(20, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            socket.abort();
        }
    }
}
