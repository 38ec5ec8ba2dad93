package dev.switchboard.server;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;

/**
 * Records {@code http.server.requests} (Prometheus: {@code http_server_requests_seconds}) by method, route
 * template (not the concrete path, so ids do not explode the series) and status.
 */
final class HttpMetrics {
    private final MeterRegistry registry;

    HttpMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A Javalin request logger: called once per request when it completes, with its duration in ms. */
    void record(Context ctx, Float millis) {
        Timer.builder("http.server.requests")
                .description("HTTP requests by route and status")
                .tag("method", ctx.method().name())
                .tag("route", route(ctx))
                .tag("status", Integer.toString(ctx.statusCode()))
                .publishPercentileHistogram()
                .register(registry)
                .record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS);
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
