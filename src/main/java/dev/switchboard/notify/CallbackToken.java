package dev.switchboard.notify;

import java.time.Instant;
import java.util.Objects;

/**
 * A signed callback bearer token and its validity.
 *
 * @param jwt       the compact JWS
 * @param issuedAt  its {@code iat}
 * @param expiresAt its {@code exp}, after {@code issuedAt}
 */
public record CallbackToken(String jwt, Instant issuedAt, Instant expiresAt) {
    public CallbackToken {
        Objects.requireNonNull(jwt, "jwt");
        if (!expiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException("expiresAt must be after issuedAt");
        }
    }

    /**
     * When a sender stops reusing it: half way through its life, so a token in flight or retried is never near expiry.
     * Checked before every webhook POST, so it is plain arithmetic ({@code Duration.dividedBy} goes through
     * {@code BigDecimal}); the same instant, truncated to the nanosecond.
     */
    public Instant renewAt() {
        java.time.Duration life = java.time.Duration.between(issuedAt, expiresAt);
        long seconds = life.getSeconds();
        return issuedAt.plusSeconds(seconds / 2).plusNanos(((seconds % 2) * 1_000_000_000L + life.getNano()) / 2);
    }
}
