package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.communications.calls.item.cancelmediaprocessing.CancelMediaProcessingPostRequestBody;
import com.microsoft.graph.communications.calls.item.participants.item.startholdmusic.StartHoldMusicPostRequestBody;
import com.microsoft.graph.communications.calls.item.participants.item.stopholdmusic.StopHoldMusicPostRequestBody;
import com.microsoft.graph.communications.calls.item.recordresponse.RecordResponsePostRequestBody;
import com.microsoft.graph.communications.calls.item.redirect.RedirectPostRequestBody;
import com.microsoft.graph.communications.calls.item.reject.RejectPostRequestBody;
import com.microsoft.graph.communications.calls.item.senddtmftones.SendDtmfTonesPostRequestBody;
import com.microsoft.graph.communications.calls.item.subscribetotone.SubscribeToTonePostRequestBody;
import com.microsoft.graph.communications.calls.item.updaterecordingstatus.UpdateRecordingStatusPostRequestBody;
import com.microsoft.graph.models.CallState;
import com.microsoft.graph.models.MediaInfo;
import com.microsoft.graph.models.MediaPrompt;
import com.microsoft.graph.models.Participant;
import com.microsoft.graph.models.PlayPromptOperation;
import com.microsoft.graph.models.RecordingStatus;
import com.microsoft.graph.models.RejectReason;
import com.microsoft.graph.models.Tone;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.communications.calls.item.playprompt.PlayPromptPostRequestBody;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.server.InboundSettings;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Call control of an incoming call from the outside (docs/inbound-calls.md): the caller is a real RTP peer (a UDP
 * socket speaking PCMU), the bots use the official Graph Java SDK, prompts come from a real HTTP server. What the caller
 * hears is judged per packet (Goertzel on each 20 ms PCMU frame).
 */
class InboundCallControlTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    static final int PROMPT_HZ = 440;

    static TestServer server;
    static CallbackReceiver webhook;
    static CallbackReceiver secondWebhook;
    static GraphServiceClient graph;
    static GraphServiceClient secondBot;
    static ClientApi alice;
    static PromptServer prompts;

    @BeforeAll
    static void start() throws Exception {
        webhook = new CallbackReceiver();
        secondWebhook = new CallbackReceiver();
        server = TestServer.start(cfg -> cfg.withInbound(InboundSettings.DEFAULTS
                .withWebhook(DevIdentities.DEV_BOT_APP_ID, webhook.url())
                .withWebhook(DevIdentities.P2P_BOT_APP_ID, secondWebhook.url())));
        graph = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
        secondBot = GraphSdk.client(server.baseUrl(), Tokens.p2pBotToken(server.baseUrl()));
        alice = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.aliceToken(server.baseUrl()));
        prompts = new PromptServer();
        prompts.put("/long440.wav", PromptServer.toneWav(PROMPT_HZ, 8.0, 16000));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {webhook, secondWebhook, prompts}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // closing
            }
        }
    }

    @Test
    void mediaActionsOnARingingCallAreRefusedAndTheCallerHearsSilenceUntilTheAnswer() throws Exception {
        try (RtpPeer caller = new RtpPeer("127.0.0.1")) {
            ClientApi.Joined leg = dial(caller);
            String callId = leg.callId();
            var call = graph.communications().calls().byCallId(callId);

            List<Runnable> actions = List.of(
                    () -> call.playPrompt().post(play("ringing-play")),
                    () -> call.recordResponse().post(new RecordResponsePostRequestBody()),
                    () -> call.participants().byParticipantId(leg.participantId()).startHoldMusic()
                            .post(new StartHoldMusicPostRequestBody()),
                    () -> call.participants().byParticipantId(leg.participantId()).stopHoldMusic()
                            .post(new StopHoldMusicPostRequestBody()),
                    () -> call.cancelMediaProcessing().post(new CancelMediaProcessingPostRequestBody()),
                    () -> call.subscribeToTone().post(new SubscribeToTonePostRequestBody()),
                    () -> call.sendDtmfTones().post(dtmf()),
                    () -> call.updateRecordingStatus().post(recording()));
            for (Runnable action : actions) {
                var error = GraphSdk.expectError(action::run, 409, "Conflict");
                assertThat(error.getError().getMessage()).contains("ringing", "answer");
                assertThat(call.get().getState()).as("a refused action leaves the call ringing")
                        .isEqualTo(CallState.Incoming);
            }
            assertThat(loudestHeard(caller, Duration.ofMillis(1500))).as("the caller hears only silence before the answer")
                    .isLessThan(-60);

            answer(callId);
            call.playPrompt().post(play("answered-play"));
            assertThat(loudestHeard(caller, Duration.ofSeconds(3))).as("once answered, the bot's prompt is heard")
                    .isGreaterThan(-30);
            call.delete();
        }
    }

    @Test
    void whenATransferCompletesTheTransferringBotsPromptStopsAndItsOperationEndsWithTheCall() throws Exception {
        try (RtpPeer caller = new RtpPeer("127.0.0.1")) {
            ClientApi.Joined leg = dial(caller);
            String callId = leg.callId();
            var call = graph.communications().calls().byCallId(callId);
            answer(callId);
            PlayPromptOperation playing = call.playPrompt().post(play("playing-at-transfer"));
            assertThat(loudestHeard(caller, Duration.ofSeconds(3))).as("the prompt plays").isGreaterThan(-30);

            call.transfer().post(InboundCallsEndToEndTest.transferTo(DevIdentities.P2P_BOT_APP_ID));
            String target = awaitTargetCall(leg);
            secondBot.communications().calls().byCallId(target).answer()
                    .post(InboundCallsEndToEndTest.serviceHosted(secondWebhook.url()));
            webhook.awaitItem(i -> isState(i, callId, "terminated"), WAIT);

            JsonNode ended = webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith("/operations/" + playing.getId()), WAIT);
            assertThat(ended.path("resourceData").path("status").asText()).isEqualTo("Failed");
            assertThat(ended.path("resourceData").path("resultInfo").path("code").asInt()).isEqualTo(410);
            assertThat(ended.path("resourceData").path("resultInfo").path("subcode").asInt()).isEqualTo(8501);
            assertThat(loudestHeard(caller, Duration.ofSeconds(2))).as("the bot that left is no longer heard")
                    .isLessThan(-60);
            secondBot.communications().calls().byCallId(target).delete();
        }
    }

    @Test
    void aCallerOnHoldWhenTheTransferCompletesIsBackInTheCallAtTheTarget() throws Exception {
        try (RtpPeer caller = new RtpPeer("127.0.0.1")) {
            ClientApi.Joined leg = dial(caller);
            String callId = leg.callId();
            var call = graph.communications().calls().byCallId(callId);
            answer(callId);
            StartHoldMusicPostRequestBody hold = new StartHoldMusicPostRequestBody();
            hold.setCustomPrompt(prompt());
            call.participants().byParticipantId(leg.participantId()).startHoldMusic().post(hold);
            assertThat(loudestHeard(caller, Duration.ofSeconds(3))).as("the hold music plays").isGreaterThan(-30);

            call.transfer().post(InboundCallsEndToEndTest.transferTo(DevIdentities.P2P_BOT_APP_ID));
            String target = awaitTargetCall(leg);
            var targetCall = secondBot.communications().calls().byCallId(target);
            targetCall.answer().post(InboundCallsEndToEndTest.serviceHosted(secondWebhook.url()));
            webhook.awaitItem(i -> isState(i, callId, "terminated"), WAIT);

            assertThat(loudestHeard(caller, Duration.ofSeconds(2))).as("no more hold music from the bot that left")
                    .isLessThan(-60);
            Participant aliceThere = targetCall.participants().byParticipantId(leg.participantId()).get();
            assertThat(aliceThere.getMediaStreams().get(0).getDirection().getValue()).as("not held at the target")
                    .isEqualTo("sendReceive");
            targetCall.delete();
        }
    }

    @Test
    void aBotThatHangsUpOnAGroupCallThatGoesOnIsNoLongerHeard() throws Exception {
        try (RtpPeer ear = new RtpPeer("127.0.0.1")) {
            String callId = graph.communications().calls().post(GraphSdk.call(webhook.url(), DevIdentities.ALICE_ID,
                    DevIdentities.BOB_ID)).getId();
            ClientApi.Joined joined = alice.join(callId, ear.offer("sendrecv"));
            ear.sendReceiverReport(MuteEndToEndTest.audioPort(joined.sdpAnswer()));
            var call = graph.communications().calls().byCallId(callId);
            PlayPromptOperation playing = call.playPrompt().post(play("playing-at-hang-up"));
            assertThat(loudestHeard(ear, Duration.ofSeconds(2))).as("the prompt plays").isGreaterThan(-30);

            call.delete(); // the bot leaves; alice stays in the group call
            JsonNode ended = webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith("/operations/" + playing.getId()), WAIT);
            assertThat(ended.path("resourceData").path("status").asText()).isEqualTo("Failed");
            assertThat(ended.path("resourceData").path("resultInfo").path("subcode").asInt()).isEqualTo(8501);
            assertThat(loudestHeard(ear, Duration.ofSeconds(2))).as("the bot that left is no longer heard")
                    .isLessThan(-60);
            alice.leave(joined);
        }
    }

    @Test
    void aRedirectToTheCallerIsRefusedAndTheCallStillRings() throws Exception {
        try (RtpPeer caller = new RtpPeer("127.0.0.1")) {
            ClientApi.Joined leg = dial(caller);
            var call = graph.communications().calls().byCallId(leg.callId());
            for (List<String> targets : List.of(List.of(DevIdentities.ALICE_ID),
                    List.of(DevIdentities.BOB_ID, DevIdentities.ALICE_ID))) {
                RedirectPostRequestBody redirect = new RedirectPostRequestBody();
                redirect.setTargets(targets.stream().map(GraphSdk::target).toList());
                var error = GraphSdk.expectError(() -> call.redirect().post(redirect), 400, "BadRequest");
                assertThat(error.getError().getMessage()).as(targets.toString()).contains("caller");
                assertThat(call.get().getState()).as("a refused redirect leaves the call ringing").isEqualTo(CallState.Incoming);
            }
            RejectPostRequestBody reject = new RejectPostRequestBody();
            reject.setReason(RejectReason.Busy);
            call.reject().post(reject);
            assertThat(alice.legStatus(leg).path("endReason").path("code").asInt()).isEqualTo(486);
        }
    }

    @Test
    void aHeldParticipantWhoLeavesNoLongerBlocksHoldingAnother() throws Exception {
        try (RtpPeer aliceEar = new RtpPeer("127.0.0.1"); RtpPeer bobEar = new RtpPeer("127.0.0.1")) {
            ClientApi bob = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.bobToken(server.baseUrl()));
            String callId = graph.communications().calls().post(GraphSdk.call(webhook.url(), DevIdentities.ALICE_ID,
                    DevIdentities.BOB_ID)).getId();
            ClientApi.Joined aliceLeg = alice.join(callId, aliceEar.offer("sendrecv"));
            ClientApi.Joined bobLeg = bob.join(callId, bobEar.offer("sendrecv"));
            bobEar.sendReceiverReport(MuteEndToEndTest.audioPort(bobLeg.sdpAnswer()));
            var call = graph.communications().calls().byCallId(callId);
            call.participants().byParticipantId(aliceLeg.participantId()).startHoldMusic()
                    .post(new StartHoldMusicPostRequestBody());
            alice.leave(aliceLeg); // while on hold

            call.participants().byParticipantId(bobLeg.participantId()).startHoldMusic()
                    .post(new StartHoldMusicPostRequestBody());
            assertThat(loudestHeard(bobEar, Duration.ofSeconds(2))).as("bob hears the hold music").isGreaterThan(-30);
            call.participants().byParticipantId(bobLeg.participantId()).stopHoldMusic()
                    .post(new StopHoldMusicPostRequestBody());
            assertThat(loudestHeard(bobEar, Duration.ofSeconds(2))).as("bob is back in the call").isLessThan(-60);
            call.delete();
        }
    }

    /**
     * Graph's SimpleIvrBot and VoiceRecorderAndPlaybackBot samples start their first prompt on an {@code updated} call
     * notification with {@code state: established} and {@code mediaState.audio == active}; a bot written that way must
     * get there.
     */
    @Test
    void theStateNotificationsCarryTheMediaStateSampleBotsWaitFor() throws Exception {
        try (RtpPeer caller = new RtpPeer("127.0.0.1")) {
            ClientApi.Joined leg = dial(caller);
            String callId = leg.callId();
            var call = graph.communications().calls().byCallId(callId);
            JsonNode established = answer(callId);
            var parsed = new com.microsoft.kiota.serialization.JsonParseNodeFactory()
                    .getParseNode("application/json", new java.io.ByteArrayInputStream(
                            established.path("resourceData").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .getObjectValue(com.microsoft.graph.models.Call::createFromDiscriminatorValue);
            assertThat(parsed.getState()).isEqualTo(CallState.Established);
            assertThat(parsed.getMediaState()).as("mediaState in the established notification").isNotNull();
            assertThat(parsed.getMediaState().getAudio()).isEqualTo(com.microsoft.graph.models.MediaState.Active);
            call.delete();
            JsonNode terminated = webhook.awaitItem(i -> isState(i, callId, "terminated"), WAIT);
            assertThat(terminated.path("resourceData").path("mediaState").path("audio").asText()).isEqualTo("inactive");
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** Alice dials the Dev Bot from {@code caller}'s port and latches it; returns once the bot's webhook heard it. */
    /** The bot answers the dialed call (service-hosted media); its {@code established} notification, once it arrived. */
    private static JsonNode answer(String callId) throws InterruptedException {
        graph.communications().calls().byCallId(callId).answer().post(InboundCallsEndToEndTest.serviceHosted(webhook.url()));
        return webhook.awaitItem(i -> isState(i, callId, "established"), WAIT);
    }

    private static ClientApi.Joined dial(RtpPeer caller) throws InterruptedException {
        ClientApi.Joined leg = alice.dial(DevIdentities.DEV_BOT_APP_ID, caller.offer("sendrecv"));
        caller.sendReceiverReport(MuteEndToEndTest.audioPort(leg.sdpAnswer()));
        webhook.awaitItem(i -> isState(i, leg.callId(), "incoming"), WAIT);
        return leg;
    }

    /** The peak (dBFS) of the loudest frame the caller receives within {@code d}, after dropping what was queued. */
    private static double loudestHeard(RtpPeer caller, Duration d) {
        caller.drain();
        long end = System.nanoTime() + d.toNanos();
        double loudest = -200;
        int packets = 0;
        while (System.nanoTime() < end) {
            RtpPeer.Packet p = caller.receive(100);
            if (p != null && p.payloadType() == 0) {
                packets++;
                loudest = Math.max(loudest, 20 * Math.log10(Math.max(p.pcmuPeak(), 1e-10)));
            }
        }
        assertThat(packets).as("the caller receives its 20 ms frames").isGreaterThan(10);
        return loudest;
    }

    private static String awaitTargetCall(ClientApi.Joined leg) throws InterruptedException {
        JsonNode item = secondWebhook.awaitItem(i -> i.path("changeType").asText().equals("created")
                && i.path("resourceData").path("incomingContext").path("sourceParticipantId").asText()
                .equals(leg.participantId()), WAIT);
        return item.path("resourceData").path("id").asText();
    }

    private static boolean isState(JsonNode item, String callId, String state) {
        return item.path("resourceUrl").asText().equals("/communications/calls/" + callId)
                && item.path("resourceData").path("state").asText().equals(state);
    }

    private static MediaPrompt prompt() {
        MediaInfo info = new MediaInfo();
        info.setUri(prompts.url("/long440.wav"));
        info.setResourceId("long440");
        MediaPrompt p = new MediaPrompt();
        p.setMediaInfo(info);
        return p;
    }

    private static PlayPromptPostRequestBody play(String clientContext) {
        PlayPromptPostRequestBody body = new PlayPromptPostRequestBody();
        body.setPrompts(List.of(prompt()));
        body.setClientContext(clientContext);
        return body;
    }

    private static SendDtmfTonesPostRequestBody dtmf() {
        SendDtmfTonesPostRequestBody body = new SendDtmfTonesPostRequestBody();
        body.setTones(List.of(Tone.Tone1));
        return body;
    }

    private static UpdateRecordingStatusPostRequestBody recording() {
        UpdateRecordingStatusPostRequestBody body = new UpdateRecordingStatusPostRequestBody();
        body.setStatus(RecordingStatus.Recording);
        return body;
    }
}
