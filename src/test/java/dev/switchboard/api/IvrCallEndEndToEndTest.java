package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.communications.calls.item.answer.AnswerPostRequestBody;
import com.microsoft.graph.communications.calls.item.playprompt.PlayPromptPostRequestBody;
import com.microsoft.graph.communications.calls.item.recordresponse.RecordResponsePostRequestBody;
import com.microsoft.graph.communications.calls.item.senddtmftones.SendDtmfTonesPostRequestBody;
import com.microsoft.graph.models.MediaInfo;
import com.microsoft.graph.models.MediaPrompt;
import com.microsoft.graph.models.Modality;
import com.microsoft.graph.models.ServiceHostedMediaConfig;
import com.microsoft.graph.models.Tone;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.sdp.SdpOffer;
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
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A voicemail bot's calls ending under its media queue: a real caller (RTP over UDP) dials the bot, which answers with
 * service-hosted media, queues its greeting and recordings, and the caller hangs up. What the bot is told about each
 * operation (docs/ivr-media.md, "Recordings"; docs/compatibility.md, "Service-hosted media").
 */
class IvrCallEndEndToEndTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    static TestServer server;
    static CallbackReceiver webhook;
    static GraphServiceClient graph;
    static ClientApi alice;
    static PromptServer prompts;

    @BeforeAll
    static void start() throws Exception {
        webhook = new CallbackReceiver();
        server = TestServer.start(cfg -> cfg.withInbound(InboundSettings.DEFAULTS
                .withWebhook(DevIdentities.DEV_BOT_APP_ID, webhook.url())));
        graph = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
        alice = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.aliceToken(server.baseUrl()));
        prompts = new PromptServer();
        prompts.put("/greeting.wav", PromptServer.toneWav(440, 3.0, 16000));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            webhook.close();
            prompts.close();
        }
    }

    @Test
    void aCallerWhoHangsUpBeforeTheBeepLeavesNoRecordingOnlyFailedOperations() throws Exception {
        try (RtpPeer caller = new RtpPeer("127.0.0.1")) {
            String callId = answeredCall(caller);
            var calls = graph.communications().calls().byCallId(callId);
            String greeting = calls.playPrompt().post(play(prompt("/greeting.wav"))).getId();
            RecordResponsePostRequestBody queued = new RecordResponsePostRequestBody();
            queued.setClientContext("queued");
            String queuedRecord = calls.recordResponse().post(queued).getId();
            awaitPromptPlaying(caller);

            alice.leave(callerLeg);

            JsonNode play = awaitOperation(greeting);
            assertThat(play.path("status").asText()).isEqualTo("Failed");
            assertThat(play.path("resultInfo").path("code").asInt()).isEqualTo(410);
            JsonNode record = awaitOperation(queuedRecord);
            assertThat(record.path("status").asText()).as("nothing was recorded: %s", record).isEqualTo("Failed");
            assertThat(record.path("resultInfo").path("code").asInt()).isEqualTo(410);
            assertThat(record.path("resultInfo").path("subcode").asInt()).isEqualTo(8501);
            assertThat(record.path("resultInfo").path("message").asText()).contains("before the recording started");
            assertThat(record.path("completionReason").asText()).isEqualTo("mediaReceiveTimeout");
            assertThat(record.path("recordingLocation").asText()).isEmpty();
        }
    }

    @Test
    void aCallerWhoHangsUpDuringTheRecordsOwnPromptLeavesNoRecording() throws Exception {
        try (RtpPeer caller = new RtpPeer("127.0.0.1")) {
            String callId = answeredCall(caller);
            RecordResponsePostRequestBody record = new RecordResponsePostRequestBody();
            record.setPrompts(List.of(prompt("/greeting.wav")));
            String op = graph.communications().calls().byCallId(callId).recordResponse().post(record).getId();
            awaitPromptPlaying(caller);

            alice.leave(callerLeg);

            JsonNode done = awaitOperation(op);
            assertThat(done.path("status").asText()).as("%s", done).isEqualTo("Failed");
            assertThat(done.path("resultInfo").path("subcode").asInt()).isEqualTo(8501);
            assertThat(done.path("recordingLocation").asText()).isEmpty();
        }
    }

    @Test
    void theJobsAHangUpEndsAreNotifiedInTheirQueueOrder() throws Exception {
        for (int round = 0; round < 4; round++) {
            try (RtpPeer caller = new RtpPeer("127.0.0.1")) {
                String callId = answeredCall(caller);
                var calls = graph.communications().calls().byCallId(callId);
                RecordResponsePostRequestBody message = new RecordResponsePostRequestBody();
                message.setPlayBeep(false);
                message.setMaxRecordDurationInSeconds(60);
                message.setMaxSilenceTimeoutInSeconds(60);
                List<String> queue = new ArrayList<>();
                queue.add(calls.recordResponse().post(message).getId());
                for (int i = 0; i < 8; i++) {
                    queue.add(calls.playPrompt().post(play(prompt("/greeting.wav"))).getId());
                }
                Thread.sleep(1500); // the caller's message is being recorded (the plays wait behind it)

                alice.leave(callerLeg);

                for (String op : queue) {
                    awaitOperation(op);
                }
                List<String> notified = webhook.items().stream()
                        .map(i -> i.path("resourceUrl").asText())
                        .filter(u -> u.startsWith("/communications/calls/" + callId + "/operations/"))
                        .map(u -> u.substring(u.lastIndexOf('/') + 1))
                        .toList();
                assertThat(notified).as("round %d: the record (kept, 8513) then the eight plays (410)", round)
                        .containsExactlyElementsOf(queue);
                assertThat(awaitOperation(queue.getFirst()).path("resultInfo").path("subcode").asInt()).isEqualTo(8513);
            }
        }
    }

    @Test
    void dtmfTonesTheBotWasSendingEndWith410WhenTheCallerHangsUp() throws Exception {
        try (RtpPeer caller = new RtpPeer("127.0.0.1")) {
            String offer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=caller\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                    + "m=audio " + caller.port() + " RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
                    + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n";
            String callId = answeredCall(caller, offer);
            SendDtmfTonesPostRequestBody body = new SendDtmfTonesPostRequestBody();
            body.setTones(java.util.Collections.nCopies(20, Tone.Tone1));
            body.setDelayBetweenTonesMs(400);
            String op = graph.communications().calls().byCallId(callId).sendDtmfTones().post(body).getId();
            awaitTelephoneEvent(caller);

            alice.leave(callerLeg);

            JsonNode done = awaitOperation(op);
            assertThat(done.path("@odata.type").asText()).isEqualTo("#microsoft.graph.sendDtmfTonesOperation");
            assertThat(done.path("status").asText()).isEqualTo("Completed");
            assertThat(done.path("completionReason").asText()).isEqualTo("unknown");
            assertThat(done.path("resultInfo").path("code").asInt()).isEqualTo(410);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** Set by {@link #answeredCall}: the caller's leg (its Location hangs up). */
    private ClientApi.Joined callerLeg;

    /** The caller dials the bot (PCMU over UDP, talking 660 Hz); the bot answers with service-hosted media. */
    private String answeredCall(RtpPeer caller) throws Exception {
        return answeredCall(caller, caller.offer("sendrecv"));
    }

    private String answeredCall(RtpPeer caller, String offer) throws Exception {
        ClientApi.Joined leg = alice.dial(DevIdentities.DEV_BOT_APP_ID, offer);
        callerLeg = leg;
        caller.startTone(SdpOffer.parse(leg.sdpAnswer()).media().get(0).port(), 660);
        webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId())
                && "incoming".equals(i.path("resourceData").path("state").asText()), WAIT);
        AnswerPostRequestBody answer = new AnswerPostRequestBody();
        answer.setCallbackUri(webhook.url());
        answer.setAcceptedModalities(List.of(Modality.Audio));
        answer.setMediaConfig(new ServiceHostedMediaConfig());
        graph.communications().calls().byCallId(leg.callId()).answer().post(answer);
        webhook.awaitItem(i -> i.path("resourceUrl").asText().equals("/communications/calls/" + leg.callId())
                && "established".equals(i.path("resourceData").path("state").asText()), WAIT);
        return leg.callId();
    }

    /** Waits until the caller hears the bot's 440 Hz prompt (so the media queue is running). */
    private static void awaitPromptPlaying(RtpPeer caller) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            RtpPeer.Packet p = caller.receive(200);
            if (p != null && p.payloadType() == 0 && p.pcmuLevelDbfs(440) > -30) {
                return;
            }
        }
        throw new AssertionError("the caller never heard the prompt");
    }

    /** Waits until the caller receives an RFC 4733 packet (PT 101) from the bot. */
    private static void awaitTelephoneEvent(RtpPeer caller) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            RtpPeer.Packet p = caller.receive(200);
            if (p != null && p.payloadType() == 101) {
                return;
            }
        }
        throw new AssertionError("the caller never received a telephone-event");
    }

    static MediaPrompt prompt(String path) {
        MediaInfo info = new MediaInfo();
        info.setUri(prompts.url(path));
        MediaPrompt p = new MediaPrompt();
        p.setMediaInfo(info);
        return p;
    }

    static PlayPromptPostRequestBody play(MediaPrompt... list) {
        PlayPromptPostRequestBody body = new PlayPromptPostRequestBody();
        body.setPrompts(List.of(list));
        return body;
    }

    static JsonNode awaitOperation(String opId) throws InterruptedException {
        return webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith("/operations/" + opId), WAIT)
                .path("resourceData");
    }
}
