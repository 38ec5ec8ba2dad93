package dev.switchboard.server;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Records {@code http.server.requests} (Prometheus: {@code http_server_requests_seconds}) by method, route
 * template (not the concrete path, so ids do not explode the series) and status. The histogram has a few fixed
 * buckets around the mute path's objectives (p50 ~1 ms, p99 &lt; 10 ms) instead of a percentile histogram's ~70 per
 * series, so {@code /metrics} stays small however many routes and statuses are seen.
 */
final class HttpMetrics {
    /** The {@code le} bounds of the latency histogram. */
    static final Duration[] BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(50),
            Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(5)};

    private final MeterRegistry registry;
    private final ConcurrentHashMap<Series, Timer> timers = new ConcurrentHashMap<>();

    HttpMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A Javalin request logger: called once per request when it completes, with its duration in ms. */
    void record(Context ctx, Float millis) {
        timers.computeIfAbsent(new Series(method(ctx), route(ctx), ctx.statusCode()), this::register)
                .record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS);
    }

    /** One series of the timer: its tags. */
    private record Series(String method, String route, int status) {
    }

    private Timer register(Series s) {
        return Timer.builder("http.server.requests")
                .description("HTTP requests by route and status")
                .tag("method", s.method())
                .tag("route", s.route())
                .tag("status", Integer.toString(s.status()))
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    /** The methods HTTP defines (RFC 9110, and PATCH); any other, which a client may make up, is {@code other}. */
    private static final java.util.Set<String> METHODS =
            java.util.Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");

    private static String method(Context ctx) {
        String method = ctx.method().name();
        return METHODS.contains(method) ? method : "other";
    }

    private static String route(Context ctx) {
        try {
            Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
            return endpoint == null ? "unmatched" : endpoint.path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }
}
