package dev.switchboard.server;

import dev.switchboard.api.GraphRequestLimit;
import picocli.CommandLine.Option;

/** The {@code serve} flag of Graph's request throttling (a picocli mixin for {@link GraphRequestLimit}). */
final class GraphRequestOptions {
    @Option(names = "--graph-request-limit", defaultValue = "50000/15s",
            converter = SettingConverters.GraphRequestLimitConverter.class,
            description = "The most Graph API requests one app may send for one tenant in a window, REQUESTS/WINDOW"
                    + " (window in whole seconds, 1s to 1h), or off; past it 429 TooManyRequests with Retry-After until"
                    + " the window ends. Each request of a JSON batch counts. Default: 50000/15s, Graph's own limit for"
                    + " the calls API, so a bot that works here stays within Graph's.")
    GraphRequestLimit limit;

    GraphRequestLimit settings() {
        return limit == null ? GraphRequestLimit.OFF : limit;
    }
}
