package dev.switchboard.notify;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The global bound on undelivered notifications ({@link NotifierSettings#globalQueueLimit()}), counted per tenant as
 * well, so that a tenant whose bot does not take its notifications cannot keep the whole budget from the others: when
 * it is spent, a tenant holding fewer than the largest holder takes a place from that holder
 * ({@link WebhookNotifier#enqueue}); a tenant alone on the server has the whole budget as before.
 *
 * <p>A place is held from {@link #tryAcquire} (or {@link #take} of a place already counted) until {@link #release}.
 * A notification's place is counted for its tenant inside the lock of the call queue it joins, before any delivery
 * chain can see it, so the release that ends it always comes after and a count never goes below zero; a tenant
 * holding nothing has no entry. Thread-safe: enqueueing threads, delivery chains, close().
 */
final class QueueBudget {
    private final int limit;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> held = new ConcurrentHashMap<>();

    /** @param limit undelivered notifications over all calls and tenants, at least 0 */
    QueueBudget(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit " + limit);
        }
        this.limit = limit;
    }

    /** Takes a place for {@code tenant} if the budget has one; false when it is spent. */
    boolean tryAcquire(String tenant) {
        while (true) {
            int n = total.get();
            if (n >= limit) {
                return false;
            }
            if (total.compareAndSet(n, n + 1)) {
                take(tenant);
                return true;
            }
        }
    }

    /** Gives {@code tenant} a place already counted in the total (one a larger tenant was made to give up). */
    void take(String tenant) {
        held.merge(tenant, 1, Integer::sum);
    }

    /** Ends a place of {@code tenant}: its notification was delivered or given up. */
    void release(String tenant) {
        leave(tenant);
        total.decrementAndGet();
    }

    /** {@code tenant} gives up a place that stays counted in the total, to be {@link #take taken} by another tenant. */
    void leave(String tenant) {
        held.computeIfPresent(tenant, (t, n) -> n == 1 ? null : n - 1);
    }

    /** Frees a place that {@link #leave} kept counted and nobody took. */
    void releaseUnused() {
        total.decrementAndGet();
    }

    boolean isSpent() {
        return total.get() >= limit;
    }

    /** Undelivered notifications over all tenants. */
    int total() {
        return total.get();
    }

    /** Undelivered notifications of {@code tenant}. */
    int heldBy(String tenant) {
        return held.getOrDefault(tenant, 0);
    }

    /**
     * The tenant holding the most, when it holds at least two more than {@code tenant} (so that taking one place from
     * it never makes {@code tenant} the larger, and two tenants never take places back and forth); else null.
     */
    String largerThan(String tenant) {
        int mine = heldBy(tenant);
        String largest = null;
        int most = mine + 1;
        for (Map.Entry<String, Integer> e : held.entrySet()) {
            if (e.getValue() > most && !e.getKey().equals(tenant)) {
                largest = e.getKey();
                most = e.getValue();
            }
        }
        return largest;
    }
}
