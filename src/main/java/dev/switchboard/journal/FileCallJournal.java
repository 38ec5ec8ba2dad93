package dev.switchboard.journal;

import dev.switchboard.error.DataFileException;
import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The call journal as an append-only file in the data directory ({@link JournalFile} is the format).
 *
 * <p><b>Durability.</b> {@link #callCreated} appends and then forces the file ({@code fsync}) before it returns;
 * concurrent creators share one force (group commit: whoever forces covers every record appended before it).
 * {@link #participantsChanged} and {@link #callEnded} append without forcing: their bytes are in the operating
 * system once they return, so they survive a process crash ({@code kill -9}); a power loss may lose the latest of
 * them, and a restart then announces a call that had already ended (a second {@code terminated} for that call id).
 *
 * <p><b>Size.</b> The file is rewritten with only the live calls (atomically, see {@link JournalFile#replace}) when
 * it has grown past {@code compactAtBytes} and to more than four times what the live calls need.
 *
 * <p><b>Recovery.</b> {@link #open} reads the intact prefix, cuts a torn tail, and keeps the calls that were live
 * as {@link #orphans()}; each stays live until {@link #callEnded} (the server calls it once the bot heard of the
 * loss) or {@link #releaseOrphans()}.
 *
 * <p>Thread-safe: appends are serialized by one lock, forcing by another, taken in that order never the reverse.
 * An I/O failure while appending is cut back out of the file; if even that fails, the journal refuses every
 * later {@link #callCreated}, so no call is created that a crash could lose silently.
 *
 * <p>Why this class is longer than ~300 lines: appending, group-committed forcing, recovery and compaction share
 * one file handle and two locks whose order is the whole correctness argument; the record format is already its own
 * class ({@link JournalFile}, {@link JournalRecord}).
 */
public final class FileCallJournal implements CallJournal, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FileCallJournal.class);
    /** The default size past which the file is compacted. */
    public static final long COMPACT_AT_BYTES = 1 << 20;

    private final Path file;
    private final long compactAtBytes;
    private final ReentrantLock appendLock = new ReentrantLock();
    private final Object forceLock = new Object();
    private final LinkedHashMap<String, JournaledCall> live = new LinkedHashMap<>();
    private final List<JournaledCall> orphans;
    private FileChannel channel;
    private long appended;
    private final AtomicLong forced = new AtomicLong();
    private long compactions;
    private boolean broken;
    /** Forces records nobody waits for (ringing calls), one flush for all requested so far. */
    private final BackgroundFlusher flusher = new BackgroundFlusher("call-journal-flusher", this::forceQuietly);

    private FileCallJournal(Path file, long compactAtBytes, List<JournaledCall> orphans) {
        this.file = file;
        this.compactAtBytes = compactAtBytes;
        this.orphans = List.copyOf(orphans);
        for (JournaledCall c : orphans) {
            live.put(c.callId(), c);
        }
    }

    /** Opens (or creates) the journal at {@code file} with the default compaction size. */
    public static FileCallJournal open(Path file) {
        return open(file, COMPACT_AT_BYTES);
    }

    /**
     * Opens (or creates) the journal at {@code file}: reads its intact prefix, logs and drops a torn tail, and
     * rewrites the file compactly. Called once, at start, before any call exists.
     *
     * @throws DataFileException when the file cannot be read or written, or is not a journal (it is left as it is)
     */
    public static FileCallJournal open(Path file, long compactAtBytes) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            JournalFile.Contents contents = JournalFile.read(file);
            if (contents.tornTail()) { // the rewrite below drops it: a copy keeps what it held for the operator
                log.warn("call journal had a torn or corrupt tail, dropped file={} keptBytes={} droppedBytes={} copy={}",
                        file, contents.validLength(), contents.fileLength() - contents.validLength(),
                        JournalFile.keepDamaged(file));
            }
            FileCallJournal journal = new FileCallJournal(file, compactAtBytes, contents.liveCalls());
            journal.rewrite();
            return journal;
        } catch (JournalFile.ForeignFile e) {
            throw new DataFileException(file, "is not a Switchboard call journal (version " + JournalFile.OLDEST_VERSION
                    + " to " + JournalFile.VERSION + ") and is left as it is", "if another program or a newer Switchboard wrote it, move it away and start "
                    + "again (with no journal the server cannot tell the bots of calls a crash took: docs/durability.md)");
        } catch (IOException e) {
            throw new DataFileException(file, "cannot be used as the call journal (" + e + ")", "the server must read "
                    + "and write it: check that it is a file, its permissions and the disk, and start again");
        }
    }

    /**
     * The live calls a journal file describes, read without changing it (for tools and tests; a running server's
     * own view is {@link #live()}).
     *
     * @throws IOException when the file cannot be read or is not a journal
     */
    public static List<JournaledCall> read(Path file) throws IOException {
        return JournalFile.read(file).liveCalls();
    }

    /** The calls that were live when the previous process stopped without ending them, as found by {@link #open}. */
    public List<JournaledCall> orphans() {
        return orphans;
    }

    /** Forgets the orphans (their bots have been told) and rewrites the file without them. */
    public void releaseOrphans() {
        appendLock.lock();
        try {
            for (JournaledCall c : orphans) {
                live.remove(c.callId());
            }
            rewrite();
        } catch (IOException e) {
            log.warn("call journal not compacted file={} error={}", file, e.toString());
        } finally {
            appendLock.unlock();
        }
    }

    @Override
    public void callCreated(JournaledCall call) {
        force(appendOpened(call));
    }

    /** Appends the ringing call's record and asks the background flusher to force it; returns without waiting. */
    @Override
    public void callRinging(JournaledCall call) {
        flusher.request(appendOpened(call));
    }

    /** Appends the call's {@code opened} record and makes it live; returns its sequence. @throws SwitchboardException SERVICE_UNAVAILABLE */
    private long appendOpened(JournaledCall call) {
        appendLock.lock();
        try {
            if (broken) {
                throw unavailable();
            }
            long mine = append(new JournalRecord.Opened(call));
            live.put(call.callId(), call);
            return mine;
        } catch (IOException e) {
            throw unavailable();
        } finally {
            appendLock.unlock();
        }
    }

    /** Appends the call's new record without forcing it (it was forced when created); an unknown call is forced. */
    @Override
    public void callUpdated(JournaledCall call) {
        long mine;
        boolean known;
        appendLock.lock();
        try {
            if (broken) {
                throw unavailable();
            }
            known = live.containsKey(call.callId());
            mine = append(new JournalRecord.Opened(call));
            live.put(call.callId(), call);
        } catch (IOException e) {
            throw unavailable();
        } finally {
            appendLock.unlock();
        }
        if (!known) {
            force(mine); // never made durable: as callCreated
        }
    }

    @Override
    public void participantsChanged(String callId, List<String> participantIds) {
        appendLock.lock();
        try {
            JournaledCall c = live.get(callId);
            if (c == null || broken) {
                return;
            }
            append(new JournalRecord.Participants(callId, participantIds));
            live.put(callId, c.withParticipants(participantIds));
        } catch (IOException e) {
            // logged by append
        } finally {
            appendLock.unlock();
        }
    }

    @Override
    public void callEnded(String callId) {
        appendLock.lock();
        try {
            if (live.remove(callId) == null || broken) {
                return;
            }
            append(new JournalRecord.Ended(callId));
            maybeCompact();
        } catch (IOException e) {
            // logged by append
        } finally {
            appendLock.unlock();
        }
    }

    /** Appends the call's {@code finished} record if the journal still holds it (its bot has not heard yet). */
    @Override
    public void callFinished(String callId, JournaledEnd why) {
        appendLock.lock();
        try {
            JournaledCall c = live.get(callId);
            if (c == null || broken || why.equals(c.endedWith())) {
                return;
            }
            append(new JournalRecord.Finished(callId, why));
            live.put(callId, c.endedWith(why));
        } catch (IOException e) {
            // logged by append
        } finally {
            appendLock.unlock();
        }
    }

    /** Live calls as this journal knows them (orphans included until released). */
    public List<JournaledCall> live() {
        appendLock.lock();
        try {
            return List.copyOf(live.values());
        } finally {
            appendLock.unlock();
        }
    }

    /** How many times the file was compacted since open (for tests and metrics). */
    public long compactions() {
        appendLock.lock();
        try {
            return compactions;
        } finally {
            appendLock.unlock();
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        flusher.close();
        appendLock.lock();
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            log.warn("call journal did not close cleanly file={} error={}", file, e.toString());
        } finally {
            broken = true;
            appendLock.unlock();
        }
    }

    // ---- internals ---------------------------------------------------------------------------------------

    /** Appends one frame; returns its sequence number. Append lock held. */
    private long append(JournalRecord record) throws IOException {
        ByteBuffer frame = JournalFile.frame(record);
        long before = channel.position();
        try {
            JournalFile.writeFully(channel, frame);
        } catch (IOException e) {
            log.error("call journal write failed file={} error={}", file, e.toString());
            try {
                channel.truncate(before);
                channel.position(before);
            } catch (IOException again) {
                broken = true;
                log.error("call journal cannot cut a failed write; new calls are refused file={}", file);
            }
            throw e;
        }
        return ++appended;
    }

    /** The flusher's force: a failure is logged by {@link #force} or here, and the next creator's own force reports it. */
    private void forceQuietly(long sequence) {
        try {
            force(sequence);
        } catch (RuntimeException e) {
            log.error("call journal background force failed file={} error={}", file, e.toString());
        }
    }

    /** The highest record sequence known to be on disk (tests). */
    long forcedUpTo() {
        return forced.get();
    }

    /** The highest record sequence appended (tests). */
    long appendedUpTo() {
        appendLock.lock();
        try {
            return appended;
        } finally {
            appendLock.unlock();
        }
    }

    /** Returns once every record up to {@code sequence} is on disk. Called without the append lock. */
    private void force(long sequence) {
        if (forced.get() >= sequence) {
            return;
        }
        synchronized (forceLock) {
            if (forced.get() >= sequence) {
                return; // another creator's force covered this record
            }
            FileChannel ch;
            long upTo;
            appendLock.lock();
            try {
                ch = channel;
                upTo = appended;
            } finally {
                appendLock.unlock();
            }
            try {
                ch.force(false);
            } catch (ClosedChannelException e) {
                if (forced.get() < sequence) { // not a compaction that replaced (and forced) the file
                    throw unavailable();
                }
                return;
            } catch (IOException e) {
                log.error("call journal force failed file={} error={}", file, e.toString());
                throw unavailable();
            }
            forced.accumulateAndGet(upTo, Math::max);
        }
    }

    /** Append lock held. */
    private void maybeCompact() {
        try {
            long size = channel.size();
            if (size >= compactAtBytes && size > 4 * liveBytes()) {
                rewrite();
                compactions++;
            }
        } catch (IOException e) {
            log.warn("call journal not compacted file={} error={}", file, e.toString());
        }
    }

    private long liveBytes() {
        return JournalFile.sizeOf(JournalFile.recordsOf(live.values()));
    }

    /** Replaces the file with the live calls only, forced, and appends to the new one. Append lock held (or open). */
    private void rewrite() throws IOException {
        long length = JournalFile.replace(file, JournalFile.recordsOf(live.values()));
        FileChannel old = channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.WRITE);
            channel.position(length);
        } catch (IOException e) {
            broken = true; // the old channel now writes to a file that is no longer the journal
            throw e;
        }
        forced.accumulateAndGet(appended, Math::max); // everything appended so far is in the forced new file
        if (old != null) {
            try {
                old.close();
            } catch (IOException e) {
                log.debug("old journal channel did not close error={}", e.toString());
            }
        }
        log.debug("call journal rewritten file={} liveCalls={} bytes={}", file, live.size(), length);
    }

    private SwitchboardException unavailable() {
        return new SwitchboardException(ErrorCode.SERVICE_UNAVAILABLE,
                "The server cannot record the call durably right now; try again later.");
    }
}
