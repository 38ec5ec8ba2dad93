package dev.switchboard.server;

import dev.switchboard.tools.ToolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One server per data directory: an exclusive lock on {@code DATA_DIR/lock}, held from before the crash journal is
 * read until the server stopped. A second server on the same directory would read the first's live calls from the
 * journal as lost in a crash and tell their bots so (and rewrite the journal and keys under it); it is refused
 * instead, naming the process that holds the directory. The operating system drops the lock when its process dies
 * ({@code kill -9} included), so a crashed server's restart is never refused.
 *
 * <p>Threads: acquired and closed once, by the thread building and closing the server.
 */
final class DataDirLock implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DataDirLock.class);
    static final String FILE = "lock";
    /**
     * Directories this JVM holds. Checked before the file is opened: on Linux, closing any descriptor of a file
     * drops every lock the process holds on it, so a refused second server in the same JVM must not open it.
     */
    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

    private final Path key;
    private final FileChannel channel;
    /** Null on a file system that has no locks. */
    private final FileLock lock;

    private DataDirLock(Path key, FileChannel channel, FileLock lock) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dataDir} (created if missing) for this process and writes its pid in the lock file.
     *
     * @throws ToolException {@link ToolException#LOCAL} when another running server holds it, or it cannot be written
     */
    static DataDirLock acquire(Path dataDir) {
        return acquire(dataDir, "stop it, or give this one its own --data-dir");
    }

    /** As {@link #acquire(Path)}, for a tool that changes the directory: {@code advice} says what to do when it is in use. */
    static DataDirLock acquire(Path dataDir, String advice) {
        Path key = dataDir.toAbsolutePath().normalize();
        if (!HELD_HERE.add(key)) {
            throw inUse(dataDir, Long.toString(ProcessHandle.current().pid()), advice);
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(dataDir);
            channel = FileChannel.open(dataDir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException notExpected) {
                lock = null;
            } catch (IOException unsupported) { // a file system without locks (ENOLCK): serve, unguarded, and say so
                log.warn("cannot lock the data directory {} ({}): nothing stops a second server from using it too",
                        dataDir, unsupported.getMessage());
                return new DataDirLock(key, channel, null);
            }
            if (lock == null) {
                String holder = holder(channel);
                closeQuietly(channel);
                HELD_HERE.remove(key);
                throw inUse(dataDir, holder, advice);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new DataDirLock(key, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            HELD_HERE.remove(key);
            throw new ToolException(ToolException.LOCAL, "cannot lock the data directory " + dataDir + ": " + e.getMessage());
        }
    }

    private static ToolException inUse(Path dataDir, String holder, String advice) {
        return new ToolException(ToolException.LOCAL, "the data directory " + dataDir + " is in use by another running "
                + "server" + (holder.isEmpty() ? "" : " (pid " + holder + ")") + "; " + advice);
    }

    /** The pid the holder wrote, or "" when it cannot be read. */
    private static String holder(FileChannel channel) {
        try {
            ByteBuffer b = ByteBuffer.allocate(32);
            channel.read(b, 0);
            return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing held
            }
        }
    }

    /** Releases the directory. */
    @Override
    public void close() {
        try {
            if (lock != null) {
                lock.release();
            }
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
        HELD_HERE.remove(key);
    }
}
