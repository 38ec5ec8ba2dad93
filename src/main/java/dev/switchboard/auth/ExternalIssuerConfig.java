package dev.switchboard.auth;

import java.net.URI;
import java.time.Duration;

/**
 * An outside issuer whose tokens are trusted (e.g. real Entra ID), known by its OpenID configuration URL or its
 * JWKS URL.
 *
 * @param issuer              the exact {@code iss}, or a template with {@code {tenantid}} (as in Entra's multi-tenant
 *                            metadata, e.g. {@code https://login.microsoftonline.com/{tenantid}/v2.0}); null to take
 *                            it from the OpenID configuration
 * @param openIdConfiguration the {@code .well-known/openid-configuration} URL; null when {@code jwksUri} is given
 * @param jwksUri             the JWKS URL; null to take it from the OpenID configuration
 * @param tenantId            the only {@code tid} accepted for a fixed issuer; null to require the {@code tid} to be a
 *                            path segment of the issuer (Entra's form {@code …/{tid}/v2.0}, {@code …/{tid}/})
 * @param minRefreshInterval  the least time between two key downloads triggered by an unknown {@code kid}
 * @param maxKeyAge           keys are downloaded again when the cached set is older than this
 */
public record ExternalIssuerConfig(String issuer, URI openIdConfiguration, URI jwksUri, String tenantId,
                                   Duration minRefreshInterval, Duration maxKeyAge) {
    public static final Duration DEFAULT_MIN_REFRESH = Duration.ofMinutes(5);
    public static final Duration DEFAULT_MAX_KEY_AGE = Duration.ofHours(24);

    public ExternalIssuerConfig {
        if (openIdConfiguration == null && jwksUri == null) {
            throw new IllegalArgumentException("a trusted issuer needs openIdConfiguration or jwksUri");
        }
        if (issuer == null && openIdConfiguration == null) {
            throw new IllegalArgumentException("a trusted issuer given by jwksUri needs its issuer");
        }
        if (minRefreshInterval == null) {
            minRefreshInterval = DEFAULT_MIN_REFRESH;
        }
        if (maxKeyAge == null) {
            maxKeyAge = DEFAULT_MAX_KEY_AGE;
        }
    }
}
