package dev.switchboard.media;

import dev.switchboard.testsupport.FfmpegPeer;
import dev.switchboard.testsupport.FfmpegPeer.Codec;
import dev.switchboard.testsupport.MediaPorts;
import dev.switchboard.testsupport.ToneAnalysis;
import dev.switchboard.testsupport.ToneAnalysis.Samples;
import dev.switchboard.testsupport.ToneAnalysis.Verdict;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
    private static final java.net.InetAddress LOOPBACK = java.net.InetAddress.getLoopbackAddress();
    private static final double PHASE = 1.5;
    private static final int PHASES = 4;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"PCMU", "OPUS"})
    void serverMuteRemovesOnlyTheMutedTalkerAndClientMuteTheOther(Codec codec) throws Exception {
        assertThat(FfmpegPeer.available()).as("ffmpeg must be installed at /usr/bin/ffmpeg (./run-tests installs it)").isTrue();
        int[] range = MediaPorts.nextRange(20);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        List<FfmpegPeer> peers = new ArrayList<>();
        try (RtpMediaEngine engine = new RtpMediaEngine("127.0.0.1", range[0], range[1], meters)) {
            MediaRoom room = engine.openRoom("call-" + codec);
            int rxA = FfmpegPeer.freeEvenPortPair();
            int rxB = FfmpegPeer.freeEvenPortPair();
            int rxC = FfmpegPeer.freeEvenPortPair();
            RtpLeg a = (RtpLeg) room.addLeg("A", FfmpegPeer.offer(rxA, codec, "sendrecv"), LOOPBACK);
            RtpLeg b = (RtpLeg) room.addLeg("B", FfmpegPeer.offer(rxB, codec, "sendrecv"), LOOPBACK);
            RtpLeg c = (RtpLeg) room.addLeg("C", FfmpegPeer.offer(rxC, codec, "recvonly"), LOOPBACK);
            assertThat(c.sdpAnswer()).contains("a=sendonly");
            for (RtpLeg leg : List.of(a, b, c)) {
                FfmpegPeer.sendReceiverReport(leg.localPort()); // latches the leg: the server sends nothing before
            }

            double total = PHASE * PHASES;
            Path wavA = dir.resolve("a.wav");
            Path wavB = dir.resolve("b.wav");
            Path wavC = dir.resolve("c.wav");
            FfmpegPeer recA = FfmpegPeer.receiveWav(rxA, codec, wavA, total + 10);
            FfmpegPeer recB = FfmpegPeer.receiveWav(rxB, codec, wavB, total + 10);
            FfmpegPeer recC = FfmpegPeer.receiveWav(rxC, codec, wavC, total + 10);
            peers.addAll(List.of(recA, recB, recC));
            peers.add(FfmpegPeer.sendTone("127.0.0.1", a.localPort(), codec, 440, total + 0.5, dir));
            peers.add(FfmpegPeer.sendTone("127.0.0.1", b.localPort(), codec, 660, total + 0.5, dir));

            // the scenario starts once both senders' packets arrive (ffmpeg start-up varies on a busy box)
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> a.stats().packetsIn() > 3 && b.stats().packetsIn() > 3);
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
            LegStats bs = b.stats();
            LegStats cs = c.stats();
            room.close(); // the server stops sending; the receivers stop 1 s later

            for (FfmpegPeer r : List.of(recA, recB, recC)) {
                assertThat(r.awaitExit(Duration.ofSeconds(10))).as("receiver exits").isTrue();
            }
            Samples c0 = ToneAnalysis.read(wavC);
            Samples a0 = ToneAnalysis.read(wavA);
            Samples b0 = ToneAnalysis.read(wavB);
            // where did the switches land in each recording? (ffmpeg's timeline starts near, not at, its bind)
            // each check is placed relative to the nearest known switch, so timeline drift cannot move it
            double offC = align(c0, 440, seconds(start - recC.readyNanos()), 1 * PHASE);
            double offC2 = align(c0, 660, seconds(start - recC.readyNanos()), 3 * PHASE);
            double offA = align(a0, 660, seconds(start - recA.readyNanos()), 3 * PHASE);
            double offB = align(b0, 440, seconds(start - recB.readyNanos()), 1 * PHASE);
            String report = String.format(Locale.ROOT, "codec=%s C=%.2fs A=%.2fs B=%.2fs%n%s%s%s", codec,
                    c0.seconds(), a0.seconds(), b0.seconds(), recC.log(), recA.log(), recB.log());

            // C hears both, then not A while A is server-muted, both again, then not B while B is client-muted
            expect(c0, offC, 0, 440, Verdict.PRESENT, report);
            expect(c0, offC, 0, 660, Verdict.PRESENT, report);
            expect(c0, offC, 1, 440, Verdict.ABSENT, report);
            expect(c0, offC, 1, 660, Verdict.PRESENT, report);
            expect(c0, offC2, 2, 440, Verdict.PRESENT, report);
            expect(c0, offC2, 2, 660, Verdict.PRESENT, report);
            expect(c0, offC2, 3, 440, Verdict.PRESENT, report);
            expect(c0, offC2, 3, 660, Verdict.ABSENT, report);
            // the server-muted leg still hears B, and never itself
            expect(a0, offA, 1, 660, Verdict.PRESENT, report);
            expect(a0, offA, 0, 440, Verdict.ABSENT, report);
            // the client-muted leg still hears A, and never itself
            expect(b0, offB, 3, 440, Verdict.PRESENT, report);
            expect(b0, offB, 0, 660, Verdict.ABSENT, report);

            // counters confirm the drops, and nothing of a muted leg was mixed after its mute returned
            assertThat(whileMuted.dropped(DropReason.SERVER_MUTED)).as("A's drops while muted").isGreaterThan(40);
            assertThat(whileMuted.mixedAfterServerMute()).isZero();
            assertThat(bs.dropped(DropReason.CLIENT_MUTED)).isGreaterThan(40);
            assertThat(bs.mixedAfterClientMute()).isZero();
            assertThat(cs.packetsOut()).isGreaterThan((long) (total * 40));
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
        double from = Math.max(0.05, offset + phase * PHASE + 0.25);
        double to = offset + (phase + 1) * PHASE - 0.15;
        assertThat(to - from).as("phase %d is in the recording; %s", phase, report).isGreaterThan(0.5);
        double level = ToneAnalysis.levelDbfs(s, hz, from, to);
        System.out.printf(Locale.ROOT, "phase=%d hz=%d level=%.1f dBFS want=%s%n", phase, hz, level, want);
        assertThat(ToneAnalysis.verdict(level))
                .as("%d Hz in phase %d [%.2f, %.2f] s = %.1f dBFS; %s", hz, phase, from, to, level, report)
                .isEqualTo(want);
    }

    /**
     * The offset (seconds from a recording's start to the scenario start), found from where a tone known to
     * stop at {@code switchAt} (scenario time) falls silent in it; ffmpeg's timeline starts near, not at, its
     * bind. The found switch must lie within 2.5 s of the estimate from the bind time, and a tone that never
     * stops has no edge, so the alignment cannot hide a failed mute.
     */
    private static double align(Samples s, int hz, double estimate, double switchAt) {
        double found = ToneAnalysis.firstFallingEdge(s, hz);
        assertThat(found).as("%d Hz falls silent near %.2f s of the recording (found %.2f)", hz, estimate + switchAt, found)
                .isBetween(estimate + switchAt - 2.5, estimate + switchAt + 2.5);
        System.out.printf(Locale.ROOT, "align hz=%d estimated=%.3f found=%.3f%n", hz, estimate + switchAt, found);
        return found - switchAt;
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
