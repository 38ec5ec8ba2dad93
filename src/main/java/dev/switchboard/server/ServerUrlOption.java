package dev.switchboard.server;

import picocli.CommandLine.Option;

/** The running server a tool talks to (a picocli mixin of {@code token} and {@code participant}). */
final class ServerUrlOption {
    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "The server (default: ${DEFAULT-VALUE}).")
    String url;
}
