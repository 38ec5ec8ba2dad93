package dev.switchboard.api;

import com.microsoft.graph.communications.calls.item.mute.MutePostRequestBody;
import com.microsoft.graph.communications.calls.item.unmute.UnmutePostRequestBody;
import com.microsoft.graph.models.AppHostedMediaConfig;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.MuteParticipantOperation;
import com.microsoft.graph.models.OperationStatus;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.RtpMediaEngine;
import dev.switchboard.media.sdp.SdpOffer;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The seed's promise end to end, with nobody's code but ours in the server: the official Graph SDK drives the
 * call, ffmpeg processes are the media of the bot and of the participants, and what bob really receives is
 * judged by Goertzel (present ≥ −30 dBFS, absent ≤ −60 dBFS). The bot plays 440 Hz, alice 660 Hz, bob listens.
 */
class MuteEndToEndTest {
    static final int BOT_HZ = 440;
    static final int ALICE_HZ = 660;
    static final double PHASE_SECONDS = 1.6;
    /** Phase edges are left out of the verdicts: ffmpeg start-up and the recording's start are known to ~0.3 s. */
    static final double EDGE_SECONDS = 0.4;

    static TestServer server;
    static CallbackReceiver bot;
    static GraphServiceClient graph;
    static ClientApi alice;
    static ClientApi bob;

