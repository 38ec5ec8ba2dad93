package dev.switchboard.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes that outlive a power loss: a key file is written to a temporary file, forced, renamed over the old one and
 * the directory forced. Without the forces a power loss soon after a rename can leave the new name on an empty file.
 */
final class DurableFiles {
    private DurableFiles() {
    }

    /** Writes {@code bytes} to {@code file} (existing, e.g. a fresh temporary file) and forces them to disk. */
    static void write(Path file, byte[] bytes) throws IOException {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                out.write(b);
            }
            out.force(true);
        }
    }

    /** Makes a rename in {@code dir} durable (Linux, macOS); a file system that cannot open directories is left alone. */
    static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a directory as a channel; NTFS journals its metadata itself
        }
    }
}
