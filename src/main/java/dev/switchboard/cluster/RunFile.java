package dev.switchboard.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code DATA_DIR/node-run}: the run id of this node's latest run. A node restarted on its data directory after a
 * crash reads it to find the run its crash journal's calls belonged to, and whether a survivor already ended them
 * ({@link Takeover#succeed}). Written when a run begins (start, and a rejoin after a fence). Thread-safe.
 */
public final class RunFile {
    private static final Logger log = LoggerFactory.getLogger(RunFile.class);
    static final String NAME = "node-run";
    private final Path file;

    public RunFile(Path dataDir) {
        this.file = dataDir.resolve(NAME);
    }

    /** The run id written last, or null (none yet, or unreadable). */
    public String read() {
        try {
            String run = Files.exists(file) ? Files.readString(file).trim() : "";
            return run.isEmpty() ? null : run;
        } catch (IOException e) {
            log.warn("cluster: cannot read {}: {}", file, e.toString());
            return null;
        }
    }

    /** Replaces the run id (atomically: a crash leaves the old one or the new one). */
    public synchronized void write(String run) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(NAME + ".tmp");
            Files.writeString(tmp, run + "\n");
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("cluster: cannot write {}: {} (a restart after a crash then tells bots from its own journal)",
                    file, e.toString());
        }
    }
}
