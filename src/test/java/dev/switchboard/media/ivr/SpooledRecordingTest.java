package dev.switchboard.media.ivr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A record job's audio goes to disk off the mixer thread, chunk by chunk, and the file holds every frame recorded
 * (trailing silence trimmed) with a correct WAV header; a recording nobody keeps is deleted.
 */
class SpooledRecordingTest {

    @Test
    void everyRecordedFrameReachesTheFileInOrderAndTheTrailingSilenceIsTrimmed(@TempDir Path dir) throws Exception {
        try (RecordingStore store = new RecordingStore(dir, 1 << 24, java.time.Duration.ofMinutes(5), java.time.Clock.systemUTC())) {
            BlockingQueue<JobResult> ended = new ArrayBlockingQueue<>(1);
            // 2.5 s of voice (spans many 200 ms chunks and ends mid-chunk), then 1 s of silence ends it (max silence 1 s)
            RecordJob job = new RecordJob(List.of(), null, "", 5000, 1000, 60_000, store.spool(), ended::add);
            IvrChannel ivr = new IvrChannel();
            ivr.enqueue(job);
            short[] frame = new short[960];
            for (int t = 0; t < 10_000 && ended.isEmpty(); t++) {
                java.util.Arrays.fill(frame, t < 125 ? (short) (1000 + t) : 0);
                ivr.begin();
                ivr.hear(frame);
                ivr.voice();
            }
            JobResult r = ended.poll(5, TimeUnit.SECONDS);
            assertThat(r.ending()).isEqualTo(Ending.MAX_SILENCE);
            short[] pcm = r.recording().readPcm();
            // the first tick plays the (empty) prompt; ticks 1-124 are recorded (20 ms at 16 kHz each), the silence trimmed
            assertThat(pcm).hasSize(124 * 320);
            for (int t = 1; t < 125; t++) {
                assertThat(pcm[(t - 1) * 320]).as("tick %d", t).isEqualTo((short) (1000 + t));
                assertThat(pcm[(t - 1) * 320 + 319]).isEqualTo((short) (1000 + t));
            }
            ByteBuffer header = ByteBuffer.wrap(Files.readAllBytes(r.recording().awaitFile())).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(header.getInt(0)).isEqualTo(0x46464952); // RIFF
            assertThat(header.getInt(4)).isEqualTo(36 + 2 * pcm.length);
            assertThat(header.getInt(24)).isEqualTo(16000);
            assertThat(header.getInt(40)).isEqualTo(2 * pcm.length);

            RecordingStore.Stored stored = store.adopt(r.recording());
            assertThat(stored.seconds()).isEqualTo(2.48);
            assertThat(store.open(stored.id(), stored.token())).isEqualTo(r.recording().awaitFile());
            assertThat(store.usedBytes()).isEqualTo(44 + 2L * pcm.length);
        }
    }

    @Test
    void aCancelledRecordingIsDiscardedAndAFullStoreDeletesTheFile(@TempDir Path dir) throws Exception {
        try (RecordingStore store = new RecordingStore(dir, 10_000, java.time.Duration.ofMinutes(5), java.time.Clock.systemUTC())) {
            BlockingQueue<JobResult> ended = new ArrayBlockingQueue<>(2);
            IvrChannel ivr = new IvrChannel();
            ivr.enqueue(new RecordJob(List.of(), null, "", 5000, 5000, 60_000, store.spool(), ended::add));
            short[] frame = new short[960];
            java.util.Arrays.fill(frame, (short) 3000);
            for (int t = 0; t < 60; t++) { // 1.2 s: one chunk handed to the writer
                ivr.begin();
                ivr.hear(frame);
                ivr.voice();
            }
            ivr.cancelAll();
            ivr.begin();
            JobResult cancelled = ended.poll(5, TimeUnit.SECONDS);
            assertThat(cancelled.ending()).isEqualTo(Ending.CANCELED);
            Path file = cancelled.recording().awaitFile();
            assertThat(file).exists();
            cancelled.recording().discard();

            ivr.enqueue(new RecordJob(List.of(), null, "", 5000, 5000, 1000, store.spool(), ended::add));
            for (int t = 0; t < 60 && ended.isEmpty(); t++) {
                ivr.begin();
                ivr.hear(frame);
                ivr.voice();
            }
            JobResult full = ended.poll(5, TimeUnit.SECONDS);
            assertThat(full.ending()).isEqualTo(Ending.MAX_DURATION);
            Path second = full.recording().awaitFile();
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> store.adopt(full.recording())))
                    .hasMessageContaining("Recording storage is full");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while ((Files.exists(file) || Files.exists(second)) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(file).doesNotExist();
            assertThat(second).doesNotExist();
            assertThat(store.usedBytes()).isZero();
        }
    }

    /**
     * A recording queued behind others holds no audio chunk of its own: the writer's pool is topped up for it (two
     * chunks each, on the opening thread), and all recordings together hold at most the pool's bound. Every one still
     * records all its audio when its turn comes.
     */
    @Test
    void queuedRecordingsHoldNothingOfTheirOwnAndThePoolStaysBounded(@TempDir Path dir) throws Exception {
        try (RecordingWriter writer = new RecordingWriter(dir)) {
            List<SpooledRecording> queued = new java.util.ArrayList<>();
            for (int i = 0; i < 3 * RecordingWriter.MAX_SPARE; i++) {
                queued.add(writer.open());
                assertThat(writer.spare()).isEqualTo(Math.min(RecordingWriter.MAX_SPARE, 2 * (i + 1)));
            }
            for (int i = 0; i < queued.size(); i++) { // each in turn: 300 ms, a chunk and a half
                SpooledRecording r = queued.get(i);
                short[] a = r.chunk();
                java.util.Arrays.fill(a, (short) i);
                r.write(a, RecordingWriter.CHUNK);
                short[] b = r.chunk();
                java.util.Arrays.fill(b, (short) -i);
                r.finish(b, RecordingWriter.CHUNK / 2, Long.MAX_VALUE);
            }
            for (int i = 0; i < queued.size(); i += 97) {
                short[] pcm = queued.get(i).readPcm();
                assertThat(pcm).hasSize(RecordingWriter.CHUNK * 3 / 2);
                assertThat(pcm[0]).isEqualTo((short) i);
                assertThat(pcm[pcm.length - 1]).isEqualTo((short) -i);
            }
            assertThat(writer.spare()).isLessThanOrEqualTo(RecordingWriter.MAX_SPARE);
            writer.open(); // every one finished: the next is topped up to two again, the pool never above its bound
            assertThat(writer.spare()).isBetween(2, RecordingWriter.MAX_SPARE);
        }
    }
}
