package dev.switchboard.media;

import dev.switchboard.media.codec.OpusEncoderSettings;
import dev.switchboard.media.ivr.Ending;
import dev.switchboard.media.ivr.JobResult;
import dev.switchboard.media.ivr.RecordJob;
import dev.switchboard.media.ivr.RecordingStore;
import dev.switchboard.testsupport.MediaPorts;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.ToneAnalysis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A recording of a fullband Opus talker (a browser's or a softphone's Opus carries up to 20 kHz), over real UDP: the
 * talker sends 1 kHz, 10 kHz and 13 kHz at −18 dBFS each; the bot records the call at 16 kHz. The recording holds
 * the 1 kHz tone and not what 10 and 13 kHz fold to at 16 kHz (6 and 3 kHz): the 3-sample average used until session
 * 23 let them in 6 and 12 dB down. {@code RecordingResamplingTest} measures the decimation alone.
 */
class RecordingAliasEndToEndTest {

    @Test
    void aFullbandTalkersHighTonesDoNotFoldIntoTheRecording(@TempDir Path dir) throws Exception {
        int[] range = MediaPorts.nextRange(10);
        RtpMediaEngine engine = new RtpMediaEngine("127.0.0.1", range[0], range[1], new SimpleMeterRegistry());
        try (RtpPeer peer = new RtpPeer("127.0.0.1");
             RecordingStore store = new RecordingStore(dir, 1 << 24, Duration.ofMinutes(5), Clock.systemUTC())) {
            MediaRoom room = engine.openRoom("recording-alias");
            RtpLeg leg = (RtpLeg) room.addLeg("talker", OpusTalker.offer(peer), InetAddress.getLoopbackAddress());
            try (OpusTalker talker = new OpusTalker(peer, leg.localPort(), OpusEncoderSettings.JANUS, 4_096, 1_000, 10_000, 13_000)) {
                long from = leg.stats().framesMixed();
                await().atMost(Duration.ofSeconds(15)).until(() -> leg.stats().framesMixed() >= from + 10);
                BlockingQueue<JobResult> ended = new ArrayBlockingQueue<>(1);
                room.ivr().enqueue(new RecordJob(List.of(), null, "", 10_000, 10_000, 2_000, store.spool(), ended::add));
                JobResult r = ended.poll(30, TimeUnit.SECONDS);
                assertThat(r).as("the recording ended").isNotNull();
                assertThat(r.ending()).isEqualTo(Ending.MAX_DURATION);
                ToneAnalysis.Samples s = ToneAnalysis.read(r.recording().awaitFile());
                double tone = ToneAnalysis.levelDbfs(s, 1_000, 0.2, s.seconds());
                double at6 = ToneAnalysis.levelDbfs(s, 6_000, 0.2, s.seconds());
                double at3 = ToneAnalysis.levelDbfs(s, 3_000, 0.2, s.seconds());
                System.out.printf("recording of a fullband Opus talker: 1 kHz at %.1f dBFS; 10 kHz folded to 6 kHz at %.1f, "
                        + "13 kHz to 3 kHz at %.1f dBFS%n", tone, at6, at3);
                assertThat(tone).as("the 1 kHz tone").isBetween(-21.0, -15.0);
                // the filter leaves the folds ~76 dB down; what is left there is the Opus stream's own coding noise (~50 dB down)
                assertThat(at6 - tone).as("10 kHz folded to 6 kHz, dB below the 1 kHz tone").isLessThan(-40);
                assertThat(at3 - tone).as("13 kHz folded to 3 kHz, dB below the 1 kHz tone").isLessThan(-40);
            }
        } finally {
            engine.close();
        }
    }
}
