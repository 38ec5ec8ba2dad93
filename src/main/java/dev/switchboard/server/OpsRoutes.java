package dev.switchboard.server;

import io.javalin.config.RoutesConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.function.BooleanSupplier;

/** Operational endpoints: {@code /healthz} (alive), {@code /readyz} (taking calls), {@code /metrics} (Prometheus text). */
final class OpsRoutes {
    private OpsRoutes() {
    }

    static void register(RoutesConfig routes, PrometheusMeterRegistry registry, BooleanSupplier ready) {
        routes.get("/healthz", ctx -> ctx.contentType("application/json").result("{\"status\":\"alive\"}"));
        routes.get("/readyz", ctx -> {
            boolean ok = ready.getAsBoolean();
            ctx.status(ok ? 200 : 503).contentType("application/json")
                    .result(ok ? "{\"status\":\"ready\"}" : "{\"status\":\"draining\"}");
        });
        routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
    }
}
