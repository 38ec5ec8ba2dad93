package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.communications.calls.item.cancelmediaprocessing.CancelMediaProcessingPostRequestBody;
import com.microsoft.graph.communications.calls.item.participants.item.startholdmusic.StartHoldMusicPostRequestBody;
import com.microsoft.graph.communications.calls.item.playprompt.PlayPromptPostRequestBody;
import com.microsoft.graph.communications.calls.item.recordresponse.RecordResponsePostRequestBody;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.JoinMeetingIdMeetingInfo;
import com.microsoft.graph.models.OperationStatus;
import com.microsoft.graph.models.Participant;
import com.microsoft.graph.models.PlayPromptOperation;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
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
 * Two bots in one group call (the Dev Bot creates it and joins it again by its joinMeetingId under another
 * {@code source.identity.applicationInstance}, with its own callbackUri, as docs/api.md allows): each bot's
 * prompts, recordings and hold music are its own (docs/ivr-media.md, "Two bots in one call"). Alice's ear is a real
 * RTP peer; which bot she hears is told apart by the prompt's frequency (Goertzel per 20 ms PCMU frame). Bots use the
 * official Graph Java SDK, prompts come from a real HTTP server.
 */
class TwoBotsMediaEndToEndTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    static final int FIRST_HZ = 440;
    static final int SECOND_HZ = 1200;

    static TestServer server;
    static CallbackReceiver firstWebhook;
    static CallbackReceiver secondWebhook;
    static GraphServiceClient first;
    static GraphServiceClient second;
    static ClientApi alice;
    static PromptServer prompts;

    @BeforeAll
    static void start() throws Exception {
        firstWebhook = new CallbackReceiver();
        secondWebhook = new CallbackReceiver();
        server = TestServer.start();
        first = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
        second = first; // the same app under another applicationInstance: another bot in the call (the Dev P2P Bot
                        // may not join group calls)
        alice = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.aliceToken(server.baseUrl()));
        prompts = new PromptServer();
        prompts.put("/first.wav", PromptServer.toneWav(FIRST_HZ, 3.0, 16000));
        prompts.put("/second.wav", PromptServer.toneWav(SECOND_HZ, 8.0, 16000));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {firstWebhook, secondWebhook, prompts}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // closing
            }
        }
    }

    /** The group call, Alice in it listening at {@code ear}, and the second bot joined. */
    private record GroupCall(String firstId, String secondId, ClientApi.Joined aliceLeg) {
    }

    private static GroupCall groupCall(RtpPeer ear) {
        Call created = first.communications().calls().post(GraphSdk.call(firstWebhook.url(), DevIdentities.ALICE_ID,
                DevIdentities.BOB_ID));
        ClientApi.Joined leg = alice.join(created.getId(), ear.offer("sendrecv"));
        ear.sendReceiverReport(MuteEndToEndTest.audioPort(leg.sdpAnswer()));
        String joinId = ((JoinMeetingIdMeetingInfo) created.getMeetingInfo()).getJoinMeetingId();
        Call joined = second.communications().calls().post(GraphSdk.joinMeetingAs(secondWebhook.url(), joinId,
                "second-bot", "Second bot"));
        assertThat(joined.getCallChainId()).as("the second bot is in the same call").isEqualTo(created.getCallChainId());
        return new GroupCall(created.getId(), joined.getId(), leg);
    }

    @Test
    void anotherBotsCancelMediaProcessingLeavesThisBotsPromptPlaying() throws Exception {
        try (RtpPeer ear = new RtpPeer("127.0.0.1")) {
            GroupCall g = groupCall(ear);
            PlayPromptOperation playing = first.communications().calls().byCallId(g.firstId()).playPrompt()
                    .post(play("/first.wav", "first-bot-prompt"));
            awaitTone(ear, FIRST_HZ);

            var cancel = second.communications().calls().byCallId(g.secondId()).cancelMediaProcessing()
                    .post(new CancelMediaProcessingPostRequestBody());
            assertThat(cancel.getStatus()).isEqualTo(OperationStatus.Completed);
            assertThat(loudest(ear, FIRST_HZ, Duration.ofMillis(800))).as("the first bot's prompt plays on")
                    .isGreaterThan(-30);

            JsonNode ended = awaitOperation(firstWebhook, playing.getId());
            assertThat(ended.path("resourceData").path("status").asText()).isEqualTo("Completed");
            assertThat(ended.path("resourceData").path("resultInfo").path("code").asInt()).isEqualTo(200);
            assertThat(ended.path("resourceData").path("completionReason").asText()).isEqualTo("completedSuccessfully");
            hangUp(g);
        }
    }

    @Test
    void aBotThatLeavesTakesOnlyItsOwnPromptWithItAndTheOtherBotsQueuedPromptPlays() throws Exception {
        try (RtpPeer ear = new RtpPeer("127.0.0.1")) {
            GroupCall g = groupCall(ear);
            PlayPromptOperation leaving = second.communications().calls().byCallId(g.secondId()).playPrompt()
                    .post(play("/second.wav", "second-bot-prompt"));
            awaitTone(ear, SECOND_HZ);
            PlayPromptOperation staying = first.communications().calls().byCallId(g.firstId()).playPrompt()
                    .post(play("/first.wav", "first-bot-prompt")); // queued behind the second bot's

            second.communications().calls().byCallId(g.secondId()).delete();
            JsonNode gone = awaitOperation(secondWebhook, leaving.getId());
            assertThat(gone.path("resourceData").path("status").asText()).isEqualTo("Failed");
            assertThat(gone.path("resourceData").path("resultInfo").path("code").asInt()).isEqualTo(410);
            assertThat(gone.path("resourceData").path("resultInfo").path("subcode").asInt()).isEqualTo(8501);
            awaitTone(ear, FIRST_HZ);
            assertThat(loudest(ear, SECOND_HZ, Duration.ofMillis(800))).as("the bot that left is no longer heard")
                    .isLessThan(-45);

            JsonNode ended = awaitOperation(firstWebhook, staying.getId());
            assertThat(ended.path("resourceData").path("status").asText()).isEqualTo("Completed");
            assertThat(ended.path("resourceData").path("resultInfo").path("code").asInt()).isEqualTo(200);
            first.communications().calls().byCallId(g.firstId()).delete();
        }
    }

    @Test
    void aBargeInRecordingCancelsOnlyItsOwnBotsPrompts() throws Exception {
        try (RtpPeer ear = new RtpPeer("127.0.0.1")) {
            GroupCall g = groupCall(ear);
            PlayPromptOperation playing = first.communications().calls().byCallId(g.firstId()).playPrompt()
                    .post(play("/first.wav", "first-bot-prompt"));
            awaitTone(ear, FIRST_HZ);
            RecordResponsePostRequestBody record = new RecordResponsePostRequestBody();
            record.setBargeInAllowed(true);
            record.setPlayBeep(false);
            record.setMaxRecordDurationInSeconds(1);
            second.communications().calls().byCallId(g.secondId()).recordResponse().post(record);
            assertThat(loudest(ear, FIRST_HZ, Duration.ofMillis(800))).as("the first bot's prompt plays on")
                    .isGreaterThan(-30);

            JsonNode ended = awaitOperation(firstWebhook, playing.getId());
            assertThat(ended.path("resourceData").path("status").asText()).isEqualTo("Completed");
            assertThat(ended.path("resourceData").path("resultInfo").path("code").asInt()).isEqualTo(200);
            hangUp(g);
        }
    }

    @Test
    void aBotThatLeavesReleasesTheParticipantItHeldWhileTheOtherBotStays() throws Exception {
        try (RtpPeer ear = new RtpPeer("127.0.0.1")) {
            GroupCall g = groupCall(ear);
            StartHoldMusicPostRequestBody hold = new StartHoldMusicPostRequestBody();
            hold.setCustomPrompt(GraphSdk.prompt(prompts.url("/second.wav"), "second-hold"));
            second.communications().calls().byCallId(g.secondId()).participants()
                    .byParticipantId(g.aliceLeg().participantId()).startHoldMusic().post(hold);
            awaitTone(ear, SECOND_HZ);

            second.communications().calls().byCallId(g.secondId()).delete();
            secondWebhook.awaitItem(i -> i.path("resourceUrl").asText().equals("/communications/calls/" + g.secondId())
                    && i.path("resourceData").path("state").asText().equals("terminated"), WAIT);
            Participant aliceNow = first.communications().calls().byCallId(g.firstId()).participants()
                    .byParticipantId(g.aliceLeg().participantId()).get();
            assertThat(aliceNow.getMediaStreams().get(0).getDirection().getValue()).as("alice is back in the call")
                    .isEqualTo("sendReceive");
            assertThat(loudest(ear, SECOND_HZ, Duration.ofMillis(800))).as("no more hold music from the bot that left")
                    .isLessThan(-45);
            first.communications().calls().byCallId(g.firstId()).delete();
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static void hangUp(GroupCall g) {
        second.communications().calls().byCallId(g.secondId()).delete();
        first.communications().calls().byCallId(g.firstId()).delete();
    }

    private static PlayPromptPostRequestBody play(String path, String clientContext) {
        PlayPromptPostRequestBody body = new PlayPromptPostRequestBody();
        body.setPrompts(List.of(GraphSdk.prompt(prompts.url(path), path)));
        body.setClientContext(clientContext);
        return body;
    }

    private static JsonNode awaitOperation(CallbackReceiver webhook, String operationId) throws InterruptedException {
        return webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith("/operations/" + operationId)
                && i.path("changeType").asText().equals("deleted"), WAIT);
    }

    /** Waits (up to {@link #WAIT}) for a frame in which {@code hz} is louder than -30 dBFS. */
    private static void awaitTone(RtpPeer ear, int hz) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            RtpPeer.Packet p = ear.receive(100);
            if (p != null && p.payloadType() == 0 && p.pcmuLevelDbfs(hz) > -30) {
                return;
            }
        }
        throw new AssertionError(hz + " Hz was not heard within " + WAIT);
    }

    /** The loudest level (dBFS) of {@code hz} in the frames received within {@code d}, after dropping what was queued. */
    private static double loudest(RtpPeer ear, int hz, Duration d) {
        ear.drain();
        long end = System.nanoTime() + d.toNanos();
        double loudest = -200;
        int packets = 0;
        while (System.nanoTime() < end) {
            RtpPeer.Packet p = ear.receive(100);
            if (p != null && p.payloadType() == 0) {
                packets++;
                loudest = Math.max(loudest, p.pcmuLevelDbfs(hz));
            }
        }
        assertThat(packets).as("the ear receives its 20 ms frames").isGreaterThan(10);
        return loudest;
    }
}
