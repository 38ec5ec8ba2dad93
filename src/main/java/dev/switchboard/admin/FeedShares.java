package dev.switchboard.admin;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The live feeds open at once ({@link LiveFeed#MAX_FEEDS}), shared fairly between the administrators' tenants: when
 * they are all taken, a feed of a tenant holding fewer (at least two fewer) than the tenant holding the most takes the
 * place of that tenant's oldest feed, which is told to end ({@link Place#ended()}; its page reconnects). So the
 * administrators of one tenant cannot keep every other tenant's out; a tenant alone gets its 503, as before.
 * Thread-safe: one monitor, held for a few map and deque operations.
 */
final class FeedShares {
    /** One open feed's place; {@link #ended()} once another tenant's feed took it. */
    static final class Place {
        final String tenant;
        private volatile boolean ended;

        private Place(String tenant) {
            this.tenant = tenant;
        }

        boolean ended() {
            return ended;
        }
    }

    private final int limit;
    private final Map<String, ArrayDeque<Place>> byTenant = new HashMap<>();
    private int open;

    FeedShares(int limit) {
        this.limit = limit;
    }

    /** A place for a new feed of {@code tenant}, or null when all are taken and no tenant holds more. */
    synchronized Place open(String tenant) {
        if (open >= limit && !takeFromLargerThan(tenant)) {
            return null;
        }
        Place p = new Place(tenant);
        byTenant.computeIfAbsent(tenant, t -> new ArrayDeque<>()).addLast(p);
        open++;
        return p;
    }

    /** The feed of {@code p} ended (or never started); a place already taken by another tenant is not given twice. */
    synchronized void close(Place p) {
        ArrayDeque<Place> mine = byTenant.get(p.tenant);
        if (mine != null && mine.remove(p)) {
            open--;
            if (mine.isEmpty()) {
                byTenant.remove(p.tenant);
            }
        }
    }

    /** Feeds holding a place now. */
    synchronized int open() {
        return open;
    }

    private boolean takeFromLargerThan(String tenant) {
        ArrayDeque<Place> mine = byTenant.get(tenant);
        int most = (mine == null ? 0 : mine.size()) + 1;
        ArrayDeque<Place> larger = null;
        for (ArrayDeque<Place> feeds : byTenant.values()) {
            if (feeds.size() > most) {
                larger = feeds;
                most = feeds.size();
            }
        }
        if (larger == null) {
            return false;
        }
        Place oldest = larger.pollFirst();
        oldest.ended = true;
        open--;
        if (larger.isEmpty()) {
            byTenant.remove(oldest.tenant);
        }
        return true;
    }
}
