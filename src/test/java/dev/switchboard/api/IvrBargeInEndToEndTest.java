package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.communications.calls.item.recordresponse.RecordResponsePostRequestBody;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.PlayPromptOperation;
import com.microsoft.graph.models.RecordOperation;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.FfmpegPeer;
import dev.switchboard.testsupport.FfmpegPeer.Codec;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.ToneAnalysis;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * recordResponse's {@code bargeInAllowed} end to end (official Graph SDK, ffmpeg RTP caller, PCMU and Opus), as Graph
 * documents it: {@code true} barges into the prompts queued or playing before it — a long prompt the caller talks over
 * is cut (its playPromptOperation fails as cancelled) and the recording starts at once; {@code false} queues behind
 * it, so the prompt plays through and the recording starts after it.
 */
class IvrBargeInEndToEndTest {
    static TestServer server;
    static CallbackReceiver bot;
    static GraphServiceClient graph;
    static ClientApi alice;
    static PromptServer prompts;

    @BeforeAll
    static void start() throws Exception {
        assumeThat(FfmpegPeer.available()).as("ffmpeg at " + FfmpegPeer.FFMPEG).isTrue();
        server = TestServer.start();
        bot = new CallbackReceiver();
        graph = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
        alice = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.aliceToken(server.baseUrl()));
        prompts = new PromptServer();
        prompts.put("/long440.wav", PromptServer.toneWav(440, 6.0, 16000));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            bot.close();
            prompts.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"PCMU", "OPUS"})
    void aBargeInRecordCutsThePromptTheCallerTalksOverAndRecordsAtOnce(Codec codec, @TempDir Path dir) throws Exception {
        Outcome o = talkOverAPrompt(codec, true, dir);
        assertThat(o.prompt().path("status").asText()).as("the prompt was cut").isEqualTo("Failed");
        assertThat(o.prompt().path("resultInfo").path("subcode").asInt()).isEqualTo(8508);
        assertThat(o.prompt().path("completionReason").asText()).isEqualTo("mediaOperationCanceled");
        assertThat(o.promptEndedFirst()).as("the prompt ended before the recording").isTrue();
        assertThat(o.heardBefore()).as("alice heard the prompt before the barge-in (%.1f dBFS)", o.heardBefore())
                .isGreaterThan(ToneAnalysis.PRESENT_DBFS);
        assertThat(o.heardAfter()).as("alice hears no prompt after the barge-in (%.1f dBFS)", o.heardAfter())
                .isLessThan(ToneAnalysis.ABSENT_DBFS);
        // of its 2 s: on a loaded machine ffmpeg's sender may miss a few of its 20 ms frames (1.78 s seen at load 8.5)
        assertThat(o.recordedVoice()).as("the recording holds the caller's voice from its start").isGreaterThan(1.5);
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"PCMU", "OPUS"})
    void withoutBargeInThePromptPlaysThroughAndTheRecordingFollowsIt(Codec codec, @TempDir Path dir) throws Exception {
        Outcome o = talkOverAPrompt(codec, false, dir);
        assertThat(o.prompt().path("status").asText()).as("the prompt played through").isEqualTo("Completed");
        assertThat(o.prompt().path("completionReason").asText()).isEqualTo("completedSuccessfully");
        assertThat(o.promptEndedFirst()).as("the recording queued behind the prompt").isTrue();
        assertThat(o.heardBefore()).as("alice heard the prompt (%.1f dBFS)", o.heardBefore())
                .isGreaterThan(ToneAnalysis.PRESENT_DBFS);
        assertThat(o.heardAfter()).as("alice still hears the prompt after the record request (%.1f dBFS)", o.heardAfter())
                .isGreaterThan(ToneAnalysis.PRESENT_DBFS);
        // of its 2 s: on a loaded machine ffmpeg's sender may miss a few of its 20 ms frames (1.78 s seen at load 8.5)
        assertThat(o.recordedVoice()).as("the recording (after the prompt) holds the caller's voice").isGreaterThan(1.5);
    }

    /**
     * What the finished prompt operation said, whether it finished before the record operation, alice's level of the
     * prompt's tone before and after the record request, and how much of the caller's tone the recording holds.
     */
    record Outcome(JsonNode prompt, boolean promptEndedFirst, double heardBefore, double heardAfter, double recordedVoice) {
    }

    /** A P2P call: a 6 s prompt plays, alice (the caller) talks over it, and 1.2 s in the bot asks for a 2 s recording. */
    private static Outcome talkOverAPrompt(Codec codec, boolean bargeIn, Path dir) throws Exception {
        Call call = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID));
        String callId = call.getId();
        int aliceRx = FfmpegPeer.freeEvenPortPair();
        ClientApi.Joined joined = alice.join(callId, FfmpegPeer.offer(aliceRx, codec, "sendrecv"));
        int alicePort = IvrMediaEndToEndTest.audioPort(joined.sdpAnswer());
        FfmpegPeer.sendReceiverReport(alicePort);
        Path heard = dir.resolve("alice.wav");
        try (FfmpegPeer voice = FfmpegPeer.sendTone("127.0.0.1", alicePort, codec, 660, 60, dir)) {
            awaitPackets(callId, joined.participantId());
            PlayPromptOperation play;
            RecordOperation record;
            double requestedAt;
            try (FfmpegPeer ear = FfmpegPeer.receiveWav(aliceRx, codec, heard, 4.0)) {
                long t0 = System.nanoTime();
                play = graph.communications().calls().byCallId(callId).playPrompt()
                        .post(IvrMediaEndToEndTest.play("long", prompt("/long440.wav", "long440-" + codec + bargeIn)));
                Thread.sleep(1200);
                RecordResponsePostRequestBody body = new RecordResponsePostRequestBody();
                body.setBargeInAllowed(bargeIn);
                body.setPlayBeep(false);
                body.setInitialSilenceTimeoutInSeconds(5);
                body.setMaxSilenceTimeoutInSeconds(5);
                body.setMaxRecordDurationInSeconds(2);
                body.setClientContext("answer");
                record = graph.communications().calls().byCallId(callId).recordResponse().post(body);
                requestedAt = (System.nanoTime() - t0) / 1e9;
                assertThat(ear.awaitExit(Duration.ofSeconds(30))).as("alice's recorder finished").isTrue();
            }
            JsonNode promptDone = awaitOperation(play.getId());
            JsonNode recordDone = awaitOperation(record.getId());
            assertThat(recordDone.path("completionReason").asText()).isEqualTo("maxRecordDurationReached");
            List<String> order = bot.items().stream().map(i -> i.path("resourceUrl").asText())
                    .filter(u -> u.endsWith("/operations/" + play.getId()) || u.endsWith("/operations/" + record.getId()))
                    .toList();
            boolean promptFirst = !order.isEmpty() && order.get(0).endsWith(play.getId());
            ToneAnalysis.Samples s = ToneAnalysis.read(heard);
            // the ear started before the prompt; judge well clear of the moment of the record request
            double before = ToneAnalysis.levelDbfs(s, 440, 0.3, Math.max(0.4, requestedAt - 0.3));
            double after = ToneAnalysis.levelDbfs(s, 440, requestedAt + 0.6, Math.min(s.seconds(), requestedAt + 2.4));
            ToneAnalysis.Samples rec = ToneAnalysis.read(IvrMediaEndToEndTest.save(dir, "answer.wav",
                    IvrMediaEndToEndTest.get(recordDone.path("recordingLocation").asText(),
                            recordDone.path("recordingAccessToken").asText()).body()));
            return new Outcome(promptDone, promptFirst, before, after, IvrMediaEndToEndTest.presentSeconds(rec, 660));
        } finally {
            graph.communications().calls().byCallId(callId).delete();
        }
    }

    private static com.microsoft.graph.models.MediaPrompt prompt(String path, String resourceId) {
        com.microsoft.graph.models.MediaInfo info = new com.microsoft.graph.models.MediaInfo();
        info.setUri(prompts.url(path));
        info.setResourceId(resourceId);
        com.microsoft.graph.models.MediaPrompt p = new com.microsoft.graph.models.MediaPrompt();
        p.setMediaInfo(info);
        return p;
    }

    private static JsonNode awaitOperation(String opId) throws InterruptedException {
        return bot.awaitItem(i -> i.path("resourceUrl").asText().endsWith("/operations/" + opId), Duration.ofSeconds(60))
                .path("resourceData");
    }

    private static void awaitPackets(String callId, String participantId) throws InterruptedException {
        var media = (dev.switchboard.media.RtpMediaEngine) server.server().media();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            if (media.legStats(callId, participantId).map(st -> st.framesMixed() > 0).orElse(false)) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no RTP from the ffmpeg sender within 15 s");
    }
}
