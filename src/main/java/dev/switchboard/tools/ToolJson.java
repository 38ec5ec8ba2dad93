package dev.switchboard.tools;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The one {@link ObjectMapper} of the client-side tools (server answers, callback bodies). Thread-safe. */
final class ToolJson {
    static final ObjectMapper JSON = new ObjectMapper();

    private ToolJson() {
    }
}
