package dev.switchboard.server;

import dev.switchboard.client.RosterStreamSettings;
import picocli.CommandLine.Option;

import java.time.Duration;

/** The {@code serve} flags of the roster streams' limits (a picocli mixin); see {@code docs/roster-stream.md}. */
final class RosterStreamOptions {
    @Option(names = "--roster-max-per-user", defaultValue = "4",
            description = "Roster WebSockets one user may hold open on one call, and ring WebSockets one user may hold open; more get 429 (default: 4).")
    int maxPerUser;

    @Option(names = "--roster-max-per-call", defaultValue = "1000",
            description = "Roster WebSockets one call may have open; more get 429 (default: 1000).")
    int maxPerCall;

    @Option(names = "--roster-max-queued-bytes", defaultValue = "1048576",
            description = "Unwritten roster bytes one WebSocket may hold before it is closed with 1008 (default: 1048576).")
    long maxQueuedBytes;

    @Option(names = "--roster-stall-timeout", defaultValue = "10s", converter = SettingConverters.DurationConverter.class,
            description = "How long a roster WebSocket may take nothing before it is closed with 1008, e.g. 10s or 500ms (default: 10s).")
    Duration stallTimeout;

    RosterStreamSettings settings() {
        return new RosterStreamSettings(maxQueuedBytes, stallTimeout, maxPerUser, maxPerCall);
    }
}
