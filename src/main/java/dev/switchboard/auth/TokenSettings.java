package dev.switchboard.auth;

import java.time.Duration;

/**
 * Token lifetimes and checks.
 *
 * @param accessTokenLifetime   lifetime of issued access tokens (default 1 h)
 * @param clockSkew             tolerance for {@code exp}/{@code nbf} when verifying (default 60 s)
 * @param signingKeyMaxAge      the active signing key is rotated automatically when older; null for never (default 30 days)
 * @param callbackIssuer        {@code iss} of the webhook callback tokens (default {@code https://api.botframework.com})
 * @param callbackTokenLifetime lifetime of callback tokens (default 5 min)
 * @param verifiedTokenCache    how many verified tokens the verifier remembers (default 10000; 0 = none)
 */
public record TokenSettings(Duration accessTokenLifetime, Duration clockSkew, Duration signingKeyMaxAge,
                            String callbackIssuer, Duration callbackTokenLifetime, int verifiedTokenCache) {
    public static final String DEFAULT_CALLBACK_ISSUER = "https://api.botframework.com";

    public static TokenSettings defaults() {
        return new TokenSettings(Duration.ofHours(1), Duration.ofSeconds(60), Duration.ofDays(30),
                DEFAULT_CALLBACK_ISSUER, Duration.ofMinutes(5), 10_000);
    }

    public TokenSettings {
        if (accessTokenLifetime.isNegative() || accessTokenLifetime.isZero()) {
            throw new IllegalArgumentException("access token lifetime must be positive");
        }
        if (clockSkew.isNegative()) {
            throw new IllegalArgumentException("clock skew must not be negative");
        }
    }
}
