package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.communications.calls.item.transfer.TransferPostRequestBody;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.CallState;
import com.microsoft.graph.models.Identity;
import com.microsoft.graph.models.IdentitySet;
import com.microsoft.graph.models.InvitationParticipantInfo;
import com.microsoft.graph.models.Participant;
import com.microsoft.graph.models.ParticipantInfo;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.RtpMediaEngine;
import dev.switchboard.server.InboundSettings;
import dev.switchboard.testsupport.FfmpegPeer;
import dev.switchboard.testsupport.FfmpegPeer.Codec;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.ToneAnalysis;
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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Transfer out of a group call (docs/inbound-calls.md, "Transfer out of a group call"): {@code transfer} with a
 * {@code transferee} connects one user of the bot's group call with a user or another bot in a new peer-to-peer call,
 * moving the transferee's media leg there, while the group call goes on. Driven by the official Graph Java SDK; users
 * are the client API (real ffmpeg RTP peers where audio is judged), their roster and ring streams real WebSockets.
 */
class GroupTransferEndToEndTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    static TestServer server;
    static CallbackReceiver webhook;
    static CallbackReceiver secondBot;
    static GraphServiceClient graph;
    static GraphServiceClient secondGraph;
    static GraphHttp http;
    static String botToken;
    static ClientApi alice;
    static ClientApi bob;
    static ClientApi carol;

    @BeforeAll
    static void start() throws Exception {
        webhook = new CallbackReceiver();
        secondBot = new CallbackReceiver();
        server = TestServer.start(cfg -> cfg.withInbound(InboundSettings.DEFAULTS.withAnswerWindow(Duration.ofSeconds(10))
                .withWebhook(DevIdentities.DEV_BOT_APP_ID, webhook.url())
                .withWebhook(DevIdentities.P2P_BOT_APP_ID, secondBot.url())));
        botToken = Tokens.devBotToken(server.baseUrl());
        graph = GraphSdk.client(server.baseUrl(), botToken);
        secondGraph = GraphSdk.client(server.baseUrl(), Tokens.p2pBotToken(server.baseUrl()));
        http = new GraphHttp(server.baseUrl());
        alice = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.aliceToken(server.baseUrl()));
        bob = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.bobToken(server.baseUrl()));
        carol = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.carolToken(server.baseUrl()));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (webhook != null) {
            webhook.close();
        }
        if (secondBot != null) {
            secondBot.close();
        }
    }

    /** A group call of the bot with alice and bob in it: the call id and their legs (their RTP at the given ports). */
    private record Group(String id, ClientApi.Joined alice, ClientApi.Joined bob) {
    }

    private static Group aliceAndBobInAGroupCall(int aliceRx, int bobRx) throws Exception {
        Call call = graph.communications().calls().post(GraphSdk.call(webhook.url(), DevIdentities.ALICE_ID,
                DevIdentities.BOB_ID));
        ClientApi.Joined a = alice.join(call.getId(), FfmpegPeer.offer(aliceRx, Codec.PCMU, "sendrecv"));
        ClientApi.Joined b = bob.join(call.getId(), FfmpegPeer.offer(bobRx, Codec.PCMU, "sendrecv"));
        awaitState(webhook, call.getId(), "established");
        return new Group(call.getId(), a, b);
    }

    private static JsonNode awaitState(CallbackReceiver receiver, String callId, String state) throws InterruptedException {
        return receiver.awaitItem(i -> i.path("resourceUrl").asText().endsWith("/calls/" + callId)
                && i.path("resourceData").path("state").asText().equals(state), WAIT);
    }

    /** The call's {@code established} that carries a resultInfo: a transfer's outcome (not the call's first one). */
    private static JsonNode awaitOutcome(String callId) throws InterruptedException {
        return webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith("/calls/" + callId)
                && i.path("resourceData").path("state").asText().equals("established")
                && i.path("resourceData").has("resultInfo"), WAIT);
    }

    /** The second bot (it takes calls at {@link #secondBot}) as a transfer target. */
    static InvitationParticipantInfo secondBotTarget() {
        Identity application = new Identity();
        application.setId(DevIdentities.P2P_BOT_APP_ID);
        IdentitySet app = new IdentitySet();
        app.setApplication(application);
        InvitationParticipantInfo target = new InvitationParticipantInfo();
        target.setIdentity(app);
        return target;
    }

    /** As the Java SDK builds it: transferTarget, and the transferee by participant id and user. */
    static TransferPostRequestBody transfer(InvitationParticipantInfo target, String userId, String participantId) {
        ParticipantInfo transferee = new ParticipantInfo();
        if (userId != null) {
            Identity user = new Identity();
            user.setId(userId);
            IdentitySet identity = new IdentitySet();
            identity.setUser(user);
            transferee.setIdentity(identity);
        }
        transferee.setParticipantId(participantId);
        TransferPostRequestBody body = new TransferPostRequestBody();
        body.setTransferTarget(target);
        body.setTransferee(transferee);
        return body;
    }

    private static List<String> rosterIds(JsonNode message) {
        List<String> ids = new java.util.ArrayList<>();
        message.path("participants").forEach(x -> ids.add(x.path("id").asText()));
        return ids;
    }

    @Test
    void aUserTransferredOutOfAGroupCallTalksToTheTargetOnHerOwnPortWhileTheGroupGoesOn(@TempDir Path dir)
            throws Exception {
        assumeThat(FfmpegPeer.available()).as("ffmpeg at " + FfmpegPeer.FFMPEG).isTrue();
        int aliceRx = FfmpegPeer.freeEvenPortPair();
        int bobRx = FfmpegPeer.freeEvenPortPair();
        int carolRx = FfmpegPeer.freeEvenPortPair();
        Group g = aliceAndBobInAGroupCall(aliceRx, bobRx);
        HttpClient ws = HttpClient.newHttpClient();
        ClientApi.Joined carolLeg;
        String x;
        try (RosterWatcher aliceRoster = RosterWatcher.connect(ws, alice, g.id(), m -> { });
             RosterWatcher aliceRings = RosterWatcher.ringStream(ws, alice, m -> { });
             RosterWatcher carolRings = RosterWatcher.ringStream(ws, carol, m -> { })) {
            aliceRoster.await(m -> m.path("type").asText().equals("roster"), WAIT);
            aliceRings.await(m -> m.path("type").asText().equals("listening"), WAIT);
            carolRings.await(m -> m.path("type").asText().equals("listening"), WAIT);

            graph.communications().calls().byCallId(g.id()).transfer().post(transfer(GraphSdk.target(DevIdentities.CAROL_ID),
                    DevIdentities.ALICE_ID, g.alice().participantId()));
            awaitState(webhook, g.id(), "transferring");

            JsonNode ring = carolRings.await(m -> m.path("type").asText().equals("ringing"), WAIT);
            x = ring.path("callId").asText();
            assertThat(x).isNotEqualTo(g.id());
            assertThat(ring.toString()).as("the caller she sees is alice").contains(DevIdentities.ALICE_ID);
            assertThat(graph.communications().calls().byCallId(g.id()).participants().get().getValue())
                    .as("alice is still in the group while carol rings").extracting(Participant::getId)
                    .contains(g.alice().participantId());

            carolLeg = carol.join(x, FfmpegPeer.offer(carolRx, Codec.PCMU, "sendrecv"));
            awaitState(webhook, g.id(), "transferAccepted");
            JsonNode back = awaitOutcome(g.id());
            assertThat(back.path("resourceData").path("resultInfo").path("code").asInt()).isZero();
            assertThat(back.path("resourceData").path("resultInfo").path("subcode").asInt()).isEqualTo(7015);

            JsonNode out = aliceRoster.await(m -> !m.path("type").asText().equals("moved")
                    && !m.path("type").asText().equals("ringing") && !rosterIds(m).contains(g.alice().participantId()), WAIT);
            assertThat(out.path("type").asText()).as("the group call goes on").isEqualTo("roster");
            assertThat(rosterIds(out)).contains(g.bob().participantId());
            assertThat(out.path("changed").toString()).contains("\"movedTo\":\"" + x + "\"");
            JsonNode moved = aliceRings.await(m -> m.path("type").asText().equals("moved"), WAIT);
            assertThat(moved.path("callId").asText()).isEqualTo(x);
            assertThat(moved.path("fromCallId").asText()).isEqualTo(g.id());
            assertThat(moved.path("participantId").asText()).isEqualTo(g.alice().participantId());
        }
        assertThat(graph.communications().calls().byCallId(g.id()).get().getState()).isEqualTo(CallState.Established);
        assertThat(graph.communications().calls().byCallId(g.id()).participants().get().getValue())
                .extracting(Participant::getId).contains(g.bob().participantId())
                .doesNotContain(g.alice().participantId());
        ClientApi.Joined aliceInX = g.alice().movedTo(x);
        try (RosterWatcher xRoster = RosterWatcher.connect(HttpClient.newHttpClient(), alice, x, m -> { })) {
            JsonNode roster = xRoster.await(m -> m.path("type").asText().equals("roster"), WAIT);
            assertThat(rosterIds(roster)).containsExactlyInAnyOrder(g.alice().participantId(), carolLeg.participantId());
        }

        // alice still sends to her group call's port: carol hears her, she hears carol, bob no longer hears her
        int aliceServerPort = MuteEndToEndTest.audioPort(g.alice().sdpAnswer());
        int carolServerPort = MuteEndToEndTest.audioPort(carolLeg.sdpAnswer());
        FfmpegPeer.sendReceiverReport(aliceServerPort);
        FfmpegPeer.sendReceiverReport(carolServerPort);
        FfmpegPeer.sendReceiverReport(MuteEndToEndTest.audioPort(g.bob().sdpAnswer()));
        Path aliceWav = dir.resolve("alice.wav");
        Path carolWav = dir.resolve("carol.wav");
        Path bobWav = dir.resolve("bob.wav");
        try (FfmpegPeer aliceVoice = FfmpegPeer.sendTone("127.0.0.1", aliceServerPort, Codec.PCMU, 660, 20, dir);
             FfmpegPeer carolVoice = FfmpegPeer.sendTone("127.0.0.1", carolServerPort, Codec.PCMU, 440, 20, dir)) {
            InboundCallsEndToEndTest.awaitMixed(server, x, List.of(g.alice().participantId(), carolLeg.participantId()));
            try (FfmpegPeer aliceEar = FfmpegPeer.receiveWav(aliceRx, Codec.PCMU, aliceWav, 2.5);
                 FfmpegPeer carolEar = FfmpegPeer.receiveWav(carolRx, Codec.PCMU, carolWav, 2.5);
                 FfmpegPeer bobEar = FfmpegPeer.receiveWav(bobRx, Codec.PCMU, bobWav, 2.5)) {
                aliceEar.awaitExit(Duration.ofSeconds(15));
                carolEar.awaitExit(Duration.ofSeconds(15));
                bobEar.awaitExit(Duration.ofSeconds(15));
            }
        }
        assertThat(ToneAnalysis.verdict(ToneAnalysis.levelDbfs(aliceWav, 440))).as("alice hears carol").isEqualTo(ToneAnalysis.Verdict.PRESENT);
        assertThat(ToneAnalysis.verdict(ToneAnalysis.levelDbfs(carolWav, 660))).as("carol hears alice").isEqualTo(ToneAnalysis.Verdict.PRESENT);
        assertThat(java.nio.file.Files.size(bobWav)).as("bob still gets the group's mix").isGreaterThan(8_000);
        assertThat(ToneAnalysis.verdict(ToneAnalysis.levelDbfs(bobWav, 660))).as("bob no longer hears alice")
                .isEqualTo(ToneAnalysis.Verdict.ABSENT);

        alice.leave(aliceInX); // the two-party call ends for carol too; the group call is untouched
        RtpMediaEngine media = (RtpMediaEngine) server.server().media();
        await().atMost(WAIT).until(() -> media.legStats(x, carolLeg.participantId()).isEmpty());
        assertThat(graph.communications().calls().byCallId(g.id()).get().getState()).isEqualTo(CallState.Established);
        graph.communications().calls().byCallId(g.id()).delete();
    }

    @Test
    void aTransferToAnotherBotRingsItWithTheTransfereeAsCallerAndMovesHerLegOnItsAnswer() throws Exception {
        Group g = aliceAndBobInAGroupCall(FfmpegPeer.freeEvenPortPair(), FfmpegPeer.freeEvenPortPair());
        InvitationParticipantInfo target = secondBotTarget();
        graph.communications().calls().byCallId(g.id()).transfer().post(transfer(target, DevIdentities.ALICE_ID, null));
        awaitState(webhook, g.id(), "transferring");

        JsonNode incoming = secondBot.awaitItem(i -> i.path("changeType").asText().equals("created")
                && i.path("resourceData").path("state").asText().equals("incoming"), WAIT);
        String x = incoming.path("resourceData").path("id").asText();
        JsonNode source = incoming.path("resourceData").path("source");
        assertThat(source.path("identity").path("user").path("id").asText()).isEqualTo(DevIdentities.ALICE_ID);
        assertThat(source.path("id").asText()).as("the transferee keeps her participant id").isEqualTo(g.alice().participantId());
        assertThat(incoming.path("resourceData").path("incomingContext").toString())
                .as("the transferor is the group call's bot").contains(DevIdentities.DEV_BOT_APP_ID);

        secondGraph.communications().calls().byCallId(x).answer().post(GraphSdk.answerServiceHosted(secondBot.url()));
        awaitState(secondBot, x, "established");
        JsonNode back = awaitOutcome(g.id());
        assertThat(back.path("resourceData").path("resultInfo").path("subcode").asInt()).isEqualTo(7015);
        RtpMediaEngine media = (RtpMediaEngine) server.server().media();
        await().atMost(WAIT).until(() -> media.legStats(x, g.alice().participantId()).isPresent());
        assertThat(secondGraph.communications().calls().byCallId(x).participants().get().getValue())
                .extracting(Participant::getId).contains(g.alice().participantId());
        assertThat(graph.communications().calls().byCallId(g.id()).participants().get().getValue())
                .extracting(Participant::getId).doesNotContain(g.alice().participantId());

        secondGraph.communications().calls().byCallId(x).delete(); // the second bot hangs up: alice's call ends
        await().atMost(WAIT).until(() -> media.legStats(x, g.alice().participantId()).isEmpty());
        graph.communications().calls().byCallId(g.id()).delete();
    }

    @Test
    void aConsultativeTransferOutOfAGroupCallMovesTheTransfereeIntoTheConsultationCall() throws Exception {
        Group g = aliceAndBobInAGroupCall(FfmpegPeer.freeEvenPortPair(), FfmpegPeer.freeEvenPortPair());
        Call r = graph.communications().calls().post(GraphSdk.call(webhook.url(), DevIdentities.CAROL_ID)); // bot ↔ carol
        ClientApi.Joined carolLeg = carol.join(r.getId(), FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(), Codec.PCMU, "sendrecv"));
        awaitState(webhook, r.getId(), "established");

        InvitationParticipantInfo target = GraphSdk.target(DevIdentities.CAROL_ID);
        target.setReplacesCallId(r.getId());
        graph.communications().calls().byCallId(g.id()).transfer().post(transfer(target, null, g.alice().participantId()));

        awaitState(webhook, g.id(), "transferring");
        JsonNode rDone = awaitState(webhook, r.getId(), "terminated");
        assertThat(rDone.path("resourceData").path("resultInfo").path("subcode").asInt()).as("its bot left").isEqualTo(7015);
        awaitState(webhook, g.id(), "transferAccepted");
        JsonNode back = awaitOutcome(g.id());
        assertThat(back.path("resourceData").path("resultInfo").path("subcode").asInt()).isEqualTo(7015);
        try (RosterWatcher rRoster = RosterWatcher.connect(HttpClient.newHttpClient(), alice, r.getId(), m -> { })) {
            JsonNode roster = rRoster.await(m -> m.path("type").asText().equals("roster"), WAIT);
            assertThat(rosterIds(roster)).containsExactlyInAnyOrder(g.alice().participantId(), carolLeg.participantId());
        }
        RtpMediaEngine media = (RtpMediaEngine) server.server().media();
        assertThat(media.legStats(r.getId(), g.alice().participantId())).as("her leg is in the consultation's room").isPresent();
        assertThat(graph.communications().calls().byCallId(g.id()).participants().get().getValue())
                .extracting(Participant::getId).contains(g.bob().participantId()).doesNotContain(g.alice().participantId());
        graph.communications().calls().byCallId(g.id()).delete();
        alice.leave(g.alice().movedTo(r.getId()));
    }

    @Test
    void aDeclinedTransferLeavesTheTransfereeInTheGroupAndACancelledOneStopsTheRing() throws Exception {
        Group g = aliceAndBobInAGroupCall(FfmpegPeer.freeEvenPortPair(), FfmpegPeer.freeEvenPortPair());
        HttpClient ws = HttpClient.newHttpClient();
        try (RosterWatcher carolRings = RosterWatcher.ringStream(ws, carol, m -> { })) {
            carolRings.await(m -> m.path("type").asText().equals("listening"), WAIT);
            graph.communications().calls().byCallId(g.id()).transfer().post(transfer(GraphSdk.target(DevIdentities.CAROL_ID),
                    DevIdentities.ALICE_ID, null));
            String x = carolRings.await(m -> m.path("type").asText().equals("ringing"), WAIT).path("callId").asText();
            carol.decline(x, "busy");
            JsonNode failed = awaitOutcome(g.id());
            assertThat(failed.path("resourceData").path("resultInfo").path("code").asInt()).isEqualTo(500);
            assertThat(graph.communications().calls().byCallId(g.id()).participants().get().getValue())
                    .extracting(Participant::getId).contains(g.alice().participantId());
            assertThat(((RtpMediaEngine) server.server().media()).legStats(g.id(), g.alice().participantId()))
                    .as("her leg never left").isPresent();

            // a second transfer, then the bot hangs up while carol still rings: her ring ends
            graph.communications().calls().byCallId(g.id()).transfer().post(transfer(GraphSdk.target(DevIdentities.CAROL_ID),
                    DevIdentities.ALICE_ID, null));
            String y = carolRings.await(m -> m.path("type").asText().equals("ringing")
                    && !m.path("callId").asText().equals(x), WAIT).path("callId").asText();
            graph.communications().calls().byCallId(g.id()).delete();
            JsonNode ended = carolRings.await(m -> m.path("type").asText().equals("cancelled")
                    && m.path("callId").asText().equals(y), WAIT);
            assertThat(ended.path("reason").path("code").asInt()).isEqualTo(487);
            assertThatThrownBy(() -> carol.join(y, FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(), Codec.PCMU, "sendrecv")))
                    .as("the cancelled call is gone").hasMessageContaining("404");
        }
    }

    @Test
    void theTransfereeLeavingWhileTheTargetRingsCancelsTheRingAndATargetBotsRejectionFailsTheTransfer() throws Exception {
        Group g = aliceAndBobInAGroupCall(FfmpegPeer.freeEvenPortPair(), FfmpegPeer.freeEvenPortPair());
        try (RosterWatcher carolRings = RosterWatcher.ringStream(HttpClient.newHttpClient(), carol, m -> { })) {
            carolRings.await(m -> m.path("type").asText().equals("listening"), WAIT);
            graph.communications().calls().byCallId(g.id()).transfer().post(transfer(GraphSdk.target(DevIdentities.CAROL_ID),
                    null, g.bob().participantId()));
            String x = carolRings.await(m -> m.path("type").asText().equals("ringing"), WAIT).path("callId").asText();
            bob.leave(g.bob()); // the transferee hangs up while carol's phone rings
            JsonNode cancelled = carolRings.await(m -> m.path("type").asText().equals("cancelled")
                    && m.path("callId").asText().equals(x), WAIT);
            assertThat(cancelled.path("reason").path("code").asInt()).isEqualTo(487);
            JsonNode failed = awaitOutcome(g.id());
            assertThat(failed.path("resourceData").path("resultInfo").path("code").asInt()).isEqualTo(500);
            assertThat(failed.path("resourceData").path("resultInfo").path("message").asText()).contains("transferee left");
        }

        // a target bot that rejects: the group call is back to established, alice never left it
        InvitationParticipantInfo target = secondBotTarget();
        graph.communications().calls().byCallId(g.id()).transfer().post(transfer(target, DevIdentities.ALICE_ID, null));
        JsonNode incoming = secondBot.awaitItem(i -> i.path("changeType").asText().equals("created")
                && i.path("resourceData").path("state").asText().equals("incoming")
                && i.path("resourceData").path("source").path("id").asText().equals(g.alice().participantId()), WAIT);
        String y = incoming.path("resourceData").path("id").asText();
        com.microsoft.graph.communications.calls.item.reject.RejectPostRequestBody reject =
                new com.microsoft.graph.communications.calls.item.reject.RejectPostRequestBody();
        reject.setReason(com.microsoft.graph.models.RejectReason.Busy);
        secondGraph.communications().calls().byCallId(y).reject().post(reject);
        await().atMost(WAIT).until(() -> webhook.items().stream().filter(i -> i.path("resourceUrl").asText()
                .endsWith("/calls/" + g.id()) && i.path("resourceData").path("state").asText().equals("established")
                && i.path("resourceData").has("resultInfo")).count() == 2);
        assertThat(graph.communications().calls().byCallId(g.id()).get().getState()).isEqualTo(CallState.Established);
        assertThat(((RtpMediaEngine) server.server().media()).legStats(g.id(), g.alice().participantId()))
                .as("her leg never left").isPresent();
        graph.communications().calls().byCallId(g.id()).delete();
    }

    @Test
    void badTransfereesAreRefusedAndChangeNothing() throws Exception {
        Group g = aliceAndBobInAGroupCall(FfmpegPeer.freeEvenPortPair(), FfmpegPeer.freeEvenPortPair());
        Call p2p = graph.communications().calls().post(GraphSdk.call(webhook.url(), DevIdentities.CAROL_ID));
        ClientApi.Joined carolInP2p = carol.join(p2p.getId(), FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(), Codec.PCMU,
                "sendrecv"));
        awaitState(webhook, p2p.getId(), "established");
        String path = "/v1.0/communications/calls/" + g.id() + "/transfer";
        String carolTarget = "\"transferTarget\":{\"identity\":{\"user\":{\"id\":\"" + DevIdentities.CAROL_ID + "\"}}}";
        String bobTarget = "\"transferTarget\":{\"identity\":{\"user\":{\"id\":\"" + DevIdentities.BOB_ID + "\"}}}";
        String aliceById = "\"transferee\":{\"participantId\":\"" + g.alice().participantId() + "\"}";
        String botPid = graph.communications().calls().byCallId(g.id()).get().getMyParticipantId();

        assertError(path, "{" + carolTarget + "}", 400, "needs 'transferee'");
        assertError(path, "{" + carolTarget + ",\"transferee\":\"alice\"}", 400, "transferee");
        assertError(path, "{" + carolTarget + ",\"transferee\":{}}", 400, "must name the participant");
        assertError(path, "{" + carolTarget + ",\"transferee\":{\"participantId\":\"\"}}", 400, "transferee.participantId");
        assertError(path, "{" + carolTarget + ",\"transferee\":{\"identity\":{\"application\":{\"id\":\"x\"}}}}", 400,
                "must be a user");
        assertError(path, "{" + carolTarget + ",\"transferee\":{\"participantId\":\"nobody\"}}", 404, "nobody");
        assertError(path, "{" + carolTarget + ",\"transferee\":{\"identity\":{\"user\":{\"id\":\"" + DevIdentities.CAROL_ID
                + "\"}}}}", 404, "transferee.identity.user.id");
        assertError(path, "{" + carolTarget + ",\"transferee\":{\"participantId\":\"" + g.alice().participantId()
                + "\",\"identity\":{\"user\":{\"id\":\"" + DevIdentities.BOB_ID + "\"}}}}", 400, "two different participants");
        assertError(path, "{" + carolTarget + ",\"transferee\":{\"participantId\":\"" + botPid + "\"}}", 400, "is a bot");
        assertError(path, "{\"transferTarget\":{\"identity\":{\"user\":{\"id\":\"" + DevIdentities.ALICE_ID + "\"}}},"
                + aliceById + "}", 400, "is the transferee");
        assertError(path, "{" + bobTarget + "," + aliceById + "}", 400, "already in this call");
        assertError(path, "{\"transferTarget\":{\"identity\":{\"user\":null}}," + aliceById + "}", 400, "names no one");
        assertError(path, "{\"transferTarget\":{\"identity\":{}}," + aliceById + "}", 400, "names no one");
        assertError(path, "{\"transferTarget\":{\"identity\":{\"phone\":{\"id\":\"+15550100\"}}}," + aliceById + "}", 501,
                "phones and application instances");
        assertError(path, "{\"transferTarget\":{\"identity\":{\"application\":{\"id\":\"" + DevIdentities.OTHER_TENANT_BOT_APP_ID
                + "\"}}}," + aliceById + "}", 404, DevIdentities.OTHER_TENANT_BOT_APP_ID);
        assertError(path, "{\"transferTarget\":{\"identity\":{\"user\":{\"id\":\"" + DevIdentities.CAROL_ID + "\"}},"
                + "\"replacesCallId\":\"no-such-call\"}," + aliceById + "}", 404, "no-such-call");
        // in a peer-to-peer call, a transferee must be the other party
        assertError("/v1.0/communications/calls/" + p2p.getId() + "/transfer", "{" + bobTarget + ",\"transferee\":"
                + "{\"identity\":{\"user\":{\"id\":\"" + DevIdentities.ALICE_ID + "\"}}}}", 404, "transferee");
        // one transfer at a time
        assertThat(http.post(path, botToken, "{" + carolTarget + "," + aliceById + "}").statusCode()).isEqualTo(202);
        awaitState(webhook, g.id(), "transferring");
        assertError(path, "{" + carolTarget + ",\"transferee\":{\"participantId\":\"" + g.bob().participantId() + "\"}}",
                409, "transferring");

        // nothing changed by the refusals: alice and bob are still in the group call
        assertThat(graph.communications().calls().byCallId(g.id()).participants().get().getValue())
                .extracting(Participant::getId).contains(g.alice().participantId(), g.bob().participantId());
        graph.communications().calls().byCallId(g.id()).delete();
        // a peer-to-peer call's transfer may name its other party as transferee: the usual blind transfer follows
        assertThat(http.post("/v1.0/communications/calls/" + p2p.getId() + "/transfer", botToken, "{" + bobTarget
                + ",\"transferee\":{\"participantId\":\"" + carolInP2p.participantId() + "\"}}").statusCode()).isEqualTo(202);
        awaitState(webhook, p2p.getId(), "transferring");
        graph.communications().calls().byCallId(p2p.getId()).delete();
    }

    private static void assertError(String path, String body, int status, String messagePart) throws Exception {
        String code = status == 404 ? "itemNotFound" : status == 409 ? "Conflict" : status == 501 ? "NotImplemented"
                : "BadRequest";
        JsonNode error = GraphHttp.graphError(http.post(path, botToken, body), status, code);
        assertThat(error.path("message").asText()).as(body).contains(messagePart);
    }
}
