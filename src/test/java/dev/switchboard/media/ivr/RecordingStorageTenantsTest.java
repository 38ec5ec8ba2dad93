package dev.switchboard.media.ivr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
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
 * The recordings' storage is shared fairly between tenants: one tenant's running recording that has filled it gives
 * way to another tenant's recording, which is admitted and kept; before, the other tenant's recording ended at its
 * first chunk (507/8516) and a new one was refused (503) for as long as the first tenant kept recording. A tenant alone
 * is unchanged (SpooledRecordingTest: its recordings end as they reach the bound).
 */
class RecordingStorageTenantsTest {
    private static final int[] HEARD = new int[960];
    private static final short[] PROMPT = new short[960];
    private static final long CHUNK_BYTES = 2L * RecordingWriter.CHUNK; // 6,400
    private static final long HEADER = 44;

    @Test
    void aTenantsRunningRecordingThatFilledTheStorageGivesWayToAnotherTenantsRecording(@TempDir Path dir) throws Exception {
        long bound = HEADER + 3 * CHUNK_BYTES + 500; // three chunks of one recording fill it; a fourth does not fit
        try (RecordingStore store = new RecordingStore(dir, bound, Duration.ofMinutes(5), Clock.systemUTC())) {
            BlockingQueue<JobResult> noisyEnded = new ArrayBlockingQueue<>(1);
            BlockingQueue<JobResult> quietEnded = new ArrayBlockingQueue<>(1);
            IvrChannel noisy = new IvrChannel();
            SpooledRecording noisyRecording = store.spool("tenant-a");
            noisy.enqueue(new RecordJob(List.of(), null, "", 5000, 5000, 60_000, noisyRecording, noisyEnded::add));
            for (int t = 0; t < 31; t++) { // three 200 ms chunks handed to the writer
                tick(noisy, (short) 3000);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> store.usedBytes() == HEADER + 3 * CHUNK_BYTES);

            assertThat(store.fits("tenant-b", 0.2)).as("the other tenant's recording is admitted: room can be made").isTrue();
            assertThat(store.fits("tenant-a", 0.2)).as("the tenant holding the storage gets no more").isFalse();
            assertThat(store.fits(0.2)).isFalse();

            IvrChannel quiet = new IvrChannel();
            quiet.enqueue(new RecordJob(List.of(), null, "", 5000, 5000, 200, store.spool("tenant-b"), quietEnded::add));
            for (int t = 0; t < 11 && quietEnded.isEmpty(); t++) {
                tick(quiet, (short) -3000);
            }
            JobResult kept = quietEnded.poll(5, TimeUnit.SECONDS);
            assertThat(kept.ending()).as(String.valueOf(kept.failure())).isEqualTo(Ending.MAX_DURATION);
            RecordingStore.Stored stored = store.adopt(kept.recording());
            assertThat(stored.bytes()).isEqualTo(HEADER + CHUNK_BYTES);

            await().atMost(Duration.ofSeconds(30)).until(() -> noisyRecording.fullMessage() != null);
            tick(noisy, (short) 3000);
            JobResult gaveWay = noisyEnded.poll(5, TimeUnit.SECONDS);
            assertThat(gaveWay.ending()).isEqualTo(Ending.STORAGE_FULL);
            assertThat(gaveWay.failure()).contains("Recording storage is full")
                    .contains("ended to make room for another tenant's");
            await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(dir.resolve(noisyRecording.id() + ".wav")));
            assertThat(store.usedBytes()).isEqualTo(HEADER + CHUNK_BYTES);
        }
    }

    private static void tick(IvrChannel ivr, short level) {
        short[] frame = new short[960];
        java.util.Arrays.fill(frame, level);
        ivr.begin(HEARD, PROMPT);
        ivr.hear(frame);
        ivr.voice();
    }
}