    @BeforeAll
    static void start() throws Exception {
        assumeThat(FfmpegPeer.available()).as("ffmpeg at " + FfmpegPeer.FFMPEG).isTrue();
        server = TestServer.start();
        bot = new CallbackReceiver();
        graph = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
        alice = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.aliceToken(server.baseUrl()));
        bob = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.bobToken(server.baseUrl()));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            bot.close();
        }
    }

    /** A phase of the scenario: what bob (and the muted ones) must hear between two actions. */
    record Phase(String name, double fromSeconds, double toSeconds) {
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"PCMU", "OPUS"})
    void aServerMuteSilencesTheLegForEveryoneWhileItKeepsStreaming(Codec codec, @TempDir Path dir) throws Exception {
        int botRx = FfmpegPeer.freeEvenPortPair();
        int aliceRx = FfmpegPeer.freeEvenPortPair();
        int bobRx = FfmpegPeer.freeEvenPortPair();
        Call body = GraphSdk.call(bot.url(), DevIdentities.ALICE_ID, DevIdentities.BOB_ID);
        AppHostedMediaConfig media = new AppHostedMediaConfig();
        media.setBlob(FfmpegPeer.offer(botRx, codec, "sendrecv"));
        body.setMediaConfig(media);
        Call call = graph.communications().calls().post(body);
        String callId = call.getId();
        int botServerPort = audioPort(((AppHostedMediaConfig) call.getMediaConfig()).getBlob());
        ClientApi.Joined aliceJoined = alice.join(callId, FfmpegPeer.offer(aliceRx, codec, "sendrecv"));
        ClientApi.Joined bobJoined = bob.join(callId, FfmpegPeer.offer(bobRx, codec, "recvonly"));
        for (int port : new int[] {botServerPort, audioPort(aliceJoined.sdpAnswer()), audioPort(bobJoined.sdpAnswer())}) {
            FfmpegPeer.sendReceiverReport(port); // latches each leg, so each recording starts when its ffmpeg is ready
        }

        double total = 5 * PHASE_SECONDS + 1.0;
        Path bobWav = dir.resolve("bob.wav");
        Path aliceWav = dir.resolve("alice.wav");
        Path botWav = dir.resolve("bot.wav");
        // the voices first (they talk longer than the scenario: ffmpeg may take seconds to start on a busy machine),
        // then, once both are mixed, the recorders; the server sends every listener a packet every 20 ms (silence too),
        // so a recording's time 0 is when its ffmpeg got ready
        try (FfmpegPeer botVoice = FfmpegPeer.sendTone("127.0.0.1", botServerPort, codec, BOT_HZ, total + 20, dir);
             FfmpegPeer aliceVoice = FfmpegPeer.sendTone("127.0.0.1", audioPort(aliceJoined.sdpAnswer()), codec, ALICE_HZ, total + 20, dir);
             FfmpegPeer bobEar = onceMixed(callId, List.of(call.getMyParticipantId(), aliceJoined.participantId()),
                     () -> FfmpegPeer.receiveWav(bobRx, codec, bobWav, total + 20));
             FfmpegPeer aliceEar = FfmpegPeer.receiveWav(aliceRx, codec, aliceWav, total + 20);
             FfmpegPeer botEar = FfmpegPeer.receiveWav(botRx, codec, botWav, total + 20)) {
            // the recorders run until stopped below: on a busy machine starting three ffmpegs takes seconds
            long t0 = bobEar.readyNanos();
            List<Phase> phases = new ArrayList<>();
            phases.add(phase("both talk", t0, () -> { }));
            phases.add(phase("bot server-muted", t0, () -> {
                MutePostRequestBody mute = new MutePostRequestBody();
                mute.setClientContext("e2e-" + codec);
                MuteParticipantOperation op = graph.communications().calls().byCallId(callId).mute().post(mute);
                assertThat(op.getStatus()).isEqualTo(OperationStatus.Completed);
            }));
            phases.add(phase("bot unmuted", t0, () ->
                    graph.communications().calls().byCallId(callId).unmute().post(new UnmutePostRequestBody())));
            phases.add(phase("alice server-muted", t0, () -> graph.communications().calls().byCallId(callId)
                    .participants().byParticipantId(aliceJoined.participantId()).mute()
                    .post(new com.microsoft.graph.communications.calls.item.participants.item.mute.MutePostRequestBody())));
            phases.add(phase("alice's own unmute", t0, () -> assertThat(alice.setMuted(aliceJoined, false)
                    .get("isMuted").asBoolean()).as("a client unmute does not lift a server mute").isTrue()));
            Thread.sleep((long) (PHASE_SECONDS * 1000));
            for (FfmpegPeer ear : List.of(bobEar, aliceEar, botEar)) {
                assertThat(ear.finish(Duration.ofSeconds(15))).as("the recorder finished its WAV").isTrue();
            }
            String context = codec + " bob=" + ToneAnalysis.durationSeconds(bobWav) + "s " + bobEar.log() + " phases=" + phases;

            expect(bobWav, BOT_HZ, phases.get(0), true, context);
            expect(bobWav, ALICE_HZ, phases.get(0), true, context);
            expect(bobWav, BOT_HZ, phases.get(1), false, context);
            expect(bobWav, ALICE_HZ, phases.get(1), true, context);
            expect(bobWav, BOT_HZ, phases.get(2), true, context);
            expect(bobWav, ALICE_HZ, phases.get(3), false, context);
            expect(bobWav, BOT_HZ, phases.get(3), true, context);
            expect(bobWav, ALICE_HZ, phases.get(4), false, context);
            // a muted leg still hears: the muted bot hears alice, the muted alice hears the bot
            expect(botWav, ALICE_HZ, shifted(phases.get(1), botEar.readyNanos() - t0), true, codec + " bot's ear");
            expect(aliceWav, BOT_HZ, shifted(phases.get(3), aliceEar.readyNanos() - t0), true, codec + " alice's ear");
        } finally {
            bob.leave(bobJoined);
            graph.communications().calls().byCallId(callId).delete();
        }
        String metrics = scrapeMetrics();
        assertThat(counter(metrics, "switchboard_media_dropped_packets_total\\{reason=\"server_muted\"}"))
                .as("the muted legs kept streaming and the server dropped their packets").isGreaterThan(20);
        assertThat(counter(metrics, "switchboard_media_mixed_after_mute_total"))
                .as("no frame of a muted leg was mixed after its mute returned").isZero();
    }

    @Test
    void aPeerToPeerCallCarriesAudioBothWays(@TempDir Path dir) throws Exception {
        GraphServiceClient p2pBot = graph; // app-hosted media needs Calls.AccessMedia.All, which the Dev P2P Bot lacks
        Codec codec = Codec.PCMU;
        int botRx = FfmpegPeer.freeEvenPortPair();
        int aliceRx = FfmpegPeer.freeEvenPortPair();
        Call body = GraphSdk.call(bot.url(), DevIdentities.ALICE_ID);
        AppHostedMediaConfig media = new AppHostedMediaConfig();
        media.setBlob(FfmpegPeer.offer(botRx, codec, "sendrecv"));
        body.setMediaConfig(media);
        Call call = p2pBot.communications().calls().post(body);
        ClientApi.Joined joined = alice.join(call.getId(), FfmpegPeer.offer(aliceRx, codec, "sendrecv"));
        FfmpegPeer.sendReceiverReport(audioPort(((AppHostedMediaConfig) call.getMediaConfig()).getBlob()));
        FfmpegPeer.sendReceiverReport(audioPort(joined.sdpAnswer()));
        Path botWav = dir.resolve("bot.wav");
        Path aliceWav = dir.resolve("alice.wav");
        // the voices first, and the recordings once both reach the server: ffmpeg may take seconds to start on a busy
        // machine, and a recording that began before would hold only the silence before them
        try (FfmpegPeer botVoice = FfmpegPeer.sendTone("127.0.0.1", audioPort(((AppHostedMediaConfig) call.getMediaConfig()).getBlob()),
                     codec, BOT_HZ, 20, dir);
             FfmpegPeer aliceVoice = FfmpegPeer.sendTone("127.0.0.1", audioPort(joined.sdpAnswer()), codec, ALICE_HZ, 20, dir)) {
            awaitPackets(call.getId(), List.of(call.getMyParticipantId(), joined.participantId()));
            try (FfmpegPeer botEar = FfmpegPeer.receiveWav(botRx, codec, botWav, 2.5);
                 FfmpegPeer aliceEar = FfmpegPeer.receiveWav(aliceRx, codec, aliceWav, 2.5)) {
                botEar.awaitExit(Duration.ofSeconds(15));
                aliceEar.awaitExit(Duration.ofSeconds(15));
            }
        }
        assertThat(ToneAnalysis.verdict(ToneAnalysis.levelDbfs(botWav, ALICE_HZ))).as("the bot hears alice").isEqualTo(ToneAnalysis.Verdict.PRESENT);
        assertThat(ToneAnalysis.verdict(ToneAnalysis.levelDbfs(aliceWav, BOT_HZ))).as("alice hears the bot").isEqualTo(ToneAnalysis.Verdict.PRESENT);
        assertThat(ToneAnalysis.verdict(ToneAnalysis.levelDbfs(aliceWav, ALICE_HZ))).as("mix-minus: alice does not hear herself")
                .isEqualTo(ToneAnalysis.Verdict.ABSENT);
        p2pBot.communications().calls().byCallId(call.getId()).delete();
    }

    /** Waits until audio of every given leg has been mixed (its RTCP receiver report alone does not count). */
    /** Starts {@code recorder} once audio of every given leg has been mixed. */
    static FfmpegPeer onceMixed(String callId, List<String> participantIds, java.util.function.Supplier<FfmpegPeer> recorder)
            throws InterruptedException {
        awaitPackets(callId, participantIds);
        return recorder.get();
    }

    static void awaitPackets(String callId, List<String> participantIds) throws InterruptedException {
        RtpMediaEngine media = (RtpMediaEngine) server.server().media();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            long flowing = participantIds.stream()
                    .filter(p -> media.legStats(callId, p).map(s -> s.framesMixed() > 0).orElse(false)).count();
            if (flowing == participantIds.size()) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no RTP from the ffmpeg senders within 10 s");
    }

    interface Action {
        void run() throws Exception;
    }

    /** Runs the action that starts a phase (after the previous phase's time) and notes when its answer came back. */
    static Phase phase(String name, long t0, Action action) throws Exception {
        if (!"both talk".equals(name)) {
            Thread.sleep((long) (PHASE_SECONDS * 1000));
        }
        action.run();
        double start = (System.nanoTime() - t0) / 1e9;
        return new Phase(name, start, start + PHASE_SECONDS);
    }

    static Phase shifted(Phase p, long offsetNanos) {
        double shift = offsetNanos / 1e9;
        return new Phase(p.name(), p.fromSeconds() - shift, p.toSeconds() - shift);
    }

    static void expect(Path wav, int hz, Phase phase, boolean present, String context) {
        double from = phase.fromSeconds() + EDGE_SECONDS;
        double to = phase.toSeconds() - EDGE_SECONDS + 0.2;
        double level = ToneAnalysis.levelDbfs(wav, hz, from, to);
        assertThat(ToneAnalysis.verdict(level))
                .as("%d Hz during '%s' [%.2f, %.2f] s = %.1f dBFS (%s)", hz, phase.name(), from, to, level, context)
                .isEqualTo(present ? ToneAnalysis.Verdict.PRESENT : ToneAnalysis.Verdict.ABSENT);
    }

    static int audioPort(String sdpAnswer) {
        return SdpOffer.parse(sdpAnswer).media().get(0).port();
    }

    static String scrapeMetrics() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    static double counter(String metrics, String nameAndLabels) {
        Matcher m = Pattern.compile("(?m)^" + nameAndLabels + " ([0-9.eE+-]+)$").matcher(metrics);
        assertThat(m.find()).as("metric " + nameAndLabels + " in /metrics").isTrue();
        return Double.parseDouble(m.group(1));
    }
}
