package dev.switchboard.media.ivr;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.testsupport.ToneAnalysis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a recording makes of the 48 kHz mix the bot hears, through the real {@link RecordJob} (its 48 → 16 kHz
 * decimation, the spool, the WAV file): tones up to 7 kHz are kept at their level, and a tone from 9 to 24 kHz (a
 * fullband Opus or WebRTC talker's sibilants or music) does not fold into the recording's band. The 3-sample average
 * used until session 23 lost 2.6 dB at 7 kHz and let 9–16 kHz fold into it 3–22 dB down (10 kHz at 6 kHz: 6 dB down).
 */
class RecordingResamplingTest {
    private static final double LEVEL = 0.25; // −12 dBFS
    private static final int TICKS = 50;

    @Test
    void tonesToSevenKilohertzAreKeptFlat(@TempDir Path dir) throws Exception {
        double worst = 0;
        for (int hz = 100; hz <= 7000; hz += 300) {
            double gain = level(record(dir, hz), hz) - ToneAnalysis.db(LEVEL);
            worst = Math.abs(gain) > Math.abs(worst) ? gain : worst;
            assertThat(gain).as("%d Hz in the recording, dB", hz).isBetween(-0.1, 0.1);
        }
        System.out.printf("recording: 100-7000 Hz within %.3f dB%n", worst);
    }

    @Test
    void nothingFromNineToTwentyFourKilohertzFoldsIntoTheRecording(@TempDir Path dir) throws Exception {
        double worst = -300;
        int worstHz = 0;
        for (int hz = 9000; hz <= 23800; hz += 400) {
            double folded = hz % 16000 > 8000 ? 16000 - hz % 16000 : hz % 16000;
            double below = level(record(dir, hz), folded) - ToneAnalysis.db(LEVEL);
            if (below > worst) {
                worst = below;
                worstHz = hz;
            }
            assertThat(below).as("%d Hz folded to %.0f Hz in the recording, dB below the tone", hz, folded).isLessThan(-70);
        }
        System.out.printf("recording: 9-23.8 kHz folded at most %.1f dB (%d Hz)%n", worst, worstHz);
    }

    /** One second of a −12 dBFS tone in what the bot hears, recorded; the recording's samples. */
    private static ToneAnalysis.Samples record(Path dir, double hz) throws Exception {
        try (RecordingStore store = new RecordingStore(dir, 1 << 24, Duration.ofMinutes(5), Clock.systemUTC())) {
            BlockingQueue<JobResult> ended = new ArrayBlockingQueue<>(1);
            RecordJob job = new RecordJob(List.of(), null, "", 60_000, 60_000, TICKS * 20, store.spool(), ended::add);
            IvrChannel ivr = new IvrChannel();
            ivr.enqueue(job);
            int[] heard = new int[AudioCodec.MIX_FRAME];
            short[] prompt = new short[AudioCodec.MIX_FRAME];
            short[] frame = new short[AudioCodec.MIX_FRAME];
            for (int t = 0; t <= TICKS && ended.isEmpty(); t++) {
                for (int i = 0; i < frame.length; i++) {
                    frame[i] = (short) Math.round(32767 * LEVEL * Math.sin(2 * Math.PI * hz * (t * frame.length + i) / AudioCodec.MIX_RATE));
                }
                ivr.begin(heard, prompt);
                ivr.hear(frame);
                ivr.voice();
            }
            JobResult r = ended.poll(5, TimeUnit.SECONDS);
            assertThat(r).as("the recording ended").isNotNull();
            assertThat(r.ending()).isEqualTo(Ending.MAX_DURATION);
            return ToneAnalysis.read(r.recording().awaitFile());
        }
    }

    /** Level of {@code hz}, from 100 ms in (the filter's start) to the end. */
    private static double level(ToneAnalysis.Samples s, double hz) {
        return ToneAnalysis.db(ToneAnalysis.goertzel(s.x(), (int) (0.1 * s.rate()), s.x().length, s.rate(), hz, true));
    }
}
