package dev.switchboard.auth;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens {@link TokenVerifier} has verified, by their complete compact form (header, payload and signature, so a changed
 * byte anywhere is a different entry and goes through full verification). At most {@code limit} entries: when full,
 * the expired ones go, and if that frees nothing all go. The verifier still checks a remembered token's times and key
 * on every use. Thread-safe: request threads (docs/concurrency.md).
 */
final class VerifiedTokens {
    /** What full verification found: the token's principal, its times, and the issuer and key that signed it. */
    record Verified(Principal principal, long expMillis, long nbfMillis, TrustedIssuer issuer, String kid) {
    }

    private final ConcurrentHashMap<String, Verified> cache = new ConcurrentHashMap<>();
    private final Clock clock;
    private final long skewMillis;
    private final int limit;

    /** @param limit how many verified tokens to remember; 0 disables remembering */
    VerifiedTokens(Clock clock, long skewMillis, int limit) {
        this.clock = clock;
        this.skewMillis = skewMillis;
        this.limit = limit;
    }

    /** The remembered verification of the token, or null. */
    Verified get(String token) {
        return cache.get(token);
    }

    void remember(String token, Verified v) {
        if (limit <= 0) {
            return;
        }
        if (cache.size() >= limit) {
            long now = clock.millis();
            cache.values().removeIf(e -> now > e.expMillis() + skewMillis);
            if (cache.size() >= limit) {
                cache.clear();
            }
        }
        cache.put(token, v);
    }
}
