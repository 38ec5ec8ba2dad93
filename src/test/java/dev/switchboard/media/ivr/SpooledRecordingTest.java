package dev.switchboard.media.ivr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * A record job's audio goes to disk off the mixer thread, chunk by chunk, and the file holds every frame recorded
 * (trailing silence trimmed) with a correct WAV header; a recording nobody keeps is deleted.
 */
class SpooledRecordingTest {
    /** The arrays a mixer thread lends the channel each tick. */
    private static final int[] HEARD = new int[960];
    private static final short[] PROMPT = new short[960];

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
                ivr.begin(HEARD, PROMPT);
                ivr.hear(frame);
                ivr.voice();
            }
            JobResult r = ended.poll(5, TimeUnit.SECONDS);
            assertThat(r.ending()).isEqualTo(Ending.MAX_SILENCE);
            short[] pcm = r.recording().readPcm();
            // the first tick plays the (empty) prompt; ticks 1-124 are recorded (20 ms at 16 kHz each), the silence trimmed
            assertThat(pcm).hasSize(124 * 320);
            for (int t = 1; t < 125; t++) {
                // a tick's first samples still hold the tick before (the decimating filter's 1 ms delay); its last are its own
                if (t > 1) {
                    assertThat(pcm[(t - 1) * 320]).as("tick %d", t).isBetween((short) (999 + t), (short) (1000 + t));
                }
                assertThat(pcm[(t - 1) * 320 + 319]).as("tick %d", t).isEqualTo((short) (1000 + t));
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
    void aCancelledRecordingIsDiscardedAndGivesItsBytesBack(@TempDir Path dir) throws Exception {
        try (RecordingStore store = new RecordingStore(dir, 1 << 24, java.time.Duration.ofMinutes(5), java.time.Clock.systemUTC())) {
            BlockingQueue<JobResult> ended = new ArrayBlockingQueue<>(2);
            IvrChannel ivr = new IvrChannel();
            ivr.enqueue(new RecordJob(List.of(), null, "", 5000, 5000, 60_000, store.spool(), ended::add));
            for (int t = 0; t < 60; t++) { // 1.2 s: five chunks handed to the writer, the rest handed at the end
                tick(ivr, (short) 3000);
            }
            ivr.cancelAll();
            ivr.begin(HEARD, PROMPT);
            JobResult cancelled = ended.poll(5, TimeUnit.SECONDS);
            assertThat(cancelled.ending()).isEqualTo(Ending.CANCELED);
            Path file = cancelled.recording().awaitFile();
            assertThat(file).exists();
            assertThat(store.usedBytes()).as("a recording counts while it is not kept").isEqualTo(44 + 59 * 640);
            cancelled.recording().discard();
            await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(file) && store.usedBytes() == 0);
        }
    }

    /**
     * Recordings count against the store's bound while they are recorded, not only once kept: two calls recording at
     * once never put more on disk than the bound, each ends as the bound refuses its next chunk (with the store's
     * message), and their files are deleted. A short recording that fits is then kept.
     */
    @Test
    void recordingsAtOnceStayWithinTheBoundAndEndWhenItIsReached(@TempDir Path dir) throws Exception {
        try (RecordingStore store = new RecordingStore(dir, 10_000, java.time.Duration.ofMinutes(5), java.time.Clock.systemUTC())) {
            BlockingQueue<JobResult> ended = new ArrayBlockingQueue<>(2);
            IvrChannel first = new IvrChannel();
            IvrChannel second = new IvrChannel();
            SpooledRecording a = store.spool();
            SpooledRecording b = store.spool();
            first.enqueue(new RecordJob(List.of(), null, "", 5000, 5000, 60_000, a, ended::add));
            second.enqueue(new RecordJob(List.of(), null, "", 5000, 5000, 60_000, b, ended::add));
            for (int t = 0; t < 21; t++) { // each hands two 6,400-byte chunks to the writer: four will not fit in 10,000
                tick(first, (short) 3000);
                tick(second, (short) -3000);
                assertThat(store.usedBytes()).isLessThanOrEqualTo(10_000);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> a.fullMessage() != null && b.fullMessage() != null);
            assertThat(store.usedBytes()).isLessThanOrEqualTo(10_000);
            tick(first, (short) 3000);
            tick(second, (short) -3000);
            for (int i = 0; i < 2; i++) {
                JobResult r = ended.poll(5, TimeUnit.SECONDS);
                assertThat(r.ending()).isEqualTo(Ending.STORAGE_FULL);
                assertThat(r.failure()).contains("Recording storage is full").contains("of 10000 bytes in use")
                        .contains("being recorded");
                assertThat(catchThrowable(r.recording()::awaitFile)).hasMessageContaining("Recording storage is full");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> store.usedBytes() == 0);
            assertThat(Files.exists(dir.resolve(a.id() + ".wav"))).isFalse();
            assertThat(Files.exists(dir.resolve(b.id() + ".wav"))).isFalse();

            first.enqueue(new RecordJob(List.of(), null, "", 5000, 5000, 200, store.spool(), ended::add));
            for (int t = 0; t < 11 && ended.isEmpty(); t++) {
                tick(first, (short) 3000);
            }
            JobResult kept = ended.poll(5, TimeUnit.SECONDS);
            assertThat(kept.ending()).isEqualTo(Ending.MAX_DURATION);
            RecordingStore.Stored stored = store.adopt(kept.recording());
            assertThat(stored.bytes()).isEqualTo(44 + 6400);
            assertThat(store.usedBytes()).isEqualTo(44 + 6400);
        }
    }

    /** One 20 ms tick of a call whose bot hears a constant {@code level}. */
    private static void tick(IvrChannel ivr, short level) {
        short[] frame = new short[960];
        java.util.Arrays.fill(frame, level);
        ivr.begin(HEARD, PROMPT);
        ivr.hear(frame);
        ivr.voice();
    }

    /**
     * A recording queued behind others holds no audio chunk of its own: the writer's pool is topped up for it (two
     * chunks each, on the opening thread), and all recordings together hold at most the pool's bound. Every one still
     * records all its audio when its turn comes.
     */
    @Test
    void queuedRecordingsHoldNothingOfTheirOwnAndThePoolStaysBounded(@TempDir Path dir) throws Exception {
        try (RecordingWriter writer = new RecordingWriter(dir, new DiskBudget(Long.MAX_VALUE, ""))) {
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
