package dev.switchboard.notify;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The notifier's account of how each notification ends, so that none is lost silently: the count of undelivered
 * notifications, in all and per tenant ({@link QueueBudget}: the global queue limit and {@link WebhookNotifier#close()}'s
 * drain wait on it), the meters
 * ({@link NotifyMetrics}), the give-up log (every give-up is counted and logged with callId and notificationId) and
 * the {@link DeliveryObserver}'s reports. Thread-safe: called from enqueueing threads, chains and close().
 */
final class DeliveryLedger {
    /** The notifier's logger, so that operators' filters on {@code WebhookNotifier} still see every give-up. */
    private static final Logger log = LoggerFactory.getLogger(WebhookNotifier.class);
    /** Each kind's name as a report shows it (lowercase), made once rather than per report. */
    private static final String[] KIND_NAMES = java.util.Arrays.stream(NotificationKind.values())
            .map(k -> k.name().toLowerCase(java.util.Locale.ROOT)).toArray(String[]::new);

    private final QueueBudget pending;
    private final NotifyMetrics metrics;
    private final Object drained = new Object();
    private volatile boolean draining;
    private volatile DeliveryObserver observer = DeliveryObserver.NONE;

    /**
     * @param globalLimit undelivered notifications over all calls
     * @param calls       how many calls have a live delivery queue (a gauge)
     */
    DeliveryLedger(MeterRegistry meters, int globalLimit, Supplier<Number> calls) {
        this.pending = new QueueBudget(globalLimit);
        this.metrics = new NotifyMetrics(meters, pending::total, calls);
    }

    /** The undelivered count itself, which {@link CallQueue#offer} reserves from against the global limit. */
    QueueBudget pending() {
        return pending;
    }

    void observe(DeliveryObserver observer) {
        this.observer = observer;
    }

    /** {@code d} was answered 2xx (and its queue took it as finished). */
    void delivered(Delivery d) {
        long now = System.nanoTime();
        for (Pending p : d.items) {
            pending.release(p.tenantId);
            metrics.delivered(now - p.enqueuedNanos);
        }
        metrics.posted(d.items.size());
        report(d, DeliveryReport.State.DELIVERED, null, null);
    }

    /** {@code d} failed and is tried again in {@code delayNanos}. */
    void retrying(Delivery d, String reason, String detail, long delayNanos) {
        metrics.retry(reason);
        report(d, DeliveryReport.State.RETRYING, detail, Instant.now().plusNanos(delayNanos));
    }

    /** Every notification of {@code d} is given up (and its queue took it as finished). */
    void gaveUp(Delivery d, String reason, String detail) {
        for (Pending p : d.items) {
            pending.release(p.tenantId);
            logGiveUp(p, d, reason, detail);
        }
        report(d, DeliveryReport.State.GAVE_UP, reason + ": " + detail, null);
    }

    /** A queued notification is given up on its own; {@code d} is its POST, null if it never had one. */
    void dropped(Pending p, Delivery d, String reason, String detail) {
        pending.release(p.tenantId);
        logGiveUp(p, d, reason, detail);
    }

    /** Gives up a notification that holds no place in the count: refused, or evicted (the newer one took its place). */
    void gaveUpUnqueued(Pending p, String reason, String detail) {
        logGiveUp(p, null, reason, detail);
    }

    /** Gives up everything {@code q} still holds: shutdown, after the drain timeout. */
    void dropAll(CallQueue q) {
        for (Pending p : q.drainAll()) {
            dropped(p, null, "shutdown", "undelivered when the drain timeout ended");
        }
    }

    void coalesced() {
        metrics.coalesced();
    }

    void redirected() {
        metrics.redirected();
    }

    /** Tells the observer, if any, how {@code d} stands; never lets it disturb delivery. */
    private void report(Delivery d, DeliveryReport.State state, String error, Instant next) {
        DeliveryObserver o = observer;
        if (o == DeliveryObserver.NONE) {
            return;
        }
        List<String> kinds = new ArrayList<>(d.items.size());
        for (Pending p : d.items) {
            kinds.add(KIND_NAMES[p.kind.ordinal()]);
        }
        try {
            o.observe(new DeliveryReport(d.callId(), d.id, d.sequence, kinds, state, d.attempts, d.lastStatus,
                    d.lastLatencyNanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(d.lastLatencyNanos), next, error,
                    Instant.now(), d.bodyForReport()));
        } catch (RuntimeException e) {
            log.warn("delivery observer failed callId={} notificationId={}", d.callId(), d.id, e);
        }
    }

    /** Counts and logs one notification that will never be delivered; {@code d} is its POST, null if never attempted. */
    private void logGiveUp(Pending p, Delivery d, String reason, String detail) {
        metrics.giveUp(reason);
        log.warn("notification given up callId={} notificationId={} sequence={} kind={} resourceUrl={} reason={} attempts={} detail=\"{}\"",
                p.callId, d == null ? "-" : d.id, d == null ? "-" : d.sequence, p.kind, p.resourceUrl, reason,
                d == null ? 0 : d.attempts, detail);
    }

    /** Wakes {@link #awaitDrained} when the last undelivered notification has ended; a no-op until it waits. */
    void signalIfDrained() {
        if (draining && pending.total() == 0) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    /** Waits until nothing is undelivered or {@code deadlineNanos} ({@link System#nanoTime()}) passes. */
    void awaitDrained(long deadlineNanos) {
        draining = true;
        synchronized (drained) {
            long left;
            while (pending.total() > 0 && (left = deadlineNanos - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(drained, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
    }
}
