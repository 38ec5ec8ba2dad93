package dev.switchboard.api;

import com.microsoft.graph.communications.calls.item.playprompt.PlayPromptPostRequestBody;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.MediaInfo;
import com.microsoft.graph.models.MediaPrompt;
import com.microsoft.graph.models.PlayPromptOperation;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.RtpMediaEngine;
import dev.switchboard.media.ivr.RecordingStore;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * What lies above 4 kHz in the 48 kHz mix does not fold into a G.711 caller's band (the resampler's anti-aliasing
 * filter): a 16 kHz prompt's 5, 6 and 7 kHz and an Opus talker's 6 kHz, heard by a PCMU RTP leg (an ffmpeg
 * receiver), leave nothing at 3, 2 and 1 kHz — with the 6-sample average this replaced they arrived 9, 14 and 23 dB
 * below their level.
 */
class G711FoldingEndToEndTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    /** Each tone's level: −18 dBFS. */
    static final double TONE = 32768 * Math.pow(10, -18 / 20.0);
    /** At least 50 dB below the tones. */
    static final double FOLDED_MAX_DBFS = -68;
    static TestServer server;
    static CallbackReceiver bot;
    static GraphServiceClient graph;
    static ClientApi alice;
    static ClientApi bob;
    static PromptServer prompts;

    @BeforeAll
    static void start() throws Exception {
        assumeThat(FfmpegPeer.available()).as("ffmpeg at " + FfmpegPeer.FFMPEG).isTrue();
        server = TestServer.start();
        bot = new CallbackReceiver();
        graph = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
        alice = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.aliceToken(server.baseUrl()));
        bob = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.bobToken(server.baseUrl()));
        prompts = new PromptServer();
        prompts.put("/sibilants.wav", sibilants());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            bot.close();
            prompts.close();
        }
    }

    @Test
    void aSixteenKilohertzPromptsFiveSixAndSevenKilohertzDoNotReachAPcmuCaller(@TempDir Path dir) throws Exception {
        Call call = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID));
        int aliceRx = FfmpegPeer.freeEvenPortPair();
        ClientApi.Joined joined = alice.join(call.getId(), FfmpegPeer.offer(aliceRx, Codec.PCMU, "recvonly"));
        FfmpegPeer.sendReceiverReport(IvrMediaEndToEndTest.audioPort(joined.sdpAnswer()));
        Path wav = dir.resolve("alice.wav");
        try (FfmpegPeer ear = FfmpegPeer.receiveWav(aliceRx, Codec.PCMU, wav, 4.0)) {
            Thread.sleep(300);
            PlayPromptOperation op = graph.communications().calls().byCallId(call.getId()).playPrompt()
                    .post(play(prompts.url("/sibilants.wav")));
            String opId = op.getId();
            assertThat(bot.awaitItem(i -> i.path("resourceUrl").asText().endsWith("/operations/" + opId), WAIT)
                    .path("resourceData").path("status").asText()).isEqualTo("Completed");
            assertThat(ear.awaitExit(Duration.ofSeconds(30))).as("the recorder finished").isTrue();
        }
        ToneAnalysis.Samples s = ToneAnalysis.read(wav);
        double start = IvrMediaEndToEndTest.firstPresent(s, 440);
        assertThat(start).as("the prompt is heard").isGreaterThanOrEqualTo(0);
        assertThat(ToneAnalysis.levelDbfs(s, 440, start + 0.1, start + 0.45)).as("440 Hz, given at −18 dBFS")
                .isBetween(-19.5, -16.5);
        double from = start + 0.6; // after the 440 Hz marker: µ-law's distortion of it would be measured too
        double to = Math.min(start + 1.9, s.seconds());
        assertThat(to - from).as("a second of the prompt was recorded").isGreaterThan(1.0);
        for (int hz : new int[] {5000, 6000, 7000}) {
            double level = ToneAnalysis.levelDbfs(s, 8000 - hz, from, to);
            System.out.printf("prompt: %d Hz folded to %d Hz at %.1f dBFS%n", hz, 8000 - hz, level);
            assertThat(level).as("%d Hz folded to %d Hz", hz, 8000 - hz).isLessThan(FOLDED_MAX_DBFS);
        }
        graph.communications().calls().byCallId(call.getId()).delete();
    }

    @Test
    void anOpusTalkersSixKilohertzDoesNotReachAPcmuListener(@TempDir Path dir) throws Exception {
        Call call = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID, DevIdentities.BOB_ID));
        String callId = call.getId();
        int aliceRx = FfmpegPeer.freeEvenPortPair();
        int bobRx = FfmpegPeer.freeEvenPortPair();
        ClientApi.Joined talker = alice.join(callId, FfmpegPeer.offer(aliceRx, Codec.OPUS, "sendrecv"));
        ClientApi.Joined listener = bob.join(callId, FfmpegPeer.offer(bobRx, Codec.PCMU, "recvonly"));
        FfmpegPeer.sendReceiverReport(IvrMediaEndToEndTest.audioPort(listener.sdpAnswer()));
        Path wav = dir.resolve("bob.wav");
        try (FfmpegPeer voice = FfmpegPeer.sendTone("127.0.0.1", IvrMediaEndToEndTest.audioPort(talker.sdpAnswer()),
                Codec.OPUS, 6000, 30, dir)) {
            awaitMixed(callId, talker.participantId());
            long mixed = mixedFrames(callId, talker.participantId());
            try (FfmpegPeer ear = FfmpegPeer.receiveWav(bobRx, Codec.PCMU, wav, 2.0)) {
                assertThat(ear.awaitExit(Duration.ofSeconds(30))).as("the recorder finished").isTrue();
            }
            ToneAnalysis.Samples s = ToneAnalysis.read(wav);
            assertThat(s.seconds()).as("bob heard the room for 2 s").isGreaterThan(1.5);
            double level = ToneAnalysis.levelDbfs(s, 2000, 0.2, s.seconds());
            System.out.printf("opus talker: 6000 Hz folded to 2000 Hz at %.1f dBFS%n", level);
            assertThat(level).as("6 kHz folded to 2 kHz").isLessThan(FOLDED_MAX_DBFS);
            assertThat(mixedFrames(callId, talker.participantId()) - mixed).as("alice's frames mixed while bob recorded")
                    .isGreaterThan(50);
        }
        graph.communications().calls().byCallId(callId).delete();
    }

    /** 16 kHz, 2 s: 5, 6 and 7 kHz at −18 dBFS each, with a 440 Hz marker (−18 dBFS) in the first half second. */
    static byte[] sibilants() {
        int rate = 16000;
        short[] pcm = new short[2 * rate];
        for (int i = 0; i < pcm.length; i++) {
            double v = i < rate / 2 ? TONE * Math.sin(2 * Math.PI * 440 * i / rate) : 0;
            for (int f : new int[] {5000, 6000, 7000}) {
                v += TONE * Math.sin(2 * Math.PI * f * i / rate);
            }
            pcm[i] = (short) Math.round(v);
        }
        return RecordingStore.wav(pcm, rate);
    }

    static PlayPromptPostRequestBody play(String uri) {
        MediaInfo info = new MediaInfo();
        info.setUri(uri);
        MediaPrompt p = new MediaPrompt();
        p.setMediaInfo(info);
        PlayPromptPostRequestBody body = new PlayPromptPostRequestBody();
        body.setPrompts(List.of(p));
        body.setClientContext("folding");
        return body;
    }

    static long mixedFrames(String callId, String participantId) {
        RtpMediaEngine media = (RtpMediaEngine) server.server().media();
        return media.legStats(callId, participantId).map(s -> s.framesMixed()).orElse(0L);
    }

    static void awaitMixed(String callId, String participantId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            if (mixedFrames(callId, participantId) > 10) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the Opus talker's frames were not mixed within 15 s");
    }
}
