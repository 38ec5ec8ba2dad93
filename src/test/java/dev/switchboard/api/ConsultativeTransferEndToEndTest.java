package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.communications.calls.item.participants.invite.InvitePostRequestBody;
import com.microsoft.graph.communications.calls.item.transfer.TransferPostRequestBody;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.CallState;
import com.microsoft.graph.models.InvitationParticipantInfo;
import com.microsoft.graph.models.InviteParticipantsOperation;
import com.microsoft.graph.models.Participant;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
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
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A user moves between two of a bot's calls (docs/inbound-calls.md, "Consultative transfer"): a consultative
 * {@code transfer} with {@code transferTarget.replacesCallId}, and {@code participants/invite} with
 * {@code replacesCallId}. Driven by the official Graph Java SDK; the user's client is the client API (a real
 * ffmpeg RTP peer where audio is judged), its roster and ring streams real WebSockets.
 */
class ConsultativeTransferEndToEndTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    static TestServer server;
    static CallbackReceiver webhook;
    static GraphServiceClient graph;
    static GraphHttp http;
    static String botToken;
    static ClientApi alice;
    static ClientApi bob;
    static ClientApi carol;

    @BeforeAll
    static void start() throws Exception {
        webhook = new CallbackReceiver();
        server = TestServer.start(cfg -> cfg.withInbound(InboundSettings.DEFAULTS.withAnswerWindow(Duration.ofSeconds(10))
                .withWebhook(DevIdentities.DEV_BOT_APP_ID, webhook.url())));
        botToken = Tokens.devBotToken(server.baseUrl());
        graph = GraphSdk.client(server.baseUrl(), botToken);
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
    }

    /** Alice called the bot, which answered: her leg and the bot's call. */
    private static ClientApi.Joined aliceCallsTheBot(int aliceRx) throws Exception {
        ClientApi.Joined leg = alice.dial(DevIdentities.DEV_BOT_APP_ID, FfmpegPeer.offer(aliceRx, Codec.PCMU, "sendrecv"));
        webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId()), WAIT);
        graph.communications().calls().byCallId(leg.callId()).answer().post(GraphSdk.answerServiceHosted(webhook.url()));
        awaitState(leg.callId(), "established");
        return leg;
    }

    /** The bot calls {@code user} peer to peer, who answers by joining: the bot's call id and the user's leg. */
    private static ClientApi.Joined theBotCalls(ClientApi user, String userId, int rx) throws Exception {
        Call call = graph.communications().calls().post(GraphSdk.call(webhook.url(), userId));
        ClientApi.Joined leg = user.join(call.getId(), FfmpegPeer.offer(rx, Codec.PCMU, "sendrecv"));
        awaitState(call.getId(), "established");
        return leg;
    }

    private static JsonNode awaitState(String callId, String state) throws InterruptedException {
        return webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith("/calls/" + callId)
                && i.path("resourceData").path("state").asText().equals(state), WAIT);
    }

    private static TransferPostRequestBody consultative(String userId, String replacesCallId) {
        InvitationParticipantInfo target = GraphSdk.target(userId);
        target.setReplacesCallId(replacesCallId);
        TransferPostRequestBody body = new TransferPostRequestBody();
        body.setTransferTarget(target);
        return body;
    }

    @Test
    void aConsultativeTransferJoinsTheCallerToTheAgentOnTheSameMediaPortAndEndsBothBotCalls(@TempDir Path dir)
            throws Exception {
        assumeThat(FfmpegPeer.available()).as("ffmpeg at " + FfmpegPeer.FFMPEG).isTrue();
        int aliceRx = FfmpegPeer.freeEvenPortPair();
        int bobRx = FfmpegPeer.freeEvenPortPair();
        ClientApi.Joined aliceLeg = aliceCallsTheBot(aliceRx);                    // call A: alice ↔ bot
        ClientApi.Joined bobLeg = theBotCalls(bob, DevIdentities.BOB_ID, bobRx);  // call B: bot ↔ bob (consultation)
        String a = aliceLeg.callId();
        String b = bobLeg.callId();
        HttpClient ws = HttpClient.newHttpClient();
        try (RosterWatcher aliceRoster = RosterWatcher.connect(ws, alice, a, m -> { });
             RosterWatcher aliceRings = RosterWatcher.ringStream(ws, alice, m -> { })) {
            aliceRoster.await(m -> m.path("type").asText().equals("roster"), WAIT);
            aliceRings.await(m -> m.path("type").asText().equals("listening"), WAIT);

            // as the Graph communications SDK does it: transfer the consultation call, its target the original caller
            graph.communications().calls().byCallId(b).transfer().post(consultative(DevIdentities.ALICE_ID, a));

            awaitState(b, "transferring");
            awaitState(b, "transferAccepted");
            JsonNode bDone = awaitState(b, "terminated");
            assertThat(bDone.path("resourceData").path("resultInfo").path("code").asInt()).isZero();
            assertThat(bDone.path("resourceData").path("resultInfo").path("subcode").asInt()).isEqualTo(7015);
            JsonNode aDone = awaitState(a, "terminated");
            assertThat(aDone.path("resourceData").path("resultInfo").path("subcode").asInt()).isEqualTo(7015);

            JsonNode ended = aliceRoster.await(m -> m.path("type").asText().equals("ended"), WAIT);
            assertThat(ended.path("movedTo").asText()).as("the last roster message of A says where she went").isEqualTo(b);
            JsonNode moved = aliceRings.await(m -> m.path("type").asText().equals("moved"), WAIT);
            assertThat(moved.path("callId").asText()).isEqualTo(b);
            assertThat(moved.path("fromCallId").asText()).isEqualTo(a);
            assertThat(moved.path("participantId").asText()).as("she keeps her participant id").isEqualTo(aliceLeg.participantId());
        }
        ClientApi.Joined aliceInB = aliceLeg.movedTo(b);
        assertThat(aliceInB.location().getPath()).isEqualTo("/client/v1/calls/" + b + "/participants/" + aliceLeg.participantId());
        // a client that missed the move still reaches the new call by the old id: a roster stream opened on A shows B
        try (RosterWatcher late = RosterWatcher.connect(HttpClient.newHttpClient(), alice, a, m -> { })) {
            JsonNode roster = late.await(m -> m.path("type").asText().equals("roster"), WAIT);
            List<String> ids = new java.util.ArrayList<>();
            roster.path("participants").forEach(x -> ids.add(x.path("id").asText()));
            assertThat(ids).containsExactlyInAnyOrder(aliceLeg.participantId(), bobLeg.participantId());
        }
        assertThat(alice.setMuted(aliceLeg, true).path("isMuted").asBoolean()).as("mute by the old address").isTrue();
        assertThat(alice.setMuted(aliceInB, false).path("isMuted").asBoolean()).as("unmute by the new one").isFalse();
        try (RosterWatcher bRoster = RosterWatcher.connect(HttpClient.newHttpClient(), alice, b, m -> { })) {
            JsonNode roster = bRoster.await(m -> m.path("type").asText().equals("roster"), WAIT);
            List<String> ids = new java.util.ArrayList<>();
            roster.path("participants").forEach(x -> ids.add(x.path("id").asText()));
            assertThat(ids).containsExactlyInAnyOrder(aliceLeg.participantId(), bobLeg.participantId()); // the bot left
        }

        // the media: alice sends to the port her dial's answer gave her, and alice and bob hear each other
        int aliceServerPort = MuteEndToEndTest.audioPort(aliceLeg.sdpAnswer());
        int bobServerPort = MuteEndToEndTest.audioPort(bobLeg.sdpAnswer());
        FfmpegPeer.sendReceiverReport(aliceServerPort);
        FfmpegPeer.sendReceiverReport(bobServerPort);
        Path aliceWav = dir.resolve("alice.wav");
        Path bobWav = dir.resolve("bob.wav");
        try (FfmpegPeer aliceVoice = FfmpegPeer.sendTone("127.0.0.1", aliceServerPort, Codec.PCMU, 660, 20, dir);
             FfmpegPeer bobVoice = FfmpegPeer.sendTone("127.0.0.1", bobServerPort, Codec.PCMU, 440, 20, dir)) {
            InboundCallsEndToEndTest.awaitMixed(server, b, List.of(aliceLeg.participantId(), bobLeg.participantId()));
            try (FfmpegPeer aliceEar = FfmpegPeer.receiveWav(aliceRx, Codec.PCMU, aliceWav, 2.5);
                 FfmpegPeer bobEar = FfmpegPeer.receiveWav(bobRx, Codec.PCMU, bobWav, 2.5)) {
                aliceEar.awaitExit(Duration.ofSeconds(15));
                bobEar.awaitExit(Duration.ofSeconds(15));
            }
        }
        assertThat(ToneAnalysis.verdict(ToneAnalysis.levelDbfs(aliceWav, 440))).as("alice hears bob").isEqualTo(ToneAnalysis.Verdict.PRESENT);
        assertThat(ToneAnalysis.verdict(ToneAnalysis.levelDbfs(bobWav, 660))).as("bob hears alice").isEqualTo(ToneAnalysis.Verdict.PRESENT);

        // her participant is addressed by the new call id; leaving ends the two-party call for bob too
        assertThat(alice.setMuted(aliceInB, true).path("isMuted").asBoolean()).isTrue();
        alice.leave(aliceInB);
        dev.switchboard.media.RtpMediaEngine media = (dev.switchboard.media.RtpMediaEngine) server.server().media();
        assertThat(media.legStats(b, bobLeg.participantId())).as("the call ended: bob's leg is closed").isEmpty();
    }

    @Test
    void anInvitationWithReplacesCallIdMovesTheUserIntoTheGroupCallAndEndsTheirPeerToPeerCall() throws Exception {
        ClientApi.Joined carolLeg = theBotCalls(carol, DevIdentities.CAROL_ID, FfmpegPeer.freeEvenPortPair()); // call P
        Call group = graph.communications().calls().post(GraphSdk.call(webhook.url(), DevIdentities.BOB_ID,
                DevIdentities.ALICE_ID));
        ClientApi.Joined bobLeg = bob.join(group.getId(), FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(), Codec.PCMU, "sendrecv"));
        awaitState(group.getId(), "established");
        String p = carolLeg.callId();

        InvitePostRequestBody invite = new InvitePostRequestBody();
        InvitationParticipantInfo who = GraphSdk.target(DevIdentities.CAROL_ID);
        who.setReplacesCallId(p);
        invite.setParticipants(List.of(who));
        invite.setClientContext("escalate-1");
        InviteParticipantsOperation op = graph.communications().calls().byCallId(group.getId()).participants().invite()
                .post(invite);
        assertThat(op.getParticipants()).hasSize(1);

        JsonNode completed = webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith("/operations/" + op.getId())
                && i.path("resourceData").path("status").asText().equalsIgnoreCase("completed"), WAIT);
        assertThat(completed.path("resourceData").path("clientContext").asText()).isEqualTo("escalate-1");
        JsonNode pDone = awaitState(p, "terminated");
        assertThat(pDone.path("resourceData").path("resultInfo").path("subcode").asInt()).isEqualTo(7015);
        List<Participant> roster = graph.communications().calls().byCallId(group.getId()).participants().get().getValue();
        assertThat(roster).extracting(Participant::getId).contains(carolLeg.participantId(), bobLeg.participantId());
        assertThat(roster).filteredOn(x -> x.getId().equals(carolLeg.participantId()))
                .allSatisfy(x -> assertThat(x.getInfo().getIdentity().getUser().getId()).isEqualTo(DevIdentities.CAROL_ID));
        assertThat(((dev.switchboard.media.RtpMediaEngine) server.server().media()).legStats(group.getId(),
                carolLeg.participantId())).as("her leg is in the group call's room").isPresent();
        graph.communications().calls().byCallId(group.getId()).delete();
    }

    @Test
    void badReplacesCallIdsAreRefusedAndChangeNothing() throws Exception {
        ClientApi.Joined aliceLeg = aliceCallsTheBot(FfmpegPeer.freeEvenPortPair());
        ClientApi.Joined bobLeg = theBotCalls(bob, DevIdentities.BOB_ID, FfmpegPeer.freeEvenPortPair());
        String a = aliceLeg.callId();
        String b = bobLeg.callId();
        Call group = graph.communications().calls().post(GraphSdk.call(webhook.url(), DevIdentities.CAROL_ID,
                DevIdentities.BOB_ID));
        carol.join(group.getId(), FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(), Codec.PCMU, "sendrecv"));
        String transfer = "/v1.0/communications/calls/" + b + "/transfer";
        String user = "{\"user\":{\"id\":\"%s\"}}";

        assertError(transfer, target(user.formatted(DevIdentities.ALICE_ID), "\"" + b + "\""), 400, "names the call itself");
        assertError(transfer, target(user.formatted(DevIdentities.ALICE_ID), "\"\""), 400, "replacesCallId");
        assertError(transfer, target(user.formatted(DevIdentities.ALICE_ID), "42"), 400, "replacesCallId");
        assertError(transfer, target(user.formatted(DevIdentities.ALICE_ID), "\"no-such-call\""), 404, "no-such-call");
        assertError(transfer, target(user.formatted(DevIdentities.CAROL_ID), "\"" + a + "\""), 400, "not connected");
        assertError(transfer, target(user.formatted(DevIdentities.CAROL_ID), "\"" + group.getId() + "\""), 400, "group call");
        assertError(transfer, target("{\"application\":{\"id\":\"" + DevIdentities.DEV_BOT_APP_ID + "\"}}", "\"" + a + "\""),
                400, "must be a user");
        assertError("/v1.0/communications/calls/" + group.getId() + "/transfer",
                target(user.formatted(DevIdentities.ALICE_ID), "\"" + a + "\""), 400, "needs 'transferee'");
        String invite = "/v1.0/communications/calls/" + group.getId() + "/participants/invite";
        assertError(invite, "{\"participants\":[{\"identity\":" + user.formatted(DevIdentities.ALICE_ID)
                + ",\"replacesCallId\":\"" + a + "\"},{\"identity\":" + user.formatted(DevIdentities.BOB_ID) + "}]}",
                400, "one participant only");
        assertError(invite, "{\"participants\":[{\"identity\":" + user.formatted(DevIdentities.ALICE_ID)
                + ",\"replacesCallId\":\"" + group.getId() + "\"}]}", 400, "names the call itself");
        JsonNode p2p = GraphHttp.graphError(http.post("/v1.0/communications/calls/" + a + "/participants/invite",
                botToken, "{\"participants\":[{\"identity\":" + user.formatted(DevIdentities.BOB_ID)
                        + ",\"replacesCallId\":\"" + b + "\"}]}"), 400, "NotSupportedInPeerToPeerCall");
        assertThat(p2p.path("message").asText()).contains("group call");

        // a call that is not established yet cannot be replaced; an invitee already in the group call is refused
        String ringing = graph.communications().calls().post(GraphSdk.call(webhook.url(), DevIdentities.CAROL_ID)).getId();
        assertError(transfer, target(user.formatted(DevIdentities.CAROL_ID), "\"" + ringing + "\""), 409, "only an established call");
        bob.join(group.getId(), FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(), Codec.PCMU, "sendrecv")); // bob: in B and in the group
        assertError(invite, "{\"participants\":[{\"identity\":" + user.formatted(DevIdentities.BOB_ID)
                + ",\"replacesCallId\":\"" + b + "\"}]}", 400, "already in this call");
        graph.communications().calls().byCallId(ringing).delete();

        // another tenant's bot finds no such call
        String otherBot = Tokens.otherTenantBotToken(server.baseUrl());
        JsonNode error = GraphHttp.graphError(http.post(transfer, otherBot, target(user.formatted(DevIdentities.ALICE_ID),
                "\"" + a + "\"")), 404, "itemNotFound");
        assertThat(error.path("message").asText()).isNotBlank();

        // nothing changed: both calls are established, alice and bob still in them
        assertThat(graph.communications().calls().byCallId(a).get().getState()).isEqualTo(CallState.Established);
        assertThat(graph.communications().calls().byCallId(b).get().getState()).isEqualTo(CallState.Established);
        assertThat(alice.legStatus(aliceLeg).path("state").asText()).isEqualTo("connected");
        graph.communications().calls().byCallId(a).delete();
        graph.communications().calls().byCallId(b).delete();
        graph.communications().calls().byCallId(group.getId()).delete();
    }

    private static String target(String identity, String replaces) {
        return "{\"transferTarget\":{\"identity\":" + identity + ",\"replacesCallId\":" + replaces + "}}";
    }

    private static void assertError(String path, String body, int status, String messagePart) throws Exception {
        String code = status == 404 ? "itemNotFound" : status == 409 ? "Conflict" : "BadRequest";
        JsonNode error = GraphHttp.graphError(http.post(path, botToken, body), status, code);
        assertThat(error.path("message").asText()).as(body).contains(messagePart);
    }
}
