package dev.switchboard.journal;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.DataFileException;
import dev.switchboard.error.SwitchboardException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileCallJournalTest {
    @TempDir
    Path dir;

    static JournaledCall call(String id, String... participants) {
        List<String> ids = new ArrayList<>(List.of("bot-" + id));
        ids.addAll(List.of(participants));
        return new JournaledCall(id, "chain-" + id, "tenant-a", "bot-app", URI.create("https://bot.example/cb?call=" + id),
                "bot-" + id, ids);
    }

    Path file() {
        return dir.resolve("calls.journal");
    }

    List<String> orphanIds(Path file) {
        try (FileCallJournal j = FileCallJournal.open(file)) {
            return j.orphans().stream().map(JournaledCall::callId).toList();
        }
    }

    @Test
    void liveCallsWithTheirLatestParticipantsSurviveAReopenAndEndedOnesDoNot() {
        try (FileCallJournal j = FileCallJournal.open(file())) {
            assertThat(j.orphans()).isEmpty();
            j.callCreated(call("a"));
            j.callCreated(call("b"));
            j.callCreated(call("c"));
            j.participantsChanged("a", List.of("bot-a", "alice", "bob"));
            j.callEnded("b");
        }
        try (FileCallJournal j = FileCallJournal.open(file())) {
            assertThat(j.orphans()).containsExactly(call("a", "alice", "bob"), call("c"));
            j.releaseOrphans();
            assertThat(j.live()).isEmpty();
        }
        assertThat(orphanIds(file())).as("released orphans are gone for good").isEmpty();
    }

    @Test
    void aRingingCallIsInTheFileWhenItReturnsAndForcedInTheBackground() throws Exception {
        try (FileCallJournal j = FileCallJournal.open(file())) {
            j.callRinging(call("ringing-1"));
            j.callRinging(call("ringing-2"));
            assertThat(FileCallJournal.read(file())).as("a process crash now keeps both (the OS has the bytes)")
                    .extracting(JournaledCall::callId).containsExactly("ringing-1", "ringing-2");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> j.forcedUpTo() >= j.appendedUpTo());
            assertThat(j.forcedUpTo()).isEqualTo(j.appendedUpTo()).isEqualTo(2);
            j.callUpdated(call("ringing-1", "caller")); // the answer: known, so not forced again
        }
        try (FileCallJournal j = FileCallJournal.open(file())) {
            assertThat(j.orphans()).containsExactly(call("ringing-1", "caller"), call("ringing-2"));
        }
    }

    @Test
    void anAnsweredCallsUpdatedRecordReplacesItsRingingOneAcrossAReopen() {
        JournaledCall ringing = call("a");
        JournaledCall answered = new JournaledCall("a", "chain-a", "tenant-a", "bot-app",
                URI.create("https://bot.example/answer-callback"), "bot-a", List.of("caller", "bot-a"));
        try (FileCallJournal j = FileCallJournal.open(file())) {
            j.callCreated(ringing);
            j.callUpdated(answered);
            j.callUpdated(call("never-created")); // unknown: recorded (and forced) like a creation
        }
        try (FileCallJournal j = FileCallJournal.open(file())) {
            assertThat(j.orphans()).containsExactly(answered, call("never-created"));
        }
    }

    @Test
    void unicodeAndLongValuesRoundTrip() {
        JournaledCall odd = new JournaledCall("ü-ид-📞", "chain", "tenant", "app",
                URI.create("https://bot.example/" + "x".repeat(5000) + "?q=%C3%BC"), "me", List.of("me", "ключ"));
        try (FileCallJournal j = FileCallJournal.open(file())) {
            j.callCreated(odd);
        }
        try (FileCallJournal j = FileCallJournal.open(file())) {
            assertThat(j.orphans()).containsExactly(odd);
        }
    }

    /** Writes a, b, c as the only records (no compaction: reopen rewrites) and returns the offset where c's frame starts. */
    long threeCallsAndTheStartOfTheLast() throws IOException {
        JournalFile.replace(file(), List.of(new JournalRecord.Opened(call("a")), new JournalRecord.Opened(call("b"))));
        long start = Files.size(file());
        Files.write(file(), bytes(JournalFile.frame(new JournalRecord.Opened(call("c")))), StandardOpenOption.APPEND);
        return start;
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Test
    void aWriteTornAtAnyByteOfTheLastRecordLeavesTheIntactPrefix() throws IOException {
        long start = threeCallsAndTheStartOfTheLast();
        long end = Files.size(file());
        byte[] whole = Files.readAllBytes(file());
        for (long cut = start; cut < end; cut++) {
            Files.write(file(), java.util.Arrays.copyOf(whole, (int) cut));
            assertThat(orphanIds(file())).as("cut at %d of %d", cut, end).containsExactly("a", "b");
        }
        Files.write(file(), whole);
        assertThat(orphanIds(file())).containsExactly("a", "b", "c");
    }

    @Test
    void afterATornTailTheJournalIsCutBackSoNewRecordsAreReadable() throws IOException {
        long start = threeCallsAndTheStartOfTheLast();
        try (var ch = java.nio.channels.FileChannel.open(file(), StandardOpenOption.WRITE)) {
            ch.truncate(start + 5); // inside c's frame header
        }
        try (FileCallJournal j = FileCallJournal.open(file())) {
            assertThat(j.orphans()).extracting(JournaledCall::callId).containsExactly("a", "b");
            j.callCreated(call("d"));
        }
        assertThat(orphanIds(file())).containsExactly("a", "b", "d");
    }

    @Test
    void garbageAtTheTailIsDropped() throws IOException {
        threeCallsAndTheStartOfTheLast();
        byte[] garbage = new byte[300];
        new java.util.Random(7).nextBytes(garbage);
        Files.write(file(), garbage, StandardOpenOption.APPEND);
        assertThat(orphanIds(file())).containsExactly("a", "b", "c");
        // a frame header claiming a huge length, as a torn length field would
        Files.write(file(), new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 1, 2, 3},
                StandardOpenOption.APPEND);
        assertThat(orphanIds(file())).containsExactly("a", "b", "c");
    }

    @Test
    void aRecordWithABadCrcEndsTheJournalThere() throws IOException {
        long start = threeCallsAndTheStartOfTheLast();
        byte[] all = Files.readAllBytes(file());
        all[(int) start + JournalFile.FRAME_OVERHEAD + 3] ^= 0x01; // one bit of c's payload
        Files.write(file(), all);
        assertThat(orphanIds(file())).containsExactly("a", "b");

        // a bad CRC in the middle: what follows it is not trusted either (logged as a dropped tail)
        JournalFile.replace(file(), List.of(new JournalRecord.Opened(call("a")), new JournalRecord.Opened(call("b")),
                new JournalRecord.Opened(call("c"))));
        all = Files.readAllBytes(file());
        int bFrame = JournalFile.HEADER_BYTES + JournalFile.frame(new JournalRecord.Opened(call("a"))).remaining();
        all[bFrame + 4] ^= 0x10; // b's CRC field
        Files.write(file(), all);
        assertThat(orphanIds(file())).containsExactly("a");
        FileCallJournal.open(file()).close();
        assertThat(file().resolveSibling("calls.journal.damaged")).as("what the dropped tail held is kept for the operator")
                .hasBinaryContent(all);
    }

    @Test
    void aFileThatIsNotAJournalIsRefusedNotOverwritten() throws IOException {
        Files.writeString(file(), "{\"keys\":[]}");
        assertThatThrownBy(() -> FileCallJournal.open(file())).isInstanceOf(DataFileException.class)
                .hasMessageContaining(file().toString()).hasMessageContaining("move it away");
        assertThat(Files.readString(file())).isEqualTo("{\"keys\":[]}");
    }

    @Test
    void anEmptyFileIsAnEmptyJournal() throws IOException {
        Files.write(file(), new byte[0]);
        try (FileCallJournal j = FileCallJournal.open(file())) {
            assertThat(j.orphans()).isEmpty();
            j.callCreated(call("a"));
        }
        assertThat(orphanIds(file())).containsExactly("a");
    }

    @Test
    void compactionKeepsTheFileSmallAndTheLiveCallsIntact() throws IOException {
        long limit = 4 * 1024;
        try (FileCallJournal j = FileCallJournal.open(file(), limit)) {
            j.callCreated(call("keep-1"));
            for (int i = 0; i < 400; i++) {
                j.callCreated(call("gone-" + i));
                j.participantsChanged("gone-" + i, List.of("bot-gone-" + i, "alice"));
                j.callEnded("gone-" + i);
                assertThat(Files.size(file())).isLessThan(limit + 1024);
            }
            j.callCreated(call("keep-2"));
            assertThat(j.compactions()).isGreaterThan(10);
            j.callCreated(call("after"));
            j.callEnded("after");
        }
        assertThat(orphanIds(file())).containsExactly("keep-1", "keep-2");
        assertThat(Files.exists(dir.resolve("calls.journal.tmp"))).isFalse();
    }

    @Test
    void concurrentCreatorsAreAllDurable() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (FileCallJournal j = FileCallJournal.open(file())) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        j.callCreated(call(thread + "-" + i));
                        if (i % 2 == 1) {
                            j.callEnded(thread + "-" + i);
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        List<String> left = orphanIds(file());
        assertThat(left).hasSize(8 * 13);
        assertThat(left).allMatch(id -> Integer.parseInt(id.substring(id.indexOf('-') + 1)) % 2 == 0);
    }

    @Test
    void aClosedJournalRefusesNewCallsWithServiceUnavailable() {
        FileCallJournal j = FileCallJournal.open(file());
        j.close();
        assertThatThrownBy(() -> j.callCreated(call("late"))).isInstanceOf(SwitchboardException.class)
                .satisfies(e -> assertThat(((SwitchboardException) e).code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
        j.callEnded("late"); // never throws
    }
}
