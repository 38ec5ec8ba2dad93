package dev.switchboard.api;

import java.time.Duration;

/**
 * How many Graph API requests one app may send for one tenant in a window ({@code serve --graph-request-limit},
 * docs/operations.md; docs/compatibility.md, "Request throttling"), or {@link #OFF}.
 *
 * @param requests the most requests of one (app, tenant) in a window, 1 to {@value #MAX_REQUESTS}; 0 for off
 * @param window   the window, whole seconds from 1 s to 1 h; {@link Duration#ZERO} for off
 */
public record GraphRequestLimit(int requests, Duration window) {
    public static final int MAX_REQUESTS = 10_000_000;
    /** No limit: nothing is counted. */
    public static final GraphRequestLimit OFF = new GraphRequestLimit(0, Duration.ZERO);
    /** Graph's documented limit for the calls API: 50,000 requests in 15 s per application per tenant. */
    public static final GraphRequestLimit GRAPH = new GraphRequestLimit(50_000, Duration.ofSeconds(15));

    public GraphRequestLimit {
        java.util.Objects.requireNonNull(window, "window");
        boolean off = requests == 0 && window.isZero();
        if (!off && (requests < 1 || requests > MAX_REQUESTS)) {
            throw new IllegalArgumentException("the graph request limit's count must be 1 to " + MAX_REQUESTS
                    + " requests, was " + requests);
        }
        if (!off && (window.toMillis() % 1000 != 0 || window.getSeconds() < 1 || window.getSeconds() > 3600)) {
            throw new IllegalArgumentException("the graph request limit's window must be whole seconds from 1s to 1h, was "
                    + window.toMillis() + " ms");
        }
    }

    public boolean off() {
        return requests == 0;
    }

    /** {@code 50000/15s}, or {@code off}: the form {@code --graph-request-limit} takes. */
    @Override
    public String toString() {
        return off() ? "off" : requests + "/" + window.getSeconds() + "s";
    }
}
