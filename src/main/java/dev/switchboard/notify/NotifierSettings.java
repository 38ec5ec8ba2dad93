package dev.switchboard.notify;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * How {@link WebhookNotifier} delivers, retries and bounds its memory, and which callback destinations
 * {@link CallbackUriPolicy} accepts.
 *
 * @param ttl                 how long one notification is retried, counted from its enqueue; then it is given up
 * @param firstRetryDelay     the backoff base: the first retry waits between half of it and all of it (jitter)
 * @param maxRetryDelay       the backoff cap; a {@code Retry-After} on 429/503 wins over it (still bounded by the TTL)
 * @param perCallQueueLimit   notifications one call may have undelivered (the one in flight included); at least 2
 * @param globalQueueLimit    undelivered notifications over all calls; at least {@code perCallQueueLimit}
 * @param connectTimeout      TCP/TLS connect timeout of one attempt
 * @param requestTimeout      time from sending one attempt to the response headers; a timeout is retried
 * @param drainTimeout        how long {@link WebhookNotifier#close()} keeps delivering what is queued
 * @param maxRedirects        302/307 hops followed within one attempt before the notification is given up
 * @param workerThreads       threads that run the HTTP client's own work (reading the answers its selector hands
 *                            over); each call's POSTs are prepared, signed and sent on a virtual thread per active call
 * @param maxBatchSize        most notifications of one call in one POST; a POST carries more than one only when
 *                            they queued up behind the previous POST of that call (1 = never batch); never more
 *                            than half the per-call limit, so a full POST in progress leaves room to queue
 * @param allowedHosts        destinations exempt from the https rule and the private-address rule: host names
 *                            (exact, case-insensitive), IP literals or CIDR ranges (e.g. {@code 10.1.0.0/16})
 */
public record NotifierSettings(Duration ttl, Duration firstRetryDelay, Duration maxRetryDelay,
                               int perCallQueueLimit, int globalQueueLimit,
                               Duration connectTimeout, Duration requestTimeout, Duration drainTimeout,
                               int maxRedirects, int workerThreads, int maxBatchSize, Set<String> allowedHosts) {

    /** The embedded default: loopback destinations may be used over plain http (local bots). */
    public static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.0/8", "::1/128");

    public NotifierSettings {
        requirePositive(ttl, "ttl");
        requirePositive(firstRetryDelay, "firstRetryDelay");
        requirePositive(maxRetryDelay, "maxRetryDelay");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(requestTimeout, "requestTimeout");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        if (drainTimeout.isNegative()) {
            throw new IllegalArgumentException("drainTimeout must not be negative");
        }
        if (maxRetryDelay.compareTo(firstRetryDelay) < 0) {
            throw new IllegalArgumentException("maxRetryDelay must be >= firstRetryDelay");
        }
        if (perCallQueueLimit < 2) {
            throw new IllegalArgumentException("perCallQueueLimit must be >= 2, was " + perCallQueueLimit);
        }
        if (globalQueueLimit < perCallQueueLimit) {
            throw new IllegalArgumentException("globalQueueLimit must be >= perCallQueueLimit, was " + globalQueueLimit);
        }
        if (maxRedirects < 0) {
            throw new IllegalArgumentException("maxRedirects must be >= 0");
        }
        if (workerThreads < 1) {
            throw new IllegalArgumentException("workerThreads must be >= 1");
        }
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be >= 1, was " + maxBatchSize);
        }
        allowedHosts = Set.copyOf(Objects.requireNonNull(allowedHosts, "allowedHosts"));
        for (String entry : allowedHosts) {
            HostRule.parse(entry); // fails fast on a malformed entry
        }
    }

    /**
     * TTL 10 min, first retry within 500 ms, cap 60 s, 256 per call, 10,000 in all, connect 5 s, request 10 s,
     * drain 10 s, 5 redirects, max(2, cores) workers, up to 20 notifications per POST, loopback allowed over http.
     */
    /** {@code maxBatchSize}, bounded by half the per-call limit. */
    public int effectiveBatchSize() {
        return Math.max(1, Math.min(maxBatchSize, perCallQueueLimit / 2));
    }

    public static NotifierSettings defaults() {
        return new NotifierSettings(Duration.ofMinutes(10), Duration.ofMillis(500), Duration.ofSeconds(60),
                256, 10_000, Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(10),
                5, Math.max(2, Runtime.getRuntime().availableProcessors()), 20, LOOPBACK);
    }

    public NotifierSettings withTtl(Duration value) {
        return new NotifierSettings(value, firstRetryDelay, maxRetryDelay, perCallQueueLimit, globalQueueLimit,
                connectTimeout, requestTimeout, drainTimeout, maxRedirects, workerThreads, maxBatchSize, allowedHosts);
    }

    public NotifierSettings withRetryDelays(Duration first, Duration max) {
        return new NotifierSettings(ttl, first, max, perCallQueueLimit, globalQueueLimit,
                connectTimeout, requestTimeout, drainTimeout, maxRedirects, workerThreads, maxBatchSize, allowedHosts);
    }

    public NotifierSettings withQueueLimits(int perCall, int global) {
        return new NotifierSettings(ttl, firstRetryDelay, maxRetryDelay, perCall, global,
                connectTimeout, requestTimeout, drainTimeout, maxRedirects, workerThreads, maxBatchSize, allowedHosts);
    }

    public NotifierSettings withRequestTimeout(Duration value) {
        return new NotifierSettings(ttl, firstRetryDelay, maxRetryDelay, perCallQueueLimit, globalQueueLimit,
                connectTimeout, value, drainTimeout, maxRedirects, workerThreads, maxBatchSize, allowedHosts);
    }

    public NotifierSettings withDrainTimeout(Duration value) {
        return new NotifierSettings(ttl, firstRetryDelay, maxRetryDelay, perCallQueueLimit, globalQueueLimit,
                connectTimeout, requestTimeout, value, maxRedirects, workerThreads, maxBatchSize, allowedHosts);
    }

    public NotifierSettings withWorkerThreads(int value) {
        return new NotifierSettings(ttl, firstRetryDelay, maxRetryDelay, perCallQueueLimit, globalQueueLimit,
                connectTimeout, requestTimeout, drainTimeout, maxRedirects, value, maxBatchSize, allowedHosts);
    }

    public NotifierSettings withMaxBatchSize(int value) {
        return new NotifierSettings(ttl, firstRetryDelay, maxRetryDelay, perCallQueueLimit, globalQueueLimit,
                connectTimeout, requestTimeout, drainTimeout, maxRedirects, workerThreads, value, allowedHosts);
    }

    public NotifierSettings withAllowedHosts(Set<String> value) {
        return new NotifierSettings(ttl, firstRetryDelay, maxRetryDelay, perCallQueueLimit, globalQueueLimit,
                connectTimeout, requestTimeout, drainTimeout, maxRedirects, workerThreads, maxBatchSize, value);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }
}
