package dev.switchboard.server;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.Map;

/**
 * The server's one meter registry. Histograms keep a few fixed buckets chosen for what each one is judged by, never a
 * percentile histogram's ~70 buckets per series (which made {@code /metrics} 180 KB): a timer that asks for a
 * percentile histogram gets the buckets named for it here, or {@link #DEFAULT_BUCKETS}.
 */
final class MetricsRegistry {
    /** For a timer without buckets of its own: request-scale latencies. */
    static final Duration[] DEFAULT_BUCKETS = millis(1, 10, 100, 1000, 10_000);
    /** Per timer name (Micrometer's dotted form): the {@code le} bounds its histogram publishes. */
    static final Map<String, Duration[]> BUCKETS = Map.of(
            // webhook delivery: p99 objective 50 ms; retries take seconds to minutes
            "switchboard.notify.delivery.latency", millis(5, 10, 50, 100, 500, 1000, 5000, 30_000, 300_000),
            // one mixer tick: tens of microseconds per room, late past the 20 ms frame
            "switchboard.media.mixer.tick", new Duration[] {Duration.ofNanos(50_000), Duration.ofNanos(100_000),
                    Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(20)});

    private MetricsRegistry() {
    }

    static PrometheusMeterRegistry create() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (id.getType() != Meter.Type.TIMER || !Boolean.TRUE.equals(config.isPercentileHistogram())) {
                    return config;
                }
                double[] slos = java.util.Arrays.stream(BUCKETS.getOrDefault(id.getName(), DEFAULT_BUCKETS))
                        .mapToDouble(Duration::toNanos).toArray();
                return DistributionStatisticConfig.builder().percentilesHistogram(false).serviceLevelObjectives(slos)
                        .build().merge(config);
            }
        });
        return registry;
    }

    private static Duration[] millis(long... values) {
        return java.util.Arrays.stream(values).mapToObj(Duration::ofMillis).toArray(Duration[]::new);
    }
}
