package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.graph.communications.calls.item.answer.AnswerPostRequestBody;
import com.microsoft.graph.communications.calls.item.redirect.RedirectPostRequestBody;
import com.microsoft.graph.communications.calls.item.reject.RejectPostRequestBody;
import com.microsoft.graph.communications.calls.item.transfer.TransferPostRequestBody;
import com.microsoft.graph.models.AppHostedMediaConfig;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.CallDirection;
import com.microsoft.graph.models.CallState;
import com.microsoft.graph.models.Identity;
import com.microsoft.graph.models.IdentitySet;
import com.microsoft.graph.models.InvitationParticipantInfo;
import com.microsoft.graph.models.Modality;
import com.microsoft.graph.models.RejectReason;
import com.microsoft.graph.models.ServiceHostedMediaConfig;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.notify.NotificationKeys;
import dev.switchboard.notify.NotificationVerifier;
import dev.switchboard.notify.WebhookNotifier;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * People call bots (docs/inbound-calls.md), end to end: alice dials through the client API with an ffmpeg RTP peer,
 * the Dev Bot's calling webhook (a real HTTP receiver) gets the signed incoming-call notification, and the bot decides
 * with the official Graph Java SDK. Audio is judged by Goertzel as in the other end-to-end tests: the bot plays
 * 440 Hz, alice 660 Hz. A second bot (the Dev P2P Bot) is the target of redirects and transfers.
 */
class InboundCallsEndToEndTest {
    static final int BOT_HZ = 440;
    static final int ALICE_HZ = 660;
    /** Short, so the unanswered case is quick; the default is Graph's 15 s (InboundSettings). */
    static final Duration WINDOW = Duration.ofSeconds(6);
    static final Duration WAIT = Duration.ofSeconds(30);

    static TestServer server;
    static CallbackReceiver webhook;
    static CallbackReceiver secondWebhook;
    static CallbackReceiver callbacks;
    static GraphServiceClient graph;
    static GraphServiceClient secondBot;
    static GraphServiceClient otherTenantBot;
    static ClientApi alice;
    static NotificationVerifier devBotVerifier;
    static NotificationVerifier secondBotVerifier;

