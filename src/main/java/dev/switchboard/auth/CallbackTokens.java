package dev.switchboard.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.JWTClaimsSet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;

/**
 * Signs the bearer tokens of webhook requests to a bot's {@code callbackUri} with the {@link CallbackSigningKey} (RS256 or ES256)
 * (published in every tenant's JWKS, {@code /{tenant}/discovery/v2.0/keys}). Claims: {@code iss} (configurable,
 * default {@code https://api.botframework.com}), {@code aud} = the bot's app id, {@code tid}, {@code iat},
 * {@code nbf}, {@code exp} (default 5 min) and {@code jti}, as Graph's (no body claim: the notifier reuses one token per
 * bot until half its life is over), and derives each bot's notification key, the HMAC secret that signs bodies
 * ({@code X-Switchboard-Signature}). Thread-safe.
 */
public final class CallbackTokens {
    private final CallbackSigningKey key;
    private final Clock clock;
    private final String issuer;
    private final Duration lifetime;
    private final byte[] master;

    public CallbackTokens(CallbackSigningKey key, Clock clock, String issuer, Duration lifetime) {
        this.key = key;
        this.clock = clock;
        this.issuer = issuer;
        this.lifetime = lifetime;
        this.master = sha256("switchboard notification master v1\0".getBytes(StandardCharsets.UTF_8), key.privateKeyBytes());
    }

    /**
     * A fresh callback token for one bot: no body claim, so the notifier may reuse it for that bot's POSTs (the body
     * is signed separately with {@link #notificationKey}).
     *
     * @return the compact JWS, its {@code iat} and its {@code exp}
     * @throws IllegalStateException when signing fails
     */
    public Signed issue(String tenantId, String botAppId) {
        Instant now = clock.instant();
        Instant expires = now.plus(lifetime);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(botAppId)
                .claim("tid", tenantId)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(expires))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(key.algorithm()).type(JOSEObjectType.JWT)
                .keyID(key.kid()).build(), claims);
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a callback token", e);
        }
        return new Signed(jwt.serialize(), now, expires);
    }

    /**
     * The bot's notification key: HMAC-SHA256 secret = HMAC-SHA256(master, "switchboard notification key v1" 0x00
     * tenantId 0x00 appId), where master = SHA-256 of a label and the callback signing key's private half. So every
     * node of a cluster (same callback key) derives the same key, it survives restarts, changes with the callback key,
     * and differs per app and tenant. {@code kid} = the first 16 base64url characters of SHA-256(secret).
     */
    public NotificationKeyMaterial notificationKey(String tenantId, String botAppId) {
        byte[] secret = hmac(master, "switchboard notification key v1\0" + tenantId + "\0" + botAppId);
        String kid = Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(secret)).substring(0, 16);
        return new NotificationKeyMaterial(kid, secret);
    }

    /** A signed callback token and its validity. */
    public record Signed(String jwt, Instant issuedAt, Instant expiresAt) {
    }

    /** A notification key: its id and its 32-byte secret. */
    public record NotificationKeyMaterial(String kid, byte[] secret) {
        @Override
        public String toString() {
            return "NotificationKeyMaterial[kid=" + kid + "]";
        }
    }

    private static byte[] hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    public String issuer() {
        return issuer;
    }
}
