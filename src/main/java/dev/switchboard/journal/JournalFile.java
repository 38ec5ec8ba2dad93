package dev.switchboard.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The journal's on-disk format: an 8-byte header ({@code "SBJ1"} and a 4-byte version), then frames of
 * {@code [4-byte payload length][4-byte CRC32 of the payload][payload]}, big-endian, each payload a
 * {@link JournalRecord}. Version 2 (written since the {@code finished} record, type 4) differs from version 1 only by
 * that record type: both are read, and a file is written (rewritten at open) as version 2, so a server older than
 * version 2 refuses the file (its header) instead of cutting it at the first record it does not know.
 *
 * <p>Reading stops at the first frame that is short, has an impossible length, a CRC that does not match or a
 * payload that does not decode: a crash can only tear the tail of an append-only file, so everything before that
 * point is the journal and everything after it is discarded. A whole file is only ever created by writing a
 * temporary file, forcing it and renaming it over the old one, so the header is never torn.
 *
 * <p>Stateless; not thread-safe on the same path (one {@link FileCallJournal} owns the file).
 */
final class JournalFile {
    static final int MAGIC = 0x53424A31; // "SBJ1"
    /** The version written. */
    static final int VERSION = 2;
    /** The oldest version read. */
    static final int OLDEST_VERSION = 1;
    static final int HEADER_BYTES = 8;
    static final int FRAME_OVERHEAD = 8;
    /** No real record comes near this; a larger length is a torn or corrupt frame. */
    static final int MAX_PAYLOAD = 1 << 20;

    private JournalFile() {
    }

    /**
     * What a journal file holds.
     *
     * @param records     the intact records, in order
     * @param validLength the file length up to the end of the last intact frame
     * @param fileLength  the file's length; more than {@code validLength} when its tail was torn or corrupt
     */
    record Contents(List<JournalRecord> records, long validLength, long fileLength) {
        boolean tornTail() {
            return fileLength > validLength;
        }

        /** The live calls the records describe, in the order they were created. */
        List<JournaledCall> liveCalls() {
            LinkedHashMap<String, JournaledCall> calls = new LinkedHashMap<>();
            for (JournalRecord r : records) {
                switch (r) {
                    case JournalRecord.Opened(JournaledCall c) -> calls.put(c.callId(), c);
                    case JournalRecord.Participants(String id, List<String> ids) -> calls.computeIfPresent(id,
                            (k, c) -> c.withParticipants(ids));
                    case JournalRecord.Ended(String id) -> calls.remove(id);
                    case JournalRecord.Finished(String id, JournaledEnd why) -> calls.computeIfPresent(id,
                            (k, c) -> c.endedWith(why));
                }
            }
            return new ArrayList<>(calls.values());
        }
    }

    /**
     * Reads the intact prefix; a missing or empty (0 bytes) file is an empty journal.
     *
     * @throws ForeignFile  when the file is not a journal (wrong header or version)
     * @throws IOException when the file cannot be read
     */
    static Contents read(Path file) throws IOException {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new Contents(List.of(), 0, 0);
        }
        if (all.length == 0) {
            return new Contents(List.of(), 0, 0); // holds nothing: refusing it would save nothing
        }
        ByteBuffer buf = ByteBuffer.wrap(all);
        if (all.length < HEADER_BYTES || buf.getInt() != MAGIC) {
            throw new ForeignFile(file, all.length);
        }
        int version = buf.getInt();
        if (version < OLDEST_VERSION || version > VERSION) {
            throw new ForeignFile(file, all.length);
        }
        List<JournalRecord> records = new ArrayList<>();
        long valid = HEADER_BYTES;
        while (buf.remaining() >= FRAME_OVERHEAD) {
            int length = buf.getInt();
            int crc = buf.getInt();
            if (length <= 0 || length > MAX_PAYLOAD || length > buf.remaining()) {
                break;
            }
            byte[] payload = new byte[length];
            buf.get(payload);
            if (crc32(payload) != crc) {
                break;
            }
            try {
                records.add(JournalRecord.decode(payload));
            } catch (IOException e) {
                break;
            }
            valid = buf.position();
        }
        return new Contents(records, valid, all.length);
    }

    /**
     * The file is not a journal of a version this server reads (its header says otherwise): another program's, a newer
     * version's, or damaged.
     */
    static final class ForeignFile extends IOException {
        ForeignFile(Path file, long length) {
            super("not a Switchboard call journal (version " + OLDEST_VERSION + " to " + VERSION + "): " + file
                    + " (" + length + " bytes)");
        }
    }

    /**
     * Copies {@code file}, whose tail is about to be dropped, to {@code <file>.damaged} (replacing an older copy), so
     * that what the dropped bytes held is not lost with them; returns the copy.
     */
    static Path keepDamaged(Path file) throws IOException {
        Path copy = file.resolveSibling(file.getFileName() + ".damaged");
        Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
        return copy;
    }

    /** One framed record, ready to append. */
    /** What {@code calls} need in a rewritten file: each one's {@code opened}, and {@code finished} for one that ended unheard. */
    static List<JournalRecord> recordsOf(Collection<JournaledCall> calls) {
        List<JournalRecord> records = new ArrayList<>(calls.size());
        for (JournaledCall c : calls) {
            records.add(new JournalRecord.Opened(c));
            if (c.endedWith() != null) {
                records.add(new JournalRecord.Finished(c.callId(), c.endedWith()));
            }
        }
        return records;
    }

    /** The size of a file holding {@code records}: the header and each one's frame. */
    static long sizeOf(List<JournalRecord> records) {
        long bytes = HEADER_BYTES;
        for (JournalRecord r : records) {
            bytes += frame(r).remaining();
        }
        return bytes;
    }

    static ByteBuffer frame(JournalRecord record) {
        byte[] payload = record.encode();
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("journal record too large: " + payload.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate(FRAME_OVERHEAD + payload.length);
        b.putInt(payload.length).putInt(crc32(payload)).put(payload).flip();
        return b;
    }

    static ByteBuffer header() {
        return ByteBuffer.allocate(HEADER_BYTES).putInt(MAGIC).putInt(VERSION).flip();
    }

    /**
     * Replaces {@code file} with a journal holding exactly {@code records}, atomically: written to a sibling
     * temporary file, forced, renamed over {@code file}, and the directory forced. A crash at any point leaves
     * either the old file or the new one.
     *
     * @return the new file's length
     */
    static long replace(Path file, List<JournalRecord> records) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        long length;
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(out, header());
            for (JournalRecord r : records) {
                writeFully(out, frame(r));
            }
            out.force(true);
            length = out.size();
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory(file.toAbsolutePath().getParent());
        return length;
    }

    static void writeFully(FileChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    /** Makes a rename durable (Linux, macOS); a file system that cannot open directories is left to its own devices. */
    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a directory as a channel; NTFS journals its metadata itself
        }
    }

    static int crc32(byte[] payload) {
        CRC32 crc = new CRC32();
        crc.update(payload);
        return (int) crc.getValue();
    }
}
