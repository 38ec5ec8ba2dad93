package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.communications.calls.item.answer.AnswerPostRequestBody;
import com.microsoft.graph.communications.calls.item.redirect.RedirectPostRequestBody;
import com.microsoft.graph.communications.calls.item.transfer.TransferPostRequestBody;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.CallState;
import com.microsoft.graph.models.Modality;
import com.microsoft.graph.models.ServiceHostedMediaConfig;
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

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Users are rung (docs/inbound-calls.md): bob keeps his ring stream open ({@code /client/v1/ring}, what
 * {@code switchboard participant --answer} waits on), hears each call that rings him, and answers by joining with an
 * SDP offer or declines. Driven by the official Graph Java SDK; real ffmpeg RTP peers where audio is judged.
 */
class RingingUsersEndToEndTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    static TestServer server;
    static CallbackReceiver webhook;
    static GraphServiceClient graph;
    static ClientApi alice;
    static ClientApi bob;
    static RosterWatcher bobRings;
    static ClientApi carol;
    static RosterWatcher carolRings;

    @BeforeAll
    static void start() throws Exception {
        webhook = new CallbackReceiver();
        server = TestServer.start(cfg -> cfg.withInbound(InboundSettings.DEFAULTS.withAnswerWindow(Duration.ofSeconds(10))
                .withWebhook(DevIdentities.DEV_BOT_APP_ID, webhook.url())));
        graph = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
        alice = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.aliceToken(server.baseUrl()));
        bob = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.bobToken(server.baseUrl()));
        bobRings = RosterWatcher.ringStream(HttpClient.newHttpClient(), bob, m -> { });
        bobRings.await(m -> m.path("type").asText().equals("listening"), WAIT);
        carol = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.carolToken(server.baseUrl()));
        carolRings = RosterWatcher.ringStream(HttpClient.newHttpClient(), carol, m -> { });
        carolRings.await(m -> m.path("type").asText().equals("listening"), WAIT);
    }

    @AfterAll
    static void stop() {
        if (bobRings != null) {
            bobRings.close();
        }
        if (carolRings != null) {
            carolRings.close();
        }
        if (server != null) {
            server.close();
        }
        if (webhook != null) {
            webhook.close();
        }
    }

    @Test
    void aBotsPeerToPeerCallRingsTheUserWhoAnswersByJoining() throws Exception {
        Call call = graph.communications().calls().post(GraphSdk.call(webhook.url(), DevIdentities.BOB_ID));
        JsonNode ringing = bobRings.await(m -> m.path("type").asText().equals("ringing")
                && m.path("callId").asText().equals(call.getId()), WAIT);
        assertThat(ringing.path("from").path("application").path("id").asText()).isEqualTo(DevIdentities.DEV_BOT_APP_ID);
        ClientApi.Joined joined = bob.join(call.getId(), FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(), Codec.PCMU, "sendrecv"));
        webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(call.getId())
                && i.path("resourceData").path("state").asText().equals("established"), WAIT);
        bobRings.await(m -> m.path("type").asText().equals("answered") && m.path("callId").asText().equals(call.getId()), WAIT);
        bob.leave(joined);
    }

    @Test
    void aUserWhoDeclinesEndsTheBotsCallWithTheReason() throws Exception {
        Call call = graph.communications().calls().post(GraphSdk.call(webhook.url(), DevIdentities.BOB_ID));
        bobRings.await(m -> m.path("type").asText().equals("ringing") && m.path("callId").asText().equals(call.getId()), WAIT);
        bob.decline(call.getId(), "busy");
        JsonNode ended = webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(call.getId())
                && i.path("resourceData").path("state").asText().equals("terminated"), WAIT);
        assertThat(ended.path("resourceData").path("resultInfo").path("code").asInt()).isEqualTo(486);
        JsonNode cancelled = bobRings.await(m -> m.path("type").asText().equals("cancelled")
                && m.path("callId").asText().equals(call.getId()), WAIT);
        assertThat(cancelled.path("reason").path("code").asInt()).isEqualTo(486);
    }

    @Test
    void aDeclineWhoseBodyIsNotAReasonObjectIsRefusedAndTheCallStillRings() throws Exception {
        Call call = graph.communications().calls().post(GraphSdk.call(webhook.url(), DevIdentities.BOB_ID));
        bobRings.await(m -> m.path("type").asText().equals("ringing") && m.path("callId").asText().equals(call.getId()), WAIT);
        String bobToken = Tokens.bobToken(server.baseUrl());
        String path = "/client/v1/calls/" + call.getId() + "/decline";
        GraphHttp http = new GraphHttp(server.baseUrl());
        for (String body : List.of("[]", "\"busy\"", "null", "{\"reason\":5}", "{\"reason\":\"busy\"} x")) {
            JsonNode error = GraphHttp.graphError(http.post(path, bobToken, body), 400, "BadRequest");
            assertThat(error.path("message").asText()).as(body).isNotBlank();
            assertThat(graph.communications().calls().byCallId(call.getId()).get().getState())
                    .as("a refused decline (" + body + ") leaves the call ringing").isEqualTo(CallState.Establishing);
        }
        HttpResponse<String> form = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Authorization", "Bearer " + bobToken).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"busy\"}")).build(), HttpResponse.BodyHandlers.ofString());
        GraphHttp.graphError(form, 415, "UnsupportedMediaType");
        assertThat(graph.communications().calls().byCallId(call.getId()).get().getState()).isEqualTo(CallState.Establishing);
        bob.decline(call.getId(), "busy");
        webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(call.getId())
                && i.path("resourceData").path("state").asText().equals("terminated"), WAIT);
    }

    @Test
    void anInvitationRingsTheInvitee() throws Exception {
        Call call = graph.communications().calls().post(GraphSdk.call(webhook.url(), DevIdentities.ALICE_ID,
                DevIdentities.CAROL_ID));
        var body = new com.microsoft.graph.communications.calls.item.participants.invite.InvitePostRequestBody();
        body.setParticipants(List.of(GraphSdk.target(DevIdentities.BOB_ID)));
        graph.communications().calls().byCallId(call.getId()).participants().invite().post(body);
        bobRings.await(m -> m.path("type").asText().equals("ringing") && m.path("callId").asText().equals(call.getId()), WAIT);
        graph.communications().calls().byCallId(call.getId()).delete();
    }

    @Test
    void aUserInAnotherCallHearsTheRingOnTheirRosterStream() throws Exception {
        Call group = graph.communications().calls().post(GraphSdk.call(webhook.url(), DevIdentities.ALICE_ID,
                DevIdentities.CAROL_ID));
        ClientApi.Joined inGroup = alice.join(group.getId(), FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(), Codec.PCMU,
                "sendrecv"));
        try (RosterWatcher roster = RosterWatcher.connect(HttpClient.newHttpClient(), alice, group.getId(), m -> { })) {
            roster.await(m -> m.path("type").asText().equals("roster"), WAIT);
            Call p2p = graph.communications().calls().post(GraphSdk.call(webhook.url(), DevIdentities.ALICE_ID));
            JsonNode ringing = roster.await(m -> m.path("type").asText().equals("ringing")
                    && m.path("callId").asText().equals(p2p.getId()), WAIT);
            assertThat(ringing.path("from").path("application").path("id").asText()).isEqualTo(DevIdentities.DEV_BOT_APP_ID);
            assertThat(ringing.path("deadline").asText()).isNotEmpty();
            graph.communications().calls().byCallId(p2p.getId()).delete();
            JsonNode cancelled = roster.await(m -> m.path("type").asText().equals("cancelled")
                    && m.path("callId").asText().equals(p2p.getId()), WAIT);
            assertThat(cancelled.has("reason")).isTrue();
            assertThat(roster.messages()).as("the group call's roster stream goes on").noneMatch(m -> m.path("type").asText().equals("ended"));
        } finally {
            alice.leave(inGroup);
            graph.communications().calls().byCallId(group.getId()).delete();
        }
    }

    @Test
    void aRingingCallRedirectedToAUserConnectsTheCallerWhenTheyJoin() throws Exception {
        ClientApi.Joined leg = alice.dial(DevIdentities.DEV_BOT_APP_ID, FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(),
                Codec.PCMU, "sendrecv"));
        webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId()), WAIT);
        RedirectPostRequestBody redirect = new RedirectPostRequestBody();
        redirect.setTargets(List.of(GraphSdk.target(DevIdentities.BOB_ID)));
        graph.communications().calls().byCallId(leg.callId()).redirect().post(redirect);
        JsonNode ringing = bobRings.await(m -> m.path("type").asText().equals("ringing")
                && m.path("callId").asText().equals(leg.callId()), WAIT);
        assertThat(ringing.path("from").path("user").path("id").asText()).as("the caller rings bob").isEqualTo(DevIdentities.ALICE_ID);
        webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId())
                && i.path("resourceData").path("state").asText().equals("terminated"), WAIT);
        ClientApi.Joined bobLeg = bob.join(leg.callId(), FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(), Codec.PCMU, "sendrecv"));
        bobRings.await(m -> m.path("type").asText().equals("answered") && m.path("callId").asText().equals(leg.callId()), WAIT);
        assertThat(alice.legStatus(leg).path("state").asText()).isEqualTo("connected");
        bob.leave(bobLeg);
        assertThat(alice.legStatus(leg).path("state").asText()).isEqualTo("ended");
    }

    @Test
    void aRedirectToTwoUsersRingsBothAndTheFirstToAnswerWinsWhileTheOtherIsCancelled(@TempDir Path dir) throws Exception {
        assumeThat(FfmpegPeer.available()).as("ffmpeg at " + FfmpegPeer.FFMPEG).isTrue();
        Codec codec = Codec.PCMU;
        int aliceRx = FfmpegPeer.freeEvenPortPair();
        int bobRx = FfmpegPeer.freeEvenPortPair();
        ClientApi.Joined leg = alice.dial(DevIdentities.DEV_BOT_APP_ID, FfmpegPeer.offer(aliceRx, codec, "sendrecv"));
        webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId()), WAIT);
        RedirectPostRequestBody redirect = new RedirectPostRequestBody();
        redirect.setTargets(List.of(GraphSdk.target(DevIdentities.BOB_ID), GraphSdk.target(DevIdentities.CAROL_ID)));
        graph.communications().calls().byCallId(leg.callId()).redirect().post(redirect);
        bobRings.await(m -> m.path("type").asText().equals("ringing") && m.path("callId").asText().equals(leg.callId()), WAIT);
        JsonNode carolRinging = carolRings.await(m -> m.path("type").asText().equals("ringing")
                && m.path("callId").asText().equals(leg.callId()), WAIT);
        assertThat(carolRinging.path("from").path("user").path("id").asText()).isEqualTo(DevIdentities.ALICE_ID);

        ClientApi.Joined bobLeg = bob.join(leg.callId(), FfmpegPeer.offer(bobRx, codec, "sendrecv"));
        bobRings.await(m -> m.path("type").asText().equals("answered") && m.path("callId").asText().equals(leg.callId()), WAIT);
        JsonNode cancelled = carolRings.await(m -> m.path("type").asText().equals("cancelled")
                && m.path("callId").asText().equals(leg.callId()), WAIT);
        assertThat(cancelled.path("reason").path("code").asInt()).as("answered elsewhere").isEqualTo(487);
        assertThatThrownBy(() -> carol.join(leg.callId(), FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(), codec, "sendrecv")))
                .as("the loser can no longer join the peer-to-peer call").isInstanceOf(RuntimeException.class);
        assertThat(alice.legStatus(leg).path("state").asText()).isEqualTo("connected");

        int aliceServerPort = MuteEndToEndTest.audioPort(leg.sdpAnswer());
        int bobServerPort = MuteEndToEndTest.audioPort(bobLeg.sdpAnswer());
        FfmpegPeer.sendReceiverReport(aliceServerPort);
        FfmpegPeer.sendReceiverReport(bobServerPort);
        Path aliceWav = dir.resolve("alice.wav");
        Path bobWav = dir.resolve("bob.wav");
        try (FfmpegPeer aliceVoice = FfmpegPeer.sendTone("127.0.0.1", aliceServerPort, codec, 660, 20, dir);
             FfmpegPeer bobVoice = FfmpegPeer.sendTone("127.0.0.1", bobServerPort, codec, 440, 20, dir)) {
            InboundCallsEndToEndTest.awaitMixed(server, leg.callId(), List.of(leg.participantId(), bobLeg.participantId()));
            try (FfmpegPeer aliceEar = FfmpegPeer.receiveWav(aliceRx, codec, aliceWav, 2.5);
                 FfmpegPeer bobEar = FfmpegPeer.receiveWav(bobRx, codec, bobWav, 2.5)) {
                aliceEar.awaitExit(Duration.ofSeconds(15));
                bobEar.awaitExit(Duration.ofSeconds(15));
            }
        }
        assertThat(ToneAnalysis.verdict(ToneAnalysis.levelDbfs(aliceWav, 440))).as("alice hears bob").isEqualTo(ToneAnalysis.Verdict.PRESENT);
        assertThat(ToneAnalysis.verdict(ToneAnalysis.levelDbfs(bobWav, 660))).as("bob hears alice").isEqualTo(ToneAnalysis.Verdict.PRESENT);
        bob.leave(bobLeg);
    }

    @Test
    void aRedirectToTwoUsersGoesOnRingingWhenOneDeclinesAndEndsWhenBothHave() throws Exception {
        ClientApi.Joined leg = alice.dial(DevIdentities.DEV_BOT_APP_ID, FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(),
                Codec.PCMU, "sendrecv"));
        webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId()), WAIT);
        RedirectPostRequestBody redirect = new RedirectPostRequestBody();
        redirect.setTargets(List.of(GraphSdk.target(DevIdentities.BOB_ID), GraphSdk.target(DevIdentities.CAROL_ID)));
        graph.communications().calls().byCallId(leg.callId()).redirect().post(redirect);
        bobRings.await(m -> m.path("type").asText().equals("ringing") && m.path("callId").asText().equals(leg.callId()), WAIT);
        carolRings.await(m -> m.path("type").asText().equals("ringing") && m.path("callId").asText().equals(leg.callId()), WAIT);
        bob.decline(leg.callId(), "busy");
        bobRings.await(m -> m.path("type").asText().equals("cancelled") && m.path("callId").asText().equals(leg.callId()), WAIT);
        assertThat(alice.legStatus(leg).path("state").asText()).as("carol still rings").isEqualTo("ringing");
        carol.decline(leg.callId(), "forbidden");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!alice.legStatus(leg).path("state").asText().equals("ended") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        JsonNode status = alice.legStatus(leg);
        assertThat(status.path("state").asText()).isEqualTo("ended");
        assertThat(status.path("endReason").path("code").asInt()).as("the last target's reason").isEqualTo(403);
    }

    @Test
    void aTransferToAUserConnectsCallerAndTargetAndEndsTheBotsCallWith7015(@TempDir Path dir) throws Exception {
        assumeThat(FfmpegPeer.available()).as("ffmpeg at " + FfmpegPeer.FFMPEG).isTrue();
        Codec codec = Codec.PCMU;
        int aliceRx = FfmpegPeer.freeEvenPortPair();
        int bobRx = FfmpegPeer.freeEvenPortPair();
        ClientApi.Joined leg = alice.dial(DevIdentities.DEV_BOT_APP_ID, FfmpegPeer.offer(aliceRx, codec, "sendrecv"));
        webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId()), WAIT);
        graph.communications().calls().byCallId(leg.callId()).answer().post(serviceHosted());
        webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId())
                && i.path("resourceData").path("state").asText().equals("established"), WAIT);

        // bob declines the first transfer: it fails and the call goes on
        graph.communications().calls().byCallId(leg.callId()).transfer().post(transferToBob());
        bobRings.await(m -> m.path("type").asText().equals("ringing") && m.path("callId").asText().equals(leg.callId()), WAIT);
        bob.decline(leg.callId(), "busy");
        JsonNode failed = webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId())
                && i.path("resourceData").has("resultInfo")
                && i.path("resourceData").path("state").asText().equals("established"), WAIT);
        assertThat(failed.path("resourceData").path("resultInfo").path("code").asInt()).isEqualTo(500);
        assertThat(graph.communications().calls().byCallId(leg.callId()).get().getState()).isEqualTo(CallState.Established);

        // the second time he answers: the bot's call ends with 0/7015 and alice and bob hear each other
        int ringsBefore = bobRings.messages().size();
        graph.communications().calls().byCallId(leg.callId()).transfer().post(transferToBob());
        bobRings.await(m -> bobRings.messages().indexOf(m) >= ringsBefore && m.path("type").asText().equals("ringing"), WAIT);
        ClientApi.Joined bobLeg = bob.join(leg.callId(), FfmpegPeer.offer(bobRx, codec, "sendrecv"));
        webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId())
                && i.path("resourceData").path("state").asText().equals("transferAccepted"), WAIT);
        JsonNode done = webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId())
                && i.path("resourceData").path("state").asText().equals("terminated"), WAIT);
        assertThat(done.path("resourceData").path("resultInfo").path("subcode").asInt()).isEqualTo(7015);

        int aliceServerPort = MuteEndToEndTest.audioPort(leg.sdpAnswer());
        int bobServerPort = MuteEndToEndTest.audioPort(bobLeg.sdpAnswer());
        FfmpegPeer.sendReceiverReport(aliceServerPort);
        FfmpegPeer.sendReceiverReport(bobServerPort);
        Path aliceWav = dir.resolve("alice.wav");
        Path bobWav = dir.resolve("bob.wav");
        try (FfmpegPeer aliceVoice = FfmpegPeer.sendTone("127.0.0.1", aliceServerPort, codec, 660, 20, dir);
             FfmpegPeer bobVoice = FfmpegPeer.sendTone("127.0.0.1", bobServerPort, codec, 440, 20, dir)) {
            InboundCallsEndToEndTest.awaitMixed(server, leg.callId(), List.of(leg.participantId(), bobLeg.participantId()));
            try (FfmpegPeer aliceEar = FfmpegPeer.receiveWav(aliceRx, codec, aliceWav, 2.5);
                 FfmpegPeer bobEar = FfmpegPeer.receiveWav(bobRx, codec, bobWav, 2.5)) {
                aliceEar.awaitExit(Duration.ofSeconds(15));
                bobEar.awaitExit(Duration.ofSeconds(15));
            }
        }
        assertThat(ToneAnalysis.verdict(ToneAnalysis.levelDbfs(aliceWav, 440))).as("alice hears bob").isEqualTo(ToneAnalysis.Verdict.PRESENT);
        assertThat(ToneAnalysis.verdict(ToneAnalysis.levelDbfs(bobWav, 660))).as("bob hears alice").isEqualTo(ToneAnalysis.Verdict.PRESENT);
        bob.leave(bobLeg);
    }

    static TransferPostRequestBody transferToBob() {
        TransferPostRequestBody transfer = new TransferPostRequestBody();
        transfer.setTransferTarget(GraphSdk.target(DevIdentities.BOB_ID));
        return transfer;
    }

    static AnswerPostRequestBody serviceHosted() {
        return GraphSdk.answerServiceHosted(webhook.url());
    }
}
