package dev.switchboard.journal;

import dev.switchboard.error.DataFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The journal's versions (docs/durability.md, "The journal"): a version-1 file, written byte by byte here as the
 * format's description says (not with this code's encoder), still loads and is rewritten as version 2; version 2's
 * {@code finished} record keeps why a call ended until its bot heard it, across reopens and compaction; a version newer
 * than this server's is refused and left as it is.
 */
class JournalVersionsTest {
    static final JournaledEnd HUNG_UP = new JournaledEnd(200, 5001, "The conversation has ended.");

    @TempDir
    Path dir;

    Path file() {
        return dir.resolve("calls.journal");
    }

    @Test
    void aVersionOneJournalOfAnOlderServerStillLoadsAndIsRewrittenAsVersionTwo() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write("SBJ1".getBytes(StandardCharsets.US_ASCII));
        out.writeInt(1);
        frame(out, opened("a", List.of("bot-a")));
        frame(out, opened("b", List.of("bot-b")));
        frame(out, record(2, "a", List.of("bot-a", "alice"))); // participants
        frame(out, record(3, "b", null)); // ended
        Files.write(file(), bytes.toByteArray());

        try (FileCallJournal j = FileCallJournal.open(file())) {
            assertThat(j.orphans()).singleElement().satisfies(c -> {
                assertThat(c.callId()).isEqualTo("a");
                assertThat(c.participantIds()).containsExactly("bot-a", "alice");
                assertThat(c.callbackUri().toString()).isEqualTo("https://bot.example/cb");
                assertThat(c.endedWith()).as("a version-1 call was live").isNull();
            });
        }
        assertThat(ByteBuffer.wrap(Files.readAllBytes(file()), 4, 4).getInt()).as("rewritten as version 2").isEqualTo(2);
        assertThat(FileCallJournal.read(file())).extracting(JournaledCall::callId).containsExactly("a");
    }

    @Test
    void aCallThatEndedBeforeItsBotHeardKeepsItsReasonAcrossReopensAndCompaction() throws IOException {
        try (FileCallJournal j = FileCallJournal.open(file(), 2048)) {
            j.callCreated(FileCallJournalTest.call("ended-unheard"));
            j.callCreated(FileCallJournalTest.call("live"));
            j.callCreated(FileCallJournalTest.call("ended-heard"));
            j.participantsChanged("ended-unheard", List.of("bot-ended-unheard", "alice"));
            j.callFinished("ended-unheard", HUNG_UP);
            j.participantsChanged("ended-unheard", List.of("bot-ended-unheard")); // keeps the reason
            j.callEnded("ended-heard");
            j.callFinished("ended-heard", HUNG_UP); // already forgotten: nothing is written
            for (int i = 0; i < 100; i++) { // past 2 KiB: compacted
                j.callCreated(FileCallJournalTest.call("gone-" + i));
                j.callEnded("gone-" + i);
            }
            assertThat(j.compactions()).isPositive();
        }
        for (int reopen = 0; reopen < 2; reopen++) {
            try (FileCallJournal j = FileCallJournal.open(file())) {
                assertThat(j.orphans()).extracting(JournaledCall::callId).containsExactly("ended-unheard", "live");
                assertThat(j.orphans().get(0).endedWith()).isEqualTo(HUNG_UP);
                assertThat(j.orphans().get(0).participantIds()).containsExactly("bot-ended-unheard");
                assertThat(j.orphans().get(1).endedWith()).isNull();
            }
        }
    }

    @Test
    void aJournalOfANewerVersionIsRefusedAndLeftAsItIs() throws IOException {
        byte[] newer = ByteBuffer.allocate(8).putInt(JournalFile.MAGIC).putInt(3).array();
        Files.write(file(), newer);
        assertThatThrownBy(() -> FileCallJournal.open(file())).isInstanceOf(DataFileException.class)
                .hasMessageContaining("version 1 to 2");
        assertThat(Files.readAllBytes(file())).isEqualTo(newer);
    }

    // ---- version 1, by hand: frames [length][CRC32][payload]; strings [length][UTF-8]; lists [count][strings] ----

    private static byte[] opened(String callId, List<String> participants) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeByte(1);
        for (String s : List.of(callId, "chain-" + callId, "tenant-a", "bot-app", "https://bot.example/cb", "bot-" + callId)) {
            string(out, s);
        }
        out.writeInt(participants.size());
        for (String p : participants) {
            string(out, p);
        }
        return b.toByteArray();
    }

    private static byte[] record(int type, String callId, List<String> list) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeByte(type);
        string(out, callId);
        if (list != null) {
            out.writeInt(list.size());
            for (String p : list) {
                string(out, p);
            }
        }
        return b.toByteArray();
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static void frame(DataOutputStream out, byte[] payload) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(payload);
        out.writeInt(payload.length);
        out.writeInt((int) crc.getValue());
        out.write(payload);
    }
}