    @BeforeAll
    static void start() throws Exception {
        webhook = new CallbackReceiver();
        secondWebhook = new CallbackReceiver();
        callbacks = new CallbackReceiver();
        server = TestServer.start(cfg -> cfg.withInbound(InboundSettings.DEFAULTS.withAnswerWindow(WINDOW)
                .withWebhook(DevIdentities.DEV_BOT_APP_ID, webhook.url())
                .withWebhook(DevIdentities.P2P_BOT_APP_ID, secondWebhook.url())));
        graph = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
        secondBot = GraphSdk.client(server.baseUrl(), Tokens.p2pBotToken(server.baseUrl()));
        otherTenantBot = GraphSdk.client(server.baseUrl(), Tokens.otherTenantBotToken(server.baseUrl()));
        alice = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.aliceToken(server.baseUrl()));
        URI jwks = URI.create(server.baseUrl() + "/" + DevIdentities.TENANT_ID + "/discovery/v2.0/keys");
        String devBotToken = Tokens.devBotToken(server.baseUrl());
        String secondBotToken = Tokens.p2pBotToken(server.baseUrl());
        devBotVerifier = NotificationVerifier.forJwksUrl(jwks.toURL(), DevIdentities.DEV_BOT_APP_ID,
                NotificationVerifier.DEFAULT_ISSUERS, NotificationKeys.fetchedFrom(URI.create(server.baseUrl()), t -> devBotToken));
        secondBotVerifier = NotificationVerifier.forJwksUrl(jwks.toURL(), DevIdentities.P2P_BOT_APP_ID,
                NotificationVerifier.DEFAULT_ISSUERS, NotificationKeys.fetchedFrom(URI.create(server.baseUrl()), t -> secondBotToken));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        for (CallbackReceiver r : new CallbackReceiver[] {webhook, secondWebhook, callbacks}) {
            if (r != null) {
                r.close();
            }
        }
    }

    @Test
    void theBotHearsTheIncomingCallAndAnswersWithAppHostedMediaAndBothHearEachOther(@TempDir Path dir) throws Exception {
        assumeThat(FfmpegPeer.available()).as("ffmpeg at " + FfmpegPeer.FFMPEG).isTrue();
        Codec codec = Codec.PCMU;
        int aliceRx = FfmpegPeer.freeEvenPortPair();
        int botRx = FfmpegPeer.freeEvenPortPair();
        ClientApi.Joined leg = alice.dial(DevIdentities.DEV_BOT_APP_ID, FfmpegPeer.offer(aliceRx, codec, "sendrecv"));
        assertThat(leg.sdpAnswer()).contains("m=audio");

        JsonNode incoming = webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId()), WAIT);
        assertThat(incoming.path("changeType").asText()).isEqualTo("created");
        JsonNode data = incoming.path("resourceData");
        assertThat(data.path("state").asText()).isEqualTo("incoming");
        assertThat(data.path("direction").asText()).isEqualTo("incoming");
        assertThat(data.path("source").path("identity").path("user").path("id").asText()).isEqualTo(DevIdentities.ALICE_ID);
        assertThat(data.path("targets").get(0).path("identity").path("application").path("id").asText())
                .isEqualTo(DevIdentities.DEV_BOT_APP_ID);
        assertThat(data.path("tenantId").asText()).isEqualTo(DevIdentities.TENANT_ID);
        assertThat(data.path("myParticipantId").asText()).isNotBlank();
        assertThat(data.path("callChainId").asText()).isNotBlank();
        assertThat(data.path("incomingContext").path("sourceParticipantId").asText()).isEqualTo(leg.participantId());
        assertThat(alice.legStatus(leg).path("state").asText()).isEqualTo("ringing");

        Call ringing = graph.communications().calls().byCallId(leg.callId()).get();
        assertThat(ringing.getState()).isEqualTo(CallState.Incoming);
        assertThat(ringing.getDirection()).isEqualTo(CallDirection.Incoming);
        assertThat(ringing.getSource().getIdentity().getUser().getId()).isEqualTo(DevIdentities.ALICE_ID);
        assertThat(ringing.getIncomingContext().getSourceParticipantId()).isEqualTo(leg.participantId());

        AnswerPostRequestBody answer = new AnswerPostRequestBody();
        answer.setCallbackUri(callbacks.url());
        answer.setAcceptedModalities(List.of(Modality.Audio));
        AppHostedMediaConfig media = new AppHostedMediaConfig();
        media.setBlob(FfmpegPeer.offer(botRx, codec, "sendrecv"));
        answer.setMediaConfig(media);
        graph.communications().calls().byCallId(leg.callId()).answer().post(answer);

        callbacks.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId())
                && i.path("resourceData").path("state").asText().equals("established"), WAIT);
        Call established = graph.communications().calls().byCallId(leg.callId()).get();
        assertThat(established.getState()).isEqualTo(CallState.Established);
        String botAnswer = ((AppHostedMediaConfig) established.getMediaConfig()).getBlob();
        assertThat(alice.legStatus(leg).path("state").asText()).isEqualTo("connected");

        int botServerPort = MuteEndToEndTest.audioPort(botAnswer);
        int aliceServerPort = MuteEndToEndTest.audioPort(leg.sdpAnswer());
        FfmpegPeer.sendReceiverReport(botServerPort);
        FfmpegPeer.sendReceiverReport(aliceServerPort);
        Path botWav = dir.resolve("bot.wav");
        Path aliceWav = dir.resolve("alice.wav");
        try (FfmpegPeer botVoice = FfmpegPeer.sendTone("127.0.0.1", botServerPort, codec, BOT_HZ, 20, dir);
             FfmpegPeer aliceVoice = FfmpegPeer.sendTone("127.0.0.1", aliceServerPort, codec, ALICE_HZ, 20, dir)) {
            awaitMixed(server, leg.callId(), List.of(established.getMyParticipantId(), leg.participantId()));
            try (FfmpegPeer botEar = FfmpegPeer.receiveWav(botRx, codec, botWav, 2.5);
                 FfmpegPeer aliceEar = FfmpegPeer.receiveWav(aliceRx, codec, aliceWav, 2.5)) {
                botEar.awaitExit(Duration.ofSeconds(15));
                aliceEar.awaitExit(Duration.ofSeconds(15));
            }
        }
        assertThat(ToneAnalysis.verdict(ToneAnalysis.levelDbfs(aliceWav, BOT_HZ))).as("the caller hears the bot")
                .isEqualTo(ToneAnalysis.Verdict.PRESENT);
        assertThat(ToneAnalysis.verdict(ToneAnalysis.levelDbfs(botWav, ALICE_HZ))).as("the bot hears the caller")
                .isEqualTo(ToneAnalysis.Verdict.PRESENT);

        alice.leave(leg); // the caller hangs up after the answer
        callbacks.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId())
                && i.path("resourceData").path("state").asText().equals("terminated"), WAIT);
        assertThat(states(leg.callId(), devBotVerifier, webhook, callbacks))
                .containsExactly("incoming", "establishing", "established", "terminating", "terminated");
        assertThat(alice.legStatus(leg).path("state").asText()).isEqualTo("ended");
    }

    @Test
    void aServiceHostedAnswerByTheQualifiedActionNameConnectsTheCallerToTheBotsMediaLeg() throws Exception {
        ClientApi.Joined leg = alice.dial(DevIdentities.DEV_BOT_APP_ID, FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(),
                Codec.PCMU, "sendrecv"));
        webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId()), WAIT);
        HttpResponse<String> r = post("/v1.0/communications/calls/" + leg.callId() + "/microsoft.graph.answer",
                Tokens.devBotToken(server.baseUrl()), """
                        {"callbackUri":"%s","acceptedModalities":["audio"],
                         "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig","preFetchMedia":[]}}"""
                        .formatted(callbacks.url()));
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.body()).isEmpty();
        callbacks.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId())
                && i.path("resourceData").path("state").asText().equals("established"), WAIT);
        Call call = graph.communications().calls().byCallId(leg.callId()).get();
        assertThat(call.getMediaConfig()).isInstanceOf(ServiceHostedMediaConfig.class);
        assertThat(graph.communications().calls().byCallId(leg.callId()).participants().get().getValue())
                .extracting(p -> p.getId()).containsExactlyInAnyOrder(leg.participantId(), call.getMyParticipantId());

        // answering twice is a Graph error; the call goes on
        GraphSdk.expectError(() -> graph.communications().calls().byCallId(leg.callId()).answer().post(serviceHosted()),
                409, "Conflict");
        graph.communications().calls().byCallId(leg.callId()).delete();
        assertThat(alice.legStatus(leg).path("endReason").path("subcode").asInt()).isEqualTo(5001);
    }

    @Test
    void anAnswerWithAMistypedParticipantCapacityOrAnUnknownCallOptionsTypeIsRefusedAndTheCallStillRings() throws Exception {
        ClientApi.Joined leg = alice.dial(DevIdentities.DEV_BOT_APP_ID, FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(),
                Codec.PCMU, "sendrecv"));
        webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId()), WAIT);
        String token = Tokens.devBotToken(server.baseUrl());
        String path = "/v1.0/communications/calls/" + leg.callId() + "/answer";
        String media = "\"mediaConfig\":{\"@odata.type\":\"#microsoft.graph.serviceHostedMediaConfig\"}";
        for (String[] refused : new String[][] {
                {"{" + media + ",\"participantCapacity\":\"x\"}", "'participantCapacity'"},
                {"{" + media + ",\"participantCapacity\":2.5}", "'participantCapacity'"},
                {"{" + media + ",\"callOptions\":{\"@odata.type\":\"#microsoft.graph.bogus\"}}", "callOptions"}}) {
            HttpResponse<String> r = post(path, token, refused[0]);
            assertThat(r.statusCode()).as(refused[0] + " → " + r.body()).isEqualTo(400);
            JsonNode error = new ObjectMapper().readTree(r.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("BadRequest");
            assertThat(error.path("message").asText()).contains(refused[1]);
            assertThat(graph.communications().calls().byCallId(leg.callId()).get().getState())
                    .as("a refused answer leaves the call ringing").isEqualTo(CallState.Incoming);
        }
        HttpResponse<String> answered = post(path, token, "{" + media + ",\"participantCapacity\":200,"
                + "\"callOptions\":{\"@odata.type\":\"#microsoft.graph.incomingCallOptions\"}}");
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(202);
        graph.communications().calls().byCallId(leg.callId()).delete();
    }

    @Test
    void aRedirectTimeoutThatIsNotAWholeNumberOfSecondsIsRefusedAndTheCallStillRings() throws Exception {
        ClientApi.Joined leg = alice.dial(DevIdentities.DEV_BOT_APP_ID, FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(),
                Codec.PCMU, "sendrecv"));
        webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId()), WAIT);
        String target = "{\"targets\":[{\"identity\":{\"application\":{\"id\":\"" + DevIdentities.P2P_BOT_APP_ID + "\"}}}]";
        for (String timeout : List.of("20.5", "\"20\"", "true")) {
            HttpResponse<String> r = post("/v1.0/communications/calls/" + leg.callId() + "/redirect",
                    Tokens.devBotToken(server.baseUrl()), target + ",\"timeout\":" + timeout + "}");
            assertThat(r.statusCode()).as(timeout + " → " + r.body()).isEqualTo(400);
            assertThat(r.body()).contains("BadRequest", "'timeout'");
            assertThat(graph.communications().calls().byCallId(leg.callId()).get().getState())
                    .as("a refused redirect leaves the call ringing").isEqualTo(CallState.Incoming);
        }
        graph.communications().calls().byCallId(leg.callId()).reject().post(new RejectPostRequestBody());
    }

    @ParameterizedTest
    @CsvSource({"Busy, busy, 486", "Forbidden, forbidden, 403", "None, none, 603"})
    void aRejectEndsTheCallerLegWithTheReason(RejectReason reason, String wire, int code) throws Exception {
        ClientApi.Joined leg = alice.dial(DevIdentities.DEV_BOT_APP_ID, FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(),
                Codec.PCMU, "sendrecv"));
        webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId()), WAIT);
        try (RosterWatcher roster = RosterWatcher.connect(HttpClient.newHttpClient(), alice, leg.callId(), m -> { })) {
            roster.await(m -> m.path("type").asText().equals("roster"), WAIT);
            RejectPostRequestBody reject = new RejectPostRequestBody();
            reject.setReason(reason);
            graph.communications().calls().byCallId(leg.callId()).reject().post(reject);
            JsonNode ended = roster.await(m -> m.path("type").asText().equals("ended"), WAIT);
            assertThat(ended.path("endReason").path("code").asInt()).as("the roster stream says why").isEqualTo(code);
        }
        JsonNode terminated = webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId())
                && i.path("resourceData").path("state").asText().equals("terminated"), WAIT);
        assertThat(terminated.path("changeType").asText()).isEqualTo("deleted");
        assertThat(terminated.path("resourceData").path("resultInfo").path("code").asInt()).isEqualTo(code);
        JsonNode status = alice.legStatus(leg);
        assertThat(status.path("state").asText()).isEqualTo("ended");
        assertThat(status.path("endReason").path("code").asInt()).as("reason " + wire).isEqualTo(code);
        GraphSdk.expectError(() -> graph.communications().calls().byCallId(leg.callId()).get(), 404, "itemNotFound");
    }

    @Test
    void anUnansweredCallEndsAfterTheWindowAndALateAnswerFindsNoCall() throws Exception {
        ClientApi.Joined leg = alice.dial(DevIdentities.DEV_BOT_APP_ID, FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(),
                Codec.PCMU, "sendrecv"));
        JsonNode terminated = webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId())
                && i.path("resourceData").path("state").asText().equals("terminated"), WINDOW.plus(WAIT));
        assertThat(terminated.path("resourceData").path("resultInfo").path("code").asInt()).isEqualTo(408);
        assertThat(terminated.path("resourceData").path("resultInfo").path("subcode").asInt()).isEqualTo(1106);
        JsonNode status = alice.legStatus(leg);
        assertThat(status.path("state").asText()).isEqualTo("ended");
        assertThat(status.path("endReason").path("subcode").asInt()).isEqualTo(1106);
        GraphSdk.expectError(() -> graph.communications().calls().byCallId(leg.callId()).answer().post(serviceHosted()),
                404, "itemNotFound");
        assertThat(states(leg.callId(), devBotVerifier, webhook)).containsExactly("incoming", "terminating", "terminated");
    }

    @Test
    void theBotIsToldWhenTheCallerHangsUpWhileItRings() throws Exception {
        ClientApi.Joined leg = alice.dial(DevIdentities.DEV_BOT_APP_ID, FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(),
                Codec.PCMU, "sendrecv"));
        webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId()), WAIT);
        alice.leave(leg);
        JsonNode terminated = webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId())
                && i.path("resourceData").path("state").asText().equals("terminated"), WAIT);
        assertThat(terminated.path("resourceData").path("resultInfo").path("subcode").asInt()).isEqualTo(4521);
    }

    @Test
    void anotherAppOrTenantCannotAnswerTheCall() throws Exception {
        ClientApi.Joined leg = alice.dial(DevIdentities.DEV_BOT_APP_ID, FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(),
                Codec.PCMU, "sendrecv"));
        webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId()), WAIT);
        GraphSdk.expectError(() -> secondBot.communications().calls().byCallId(leg.callId()).answer().post(serviceHosted()),
                404, "itemNotFound");
        GraphSdk.expectError(() -> otherTenantBot.communications().calls().byCallId(leg.callId()).answer()
                .post(serviceHosted()), 404, "itemNotFound");
        GraphSdk.expectError(() -> secondBot.communications().calls().byCallId(leg.callId()).reject()
                .post(new RejectPostRequestBody()), 404, "itemNotFound");
        assertThat(alice.legStatus(leg).path("state").asText()).as("still ringing").isEqualTo("ringing");
        alice.leave(leg);
    }

    @Test
    void aCallRedirectedToAnotherBotRingsThereAndThatBotAnswers() throws Exception {
        ClientApi.Joined leg = alice.dial(DevIdentities.DEV_BOT_APP_ID, FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(),
                Codec.PCMU, "sendrecv"));
        webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId()), WAIT);
        RedirectPostRequestBody redirect = new RedirectPostRequestBody();
        redirect.setTargets(List.of(botTarget(DevIdentities.P2P_BOT_APP_ID)));
        redirect.setTimeout(20);
        graph.communications().calls().byCallId(leg.callId()).redirect().post(redirect);

        JsonNode redirected = webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId())
                && i.path("resourceData").path("state").asText().equals("terminated"), WAIT);
        assertThat(redirected.path("resourceData").path("resultInfo").path("subcode").asInt()).isEqualTo(5001);
        JsonNode ringsThere = secondWebhook.awaitItem(i -> i.path("changeType").asText().equals("created")
                && i.path("resourceData").path("incomingContext").path("sourceParticipantId").asText()
                .equals(leg.participantId()), WAIT);
        String secondCallId = ringsThere.path("resourceData").path("id").asText();
        secondBot.communications().calls().byCallId(secondCallId).answer().post(serviceHosted(secondWebhook.url()));
        secondWebhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(secondCallId)
                && i.path("resourceData").path("state").asText().equals("established"), WAIT);
        assertThat(alice.legStatus(leg).path("state").asText()).isEqualTo("connected");
        assertThat(states(secondCallId, secondBotVerifier, secondWebhook))
                .containsExactly("incoming", "establishing", "established");
        alice.leave(leg);
        secondWebhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(secondCallId)
                && i.path("resourceData").path("state").asText().equals("terminated"), WAIT);
    }

    @Test
    void aRedirectToABotAndAUserRingsBothAndWhenTheBotAnswersTheUsersRingIsCancelled() throws Exception {
        ClientApi bob = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.bobToken(server.baseUrl()));
        try (RosterWatcher bobRings = RosterWatcher.ringStream(HttpClient.newHttpClient(), bob, m -> { })) {
            bobRings.await(m -> m.path("type").asText().equals("listening"), WAIT);
            ClientApi.Joined leg = alice.dial(DevIdentities.DEV_BOT_APP_ID, FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(),
                    Codec.PCMU, "sendrecv"));
            webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId()), WAIT);
            RedirectPostRequestBody redirect = new RedirectPostRequestBody();
            redirect.setTargets(List.of(botTarget(DevIdentities.P2P_BOT_APP_ID), GraphSdk.target(DevIdentities.BOB_ID)));
            graph.communications().calls().byCallId(leg.callId()).redirect().post(redirect);
            bobRings.await(m -> m.path("type").asText().equals("ringing") && m.path("callId").asText().equals(leg.callId()), WAIT);
            JsonNode ringsThere = secondWebhook.awaitItem(i -> i.path("changeType").asText().equals("created")
                    && i.path("resourceData").path("incomingContext").path("sourceParticipantId").asText()
                    .equals(leg.participantId()), WAIT);
            String secondCallId = ringsThere.path("resourceData").path("id").asText();
            secondBot.communications().calls().byCallId(secondCallId).answer().post(serviceHosted(secondWebhook.url()));
            JsonNode cancelled = bobRings.await(m -> m.path("type").asText().equals("cancelled")
                    && m.path("callId").asText().equals(leg.callId()), WAIT);
            assertThat(cancelled.path("reason").path("code").asInt()).as("answered elsewhere").isEqualTo(487);
            assertThat(alice.legStatus(leg).path("state").asText()).isEqualTo("connected");
            alice.leave(leg);
            secondWebhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(secondCallId)
                    && i.path("resourceData").path("state").asText().equals("terminated"), WAIT);
        }
    }

    @Test
    void aRedirectNobodyAnswersEndsAfterItsTimeout() throws Exception {
        ClientApi.Joined leg = alice.dial(DevIdentities.DEV_BOT_APP_ID, FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(),
                Codec.PCMU, "sendrecv"));
        webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId()), WAIT);
        RedirectPostRequestBody redirect = new RedirectPostRequestBody();
        redirect.setTargets(List.of(botTarget(DevIdentities.P2P_BOT_APP_ID)));
        redirect.setTimeout(15); // Graph's least
        graph.communications().calls().byCallId(leg.callId()).redirect().post(redirect);
        JsonNode ringsThere = secondWebhook.awaitItem(i -> i.path("changeType").asText().equals("created")
                && i.path("resourceData").path("incomingContext").path("sourceParticipantId").asText()
                .equals(leg.participantId()), WAIT);
        String secondCallId = ringsThere.path("resourceData").path("id").asText();
        JsonNode timedOut = secondWebhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(secondCallId)
                && i.path("resourceData").path("state").asText().equals("terminated"), Duration.ofSeconds(15).plus(WAIT));
        assertThat(timedOut.path("resourceData").path("resultInfo").path("code").asInt()).isEqualTo(408);
        assertThat(alice.legStatus(leg).path("endReason").path("subcode").asInt()).isEqualTo(10057);
    }

    @Test
    void aBlindTransferToAnotherBotEndsTheBotsCallWith7015AndAFailedOneKeepsIt() throws Exception {
        ClientApi.Joined leg = alice.dial(DevIdentities.DEV_BOT_APP_ID, FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(),
                Codec.PCMU, "sendrecv"));
        webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId()), WAIT);
        graph.communications().calls().byCallId(leg.callId()).answer().post(serviceHosted());
        callbacks.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId())
                && i.path("resourceData").path("state").asText().equals("established"), WAIT);

        // first the target rejects: the transfer fails and the call carries on
        graph.communications().calls().byCallId(leg.callId()).transfer().post(transferTo(DevIdentities.P2P_BOT_APP_ID));
        String firstTarget = awaitTransferTarget(leg, null);
        secondBot.communications().calls().byCallId(firstTarget).reject().post(new RejectPostRequestBody());
        JsonNode failed = callbacks.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId())
                && i.path("resourceData").has("resultInfo")
                && i.path("resourceData").path("state").asText().equals("established"), WAIT);
        assertThat(failed.path("resourceData").path("resultInfo").path("subcode").asInt()).isEqualTo(7000);
        assertThat(graph.communications().calls().byCallId(leg.callId()).get().getState()).isEqualTo(CallState.Established);

        // then it answers: the bot's call ends with 0/7015, alice talks to the second bot
        // a fresh body: the SDK's backing store sends only what changed since a body was last sent
        graph.communications().calls().byCallId(leg.callId()).transfer().post(transferTo(DevIdentities.P2P_BOT_APP_ID));
        String target = awaitTransferTarget(leg, firstTarget);
        secondBot.communications().calls().byCallId(target).answer().post(serviceHosted());
        JsonNode done = callbacks.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId())
                && i.path("resourceData").path("state").asText().equals("terminated"), WAIT);
        assertThat(done.path("resourceData").path("resultInfo").path("code").asInt()).isZero();
        assertThat(done.path("resourceData").path("resultInfo").path("subcode").asInt()).isEqualTo(7015);
        assertThat(states(leg.callId(), devBotVerifier, webhook, callbacks)).containsExactly("incoming", "establishing",
                "established", "transferring", "established", "transferring", "transferAccepted", "terminated");
        assertThat(alice.legStatus(leg).path("state").asText()).isEqualTo("connected");
        assertThat(secondBot.communications().calls().byCallId(target).participants().get().getValue())
                .extracting(p -> p.getId()).contains(leg.participantId());
        secondBot.communications().calls().byCallId(target).delete();
    }

    /** The transfer target's call at the second bot's webhook (not {@code before}); its transferor is the Dev Bot. */
    private static String awaitTransferTarget(ClientApi.Joined leg, String before) throws InterruptedException {
        JsonNode item = secondWebhook.awaitItem(i -> i.path("changeType").asText().equals("created")
                && !i.path("resourceData").path("id").asText().equals(before)
                && i.path("resourceData").path("incomingContext").path("sourceParticipantId").asText()
                .equals(leg.participantId()), WAIT);
        assertThat(item.path("resourceData").path("incomingContext").path("transferor").path("application").path("id")
                .asText()).isEqualTo(DevIdentities.DEV_BOT_APP_ID);
        return item.path("resourceData").path("id").asText();
    }

    static AnswerPostRequestBody serviceHosted() {
        return serviceHosted(callbacks.url());
    }

    static AnswerPostRequestBody serviceHosted(String callbackUri) {
        AnswerPostRequestBody answer = new AnswerPostRequestBody();
        answer.setCallbackUri(callbackUri);
        answer.setAcceptedModalities(List.of(Modality.Audio));
        answer.setMediaConfig(new ServiceHostedMediaConfig());
        return answer;
    }

    static TransferPostRequestBody transferTo(String appId) {
        TransferPostRequestBody transfer = new TransferPostRequestBody();
        transfer.setTransferTarget(botTarget(appId));
        return transfer;
    }

    static InvitationParticipantInfo botTarget(String appId) {
        Identity app = new Identity();
        app.setId(appId);
        IdentitySet set = new IdentitySet();
        set.setApplication(app);
        InvitationParticipantInfo t = new InvitationParticipantInfo();
        t.setIdentity(set);
        return t;
    }

    /**
     * The call states the bot heard about {@code callId}, over all its receivers, in sequence-number order; every
     * notification must be signed for the bot and the sequence numbers must rise without a gap.
     */
    static List<String> states(String callId, NotificationVerifier verifier, CallbackReceiver... receivers) throws Exception {
        record Seen(long sequence, List<String> states) {
        }
        List<Seen> seen = new ArrayList<>();
        for (CallbackReceiver r : receivers) {
            for (CallbackReceiver.Received post : r.received()) {
                List<String> states = new ArrayList<>();
                boolean ours = false;
                for (JsonNode item : post.json().path("value")) {
                    if (item.path("resourceUrl").asText().equals("/communications/calls/" + callId)) {
                        ours = true;
                        states.add(item.path("resourceData").path("state").asText());
                    }
                }
                if (ours) {
                    verifier.verify(post::header, post.body());
                    seen.add(new Seen(Long.parseLong(post.header(WebhookNotifier.SEQUENCE_HEADER)), states));
                }
            }
        }
        seen.sort(Comparator.comparingLong(Seen::sequence));
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i).sequence()).as("sequence numbers rise").isGreaterThan(seen.get(i - 1).sequence());
        }
        return seen.stream().flatMap(s -> s.states().stream()).toList();
    }

    static void awaitMixed(TestServer on, String callId, List<String> participantIds) throws InterruptedException {
        dev.switchboard.media.RtpMediaEngine media = (dev.switchboard.media.RtpMediaEngine) on.server().media();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            long flowing = participantIds.stream()
                    .filter(p -> media.legStats(callId, p).map(s -> s.framesMixed() > 0).orElse(false)).count();
            if (flowing == participantIds.size()) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no RTP from the ffmpeg senders within 15 s");
    }

    static HttpResponse<String> post(String path, String token, String json) throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
