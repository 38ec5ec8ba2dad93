package dev.switchboard.notify;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/** A real RS256 callback signer for tests, shaped like the embedded authority's: iss, aud, tid, iat, nbf, exp, jti; HMAC keys per bot. */
public final class RsaCallbackSigner implements CallbackTokenSigner {
    public static final String ISSUER = "https://api.botframework.com";
    private final RSAKey key;
    private final RSASSASigner signer;
    private final String issuer;
    private final Duration lifetime;

    public RsaCallbackSigner() {
        this(ISSUER, Duration.ofMinutes(5));
    }

    RsaCallbackSigner(String issuer, Duration lifetime) {
        try {
            this.key = new RSAKeyGenerator(2048).keyID("test-" + System.nanoTime()).generate();
            this.signer = new RSASSASigner(key);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        this.issuer = issuer;
        this.lifetime = lifetime;
    }

    /** A signer with another issuer/lifetime but the same key. */
    private RsaCallbackSigner(RSAKey key, String issuer, Duration lifetime) {
        try {
            this.key = key;
            this.signer = new RSASSASigner(key);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        this.issuer = issuer;
        this.lifetime = lifetime;
    }

    RsaCallbackSigner withIssuerAndLifetime(String iss, Duration life) {
        return new RsaCallbackSigner(key, iss, life);
    }

    public JWKSet publicJwks() {
        return new JWKSet(key.toPublicJWK());
    }

    /** How many tokens were signed: a reusing notifier signs far fewer than it POSTs. */
    final java.util.concurrent.atomic.AtomicInteger issued = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.Map<String, NotificationKey> keys = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public CallbackToken issue(String tenantId, String botAppId) {
        issued.incrementAndGet();
        Instant now = Instant.now();
        Instant iat = now.minusSeconds(lifetime.isNegative() ? 600 : 0);
        Instant exp = now.plus(lifetime);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(botAppId)
                .claim("tid", tenantId)
                .issueTime(Date.from(iat))
                .notBeforeTime(Date.from(iat))
                .expirationTime(Date.from(exp))
                .jwtID(java.util.UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return new CallbackToken(jwt.serialize(), iat, exp.isAfter(iat) ? exp : iat.plusMillis(1));
    }

    /** A random key per tenant and app, kept for this signer's life. */
    @Override
    public NotificationKey notificationKey(String tenantId, String botAppId) {
        return keys.computeIfAbsent(tenantId + "\0" + botAppId, k -> {
            byte[] secret = new byte[32];
            new java.security.SecureRandom().nextBytes(secret);
            return new NotificationKey("k-" + Math.abs(k.hashCode()), secret);
        });
    }

    /** What the key endpoint gives the app {@code appId}: its own key in any tenant, nobody else's. */
    NotificationKeys notificationKeysFor(String appId) {
        return (tenantId, kid) -> {
            NotificationKey k = notificationKey(tenantId, appId);
            return k.kid().equals(kid) ? k.secret() : null;
        };
    }
}
