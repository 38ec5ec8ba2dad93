package dev.switchboard.error;

import java.nio.file.Path;

/**
 * A file of the data directory that the server cannot use at start (corrupt, foreign, unreadable): never sent on the
 * wire, but printed by the command line as one line, exit 74 (a local problem), with the file and what to do about
 * it. An {@link IllegalStateException}, so that callers that already treat a corrupt file as one keep doing so.
 */
public final class DataFileException extends IllegalStateException {
    private final Path file;

    /**
     * @param file    the file (or directory) that cannot be used
     * @param problem what is wrong with it, e.g. "is not a Switchboard call journal"
     * @param remedy  what the operator can do, e.g. "move it away to start with an empty journal"
     */
    public DataFileException(Path file, String problem, String remedy) {
        super(file + " " + problem + ": " + remedy);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
