package dev.switchboard.server;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * Where the server keeps what must survive a restart.
 *
 * @param dataDir the data directory (signing keys under {@code auth/})
 */
public record StorageSettings(Path dataDir) {
    public StorageSettings {
        java.util.Objects.requireNonNull(dataDir, "dataDir");
    }

    /** The {@code serve} flags of this part (a picocli mixin). */
    static final class Options {
        @Option(names = "--data-dir", defaultValue = "switchboard-data",
                description = "Directory for durable files such as signing keys (default: switchboard-data).")
        Path dataDir;

        StorageSettings settings() {
            return new StorageSettings(dataDir);
        }
    }
}
