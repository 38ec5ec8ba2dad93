package dev.switchboard.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.JWTClaimsSet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;

/**
 * Signs the bearer tokens of webhook requests to a bot's {@code callbackUri}, ES256 with the {@link CallbackSigningKey}
 * (published in every tenant's JWKS, {@code /{tenant}/discovery/v2.0/keys}). Claims: {@code iss} (configurable,
 * default {@code https://api.botframework.com}), {@code aud} = the bot's app id, {@code tid}, {@code iat},
 * {@code nbf}, {@code exp} (default 5 min), {@code jti} and {@code sha256} = base64 (standard, padded) of the
 * SHA-256 of the exact request body. Thread-safe.
 */
public final class CallbackTokens {
    private final CallbackSigningKey key;
    private final Clock clock;
    private final String issuer;
    private final Duration lifetime;

    public CallbackTokens(CallbackSigningKey key, Clock clock, String issuer, Duration lifetime) {
        this.key = key;
        this.clock = clock;
        this.issuer = issuer;
        this.lifetime = lifetime;
    }

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
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT)
                .keyID(key.kid()).build(), claims);
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a callback token", e);
        }
        return jwt.serialize();
    }

    public String issuer() {
        return issuer;
    }
}
