package dev.switchboard.notify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The notifier's meters (names as Micrometer writes them; Prometheus turns dots into underscores):
 * <ul>
 *   <li>{@code switchboard.notify.deliveries} counter: notifications answered 2xx</li>
 *   <li>{@code switchboard.notify.batch.size} distribution summary: notifications per successful POST</li>
 *   <li>{@code switchboard.notify.retries{reason}} counter: attempts that failed and will be retried
 *       ({@code timeout, network, dns, signing, status_408, status_429, status_5xx})</li>
 *   <li>{@code switchboard.notify.giveups{reason}} counter: notifications that will never be delivered
 *       ({@code ttl_expired, rejected_4xx, unexpected_status, ssrf_refused, bad_redirect, redirect_limit,
 *       call_queue_full, global_queue_full, shutdown, closed})</li>
 *   <li>{@code switchboard.notify.coalesced} counter: undelivered rosters replaced by a newer roster of the same call</li>
 *   <li>{@code switchboard.notify.redirects} counter: 3xx hops followed</li>
 *   <li>{@code switchboard.notify.queue.depth} gauge: undelivered notifications over all calls</li>
 *   <li>{@code switchboard.notify.calls} gauge: calls with a live delivery queue</li>
 *   <li>{@code switchboard.notify.delivery.latency} timer: from enqueue to the receiver's 2xx (with a histogram)</li>
 * </ul>
 * Thread-safe.
 */
final class NotifyMetrics {
    private final MeterRegistry registry;
    private final Counter deliveries;
    private final Counter coalesced;
    private final Counter redirects;
    private final Timer latency;
    private final DistributionSummary batchSize;
    private final Map<String, Counter> retries = new ConcurrentHashMap<>();
    private final Map<String, Counter> giveUps = new ConcurrentHashMap<>();

    NotifyMetrics(MeterRegistry registry, Supplier<Number> depth, Supplier<Number> calls) {
        this.registry = registry;
        this.deliveries = Counter.builder("switchboard.notify.deliveries")
                .description("Notifications answered 2xx by the bot").register(registry);
        this.coalesced = Counter.builder("switchboard.notify.coalesced")
                .description("Undelivered roster notifications replaced by a newer roster").register(registry);
        this.redirects = Counter.builder("switchboard.notify.redirects")
                .description("Redirects followed").register(registry);
        this.latency = Timer.builder("switchboard.notify.delivery.latency")
                .description("From enqueue to the bot's 2xx")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
        this.batchSize = DistributionSummary.builder("switchboard.notify.batch.size")
                .description("Notifications per successful POST").register(registry);
        Gauge.builder("switchboard.notify.queue.depth", depth).description("Undelivered notifications").register(registry);
        Gauge.builder("switchboard.notify.calls", calls).description("Calls with a delivery queue").register(registry);
        // pre-register the common reasons so dashboards see zeros
        for (String r : new String[] {"ttl_expired", "rejected_4xx", "ssrf_refused", "call_queue_full", "global_queue_full", "shutdown"}) {
            giveUp(r, 0);
        }
        for (String r : new String[] {"timeout", "network", "status_429", "status_5xx"}) {
            retryCounter(r);
        }
    }

    void delivered(long latencyNanos) {
        latency.record(latencyNanos, TimeUnit.NANOSECONDS);
        deliveries.increment();
    }

    void posted(int notifications) {
        batchSize.record(notifications);
    }

    void retry(String reason) {
        retryCounter(reason).increment();
    }

    private Counter retryCounter(String reason) {
        return retries.computeIfAbsent(reason, r -> Counter.builder("switchboard.notify.retries").tag("reason", r)
                .description("Failed attempts that will be retried").register(registry));
    }

    void giveUp(String reason) {
        giveUp(reason, 1);
    }

    private void giveUp(String reason, int n) {
        giveUps.computeIfAbsent(reason, r -> Counter.builder("switchboard.notify.giveups").tag("reason", r)
                .description("Notifications given up").register(registry)).increment(n);
    }

    void coalesced() {
        coalesced.increment();
    }

    void redirected() {
        redirects.increment();
    }
}
