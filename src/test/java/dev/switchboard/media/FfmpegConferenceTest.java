package dev.switchboard.media;

import dev.switchboard.testsupport.FfmpegPeer;
import dev.switchboard.testsupport.FfmpegPeer.Codec;
import dev.switchboard.testsupport.MediaPorts;
import dev.switchboard.testsupport.ToneAnalysis;
import dev.switchboard.testsupport.ToneAnalysis.Samples;
import dev.switchboard.testsupport.ToneAnalysis.Verdict;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ffmpeg as the outside participants of a real RTP conference: A plays 440 Hz, B plays 660 Hz, C only
 * listens; the server mutes A and B client-mutes, and Goertzel on the WAVs says what each one heard.
 */
class FfmpegConferenceTest {
    private static final double PHASE = 1.5;
    private static final int PHASES = 4;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"PCMU", "OPUS"})
    void serverMuteRemovesOnlyTheMutedTalkerAndClientMuteTheOther(Codec codec) throws Exception {
        Assumptions.assumeTrue(FfmpegPeer.available(), "ffmpeg is not installed");
        int[] range = MediaPorts.nextRange(20);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        List<FfmpegPeer> peers = new ArrayList<>();
        try (RtpMediaEngine engine = new RtpMediaEngine("127.0.0.1", range[0], range[1], meters)) {
            MediaRoom room = engine.openRoom("call-" + codec);
            int rxA = FfmpegPeer.freeEvenPortPair();
            int rxB = FfmpegPeer.freeEvenPortPair();
            int rxC = FfmpegPeer.freeEvenPortPair();
            RtpLeg a = (RtpLeg) room.addLeg("A", FfmpegPeer.offer(rxA, codec, "sendrecv"));
            RtpLeg b = (RtpLeg) room.addLeg("B", FfmpegPeer.offer(rxB, codec, "sendrecv"));
            RtpLeg c = (RtpLeg) room.addLeg("C", FfmpegPeer.offer(rxC, codec, "recvonly"));
            assertThat(c.sdpAnswer()).contains("a=sendonly");

            double total = PHASE * PHASES;
            Path wavA = dir.resolve("a.wav");
            Path wavB = dir.resolve("b.wav");
            Path wavC = dir.resolve("c.wav");
            FfmpegPeer recA = FfmpegPeer.receiveWav(rxA, codec, wavA, total + 0.3);
            FfmpegPeer recB = FfmpegPeer.receiveWav(rxB, codec, wavB, total + 0.3);
            FfmpegPeer recC = FfmpegPeer.receiveWav(rxC, codec, wavC, total + 0.3);
            peers.addAll(List.of(recA, recB, recC));
            peers.add(FfmpegPeer.sendTone("127.0.0.1", a.localPort(), codec, 440, total + 0.5, dir));
            peers.add(FfmpegPeer.sendTone("127.0.0.1", b.localPort(), codec, 660, total + 0.5, dir));

            long start = System.nanoTime();
            sleepUntil(start, 1 * PHASE);
            a.setServerMuted(true);
            long mutedAt = System.nanoTime();
            sleepUntil(start, 2 * PHASE);
            LegStats whileMuted = a.stats();
            a.setServerMuted(false);
            sleepUntil(start, 3 * PHASE);
            b.setClientMuted(true);
            sleepUntil(start, 4 * PHASE);

            for (FfmpegPeer r : List.of(recA, recB, recC)) {
                assertThat(r.awaitExit(Duration.ofSeconds(10))).as("receiver exits").isTrue();
            }
            Samples c0 = ToneAnalysis.read(wavC);
            Samples a0 = ToneAnalysis.read(wavA);
            Samples b0 = ToneAnalysis.read(wavB);
            double offC = seconds(start - recC.readyNanos());
            double offA = seconds(start - recA.readyNanos());
            double offB = seconds(start - recB.readyNanos());
            String report = String.format(Locale.ROOT, "codec=%s C=%.2fs A=%.2fs B=%.2fs%n%s%s%s", codec,
                    c0.seconds(), a0.seconds(), b0.seconds(), recC.log(), recA.log(), recB.log());

            // C hears both, then not A while A is server-muted, both again, then not B while B is client-muted
            expect(c0, offC, 0, 440, Verdict.PRESENT, report);
            expect(c0, offC, 0, 660, Verdict.PRESENT, report);
            expect(c0, offC, 1, 440, Verdict.ABSENT, report);
            expect(c0, offC, 1, 660, Verdict.PRESENT, report);
            expect(c0, offC, 2, 440, Verdict.PRESENT, report);
            expect(c0, offC, 2, 660, Verdict.PRESENT, report);
            expect(c0, offC, 3, 440, Verdict.PRESENT, report);
            expect(c0, offC, 3, 660, Verdict.ABSENT, report);
            // the server-muted leg still hears B, and never itself
            expect(a0, offA, 1, 660, Verdict.PRESENT, report);
            expect(a0, offA, 0, 440, Verdict.ABSENT, report);
            // the client-muted leg still hears A, and never itself
            expect(b0, offB, 3, 440, Verdict.PRESENT, report);
            expect(b0, offB, 0, 660, Verdict.ABSENT, report);

            // counters confirm the drops, and nothing of a muted leg was mixed after its mute returned
            assertThat(whileMuted.dropped(DropReason.SERVER_MUTED)).as("A's drops while muted").isGreaterThan(40);
            assertThat(whileMuted.mixedAfterServerMute()).isZero();
            LegStats bs = b.stats();
            assertThat(bs.dropped(DropReason.CLIENT_MUTED)).isGreaterThan(40);
            assertThat(bs.mixedAfterClientMute()).isZero();
            assertThat(c.stats().packetsOut()).isGreaterThan((long) (total * 40));
            assertThat(engine.stats().mixedAfterMute()).isZero();
            assertThat(meters.get("switchboard.media.dropped.packets").tag("reason", "server_muted")
                    .functionCounter().count()).isGreaterThan(40);
            assertThat(mutedAt).isPositive();
        } finally {
            peers.forEach(FfmpegPeer::close);
        }
    }

    /** Checks one phase of a recording, leaving margins for start-up and propagation around the switch. */
    private static void expect(Samples s, double offset, int phase, int hz, Verdict want, String report) {
        double from = offset + phase * PHASE + 0.35;
        double to = offset + (phase + 1) * PHASE - 0.1;
        double level = ToneAnalysis.levelDbfs(s, hz, from, to);
        assertThat(ToneAnalysis.verdict(level))
                .as("%d Hz in phase %d [%.2f, %.2f] s = %.1f dBFS; %s", hz, phase, from, to, level, report)
                .isEqualTo(want);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static void sleepUntil(long start, double seconds) throws InterruptedException {
        long until = start + (long) (seconds * 1e9);
        long now;
        while ((now = System.nanoTime()) < until) {
            Thread.sleep(Math.max(1, (until - now) / 1_000_000));
        }
    }
}
