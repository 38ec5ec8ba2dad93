package dev.switchboard.server;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The one {@link ObjectMapper} of the command line: the configuration file and what commands print. Thread-safe. */
final class CliJson {
    static final ObjectMapper JSON = new ObjectMapper();

    private CliJson() {
    }
}
