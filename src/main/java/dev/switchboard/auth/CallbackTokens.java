package dev.switchboard.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.switchboard.notify.CallbackTokenSigner;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;

/**
 * Signs the bearer tokens of webhook requests to a bot's {@code callbackUri} with the embedded authority's active
 * key (published in every tenant's JWKS, {@code /{tenant}/discovery/v2.0/keys}). Claims: {@code iss} (configurable,
 * default {@code https://api.botframework.com}), {@code aud} = the bot's app id, {@code tid}, {@code iat},
 * {@code nbf}, {@code exp} (default 5 min), {@code jti} and {@code sha256} = base64 (standard, padded) of the
 * SHA-256 of the exact request body. Thread-safe.
 */
public final class CallbackTokens implements CallbackTokenSigner {
    private final TokenIssuer signer;
    private final Clock clock;
    private final String issuer;
    private final Duration lifetime;

    public CallbackTokens(TokenIssuer signer, Clock clock, String issuer, Duration lifetime) {
        this.signer = signer;
        this.clock = clock;
        this.issuer = issuer;
        this.lifetime = lifetime;
    }

    @Override
    public String sign(String tenantId, String botAppId, byte[] bodySha256) {
        if (bodySha256 == null || bodySha256.length != 32) {
            throw new IllegalArgumentException("bodySha256 must be a 32-byte SHA-256 digest");
        }
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(botAppId)
                .claim("tid", tenantId)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString())
                .claim("sha256", Base64.getEncoder().encodeToString(bodySha256))
                .build();
        return signer.signClaims(claims);
    }

    public String issuer() {
        return issuer;
    }
}
