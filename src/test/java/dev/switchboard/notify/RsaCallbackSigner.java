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
import java.util.Base64;
import java.util.Date;

/** A real RS256 callback signer for tests, shaped like the embedded authority's: iss, aud, tid, iat, exp, sha256. */
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

    @Override
    public String sign(String tenantId, String botAppId, byte[] bodySha256) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(botAppId)
                .claim("tid", tenantId)
                .issueTime(Date.from(now.minusSeconds(lifetime.isNegative() ? 600 : 0)))
                .notBeforeTime(Date.from(now.minusSeconds(lifetime.isNegative() ? 600 : 0)))
                .expirationTime(Date.from(now.plus(lifetime)))
                .claim("sha256", Base64.getEncoder().encodeToString(bodySha256))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
