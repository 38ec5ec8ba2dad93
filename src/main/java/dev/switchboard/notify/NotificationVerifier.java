package dev.switchboard.notify;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import java.net.URL;
import java.security.MessageDigest;
import java.text.ParseException;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;

/**
 * For bot developers: checks that a notification request really comes from Switchboard, for this app, and
 * that its body was not changed. Verifies the bearer JWT's signature against the JWKS, {@code exp}/{@code iat}
 * (60 s clock skew), {@code aud} = the app id, {@code iss} in the accepted set, requires {@code tid}, and
 * compares the {@code sha256} claim with the SHA-256 of the exact body bytes.
 *
 * <pre>{@code
 * var verifier = NotificationVerifier.forJwksUrl(
 *         new URL("http://127.0.0.1:8080/" + tenantId + "/discovery/v2.0/keys"),
 *         appId, NotificationVerifier.DEFAULT_ISSUERS);
 * String tenant = verifier.verify(request.getHeader("Authorization"), bodyBytes); // throws when not genuine
 * }</pre>
 *
 * Thread-safe; a JWKS fetched by URL is cached and refreshed by Nimbus (on an unknown key id too).
 */
public final class NotificationVerifier {
    /** The issuer Switchboard uses by default, the one existing Graph calling bots already accept. */
    public static final Set<String> DEFAULT_ISSUERS = Set.of("https://api.botframework.com");
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.ES256);

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final Set<String> acceptedIssuers;

    /**
     * @param keys            where the signing keys come from
     * @param expectedAppId   the bot's app id: the only accepted {@code aud}
     * @param acceptedIssuers accepted {@code iss} values, not empty
     */
    public NotificationVerifier(JWKSource<SecurityContext> keys, String expectedAppId, Set<String> acceptedIssuers) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(expectedAppId, "expectedAppId");
        if (acceptedIssuers == null || acceptedIssuers.isEmpty()) {
            throw new IllegalArgumentException("acceptedIssuers must name at least one issuer");
        }
        this.acceptedIssuers = Set.copyOf(acceptedIssuers);
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(Set.of(expectedAppId), null,
                Set.of("iss", "aud", "exp", "iat", "tid", "sha256"), null));
    }

    /** Keys fetched from a JWKS URL (Switchboard: {@code {base}/{tenant}/discovery/v2.0/keys}), 5 s timeouts. */
    public static NotificationVerifier forJwksUrl(URL jwksUrl, String expectedAppId, Set<String> acceptedIssuers) {
        JWKSource<SecurityContext> source = JWKSourceBuilder.<SecurityContext>create(jwksUrl,
                new DefaultResourceRetriever(5_000, 5_000, 512 * 1024)).build();
        return new NotificationVerifier(source, expectedAppId, acceptedIssuers);
    }

    /** Keys given directly (e.g. loaded once at start-up). */
    public static NotificationVerifier forJwkSet(JWKSet keys, String expectedAppId, Set<String> acceptedIssuers) {
        return new NotificationVerifier(new ImmutableJWKSet<>(keys), expectedAppId, acceptedIssuers);
    }

    /**
     * @param authorizationHeader the request's {@code Authorization} header value ({@code Bearer <jwt>})
     * @param body                the exact bytes of the request body, before any parsing
     * @return the tenant id ({@code tid}) the notification is for
     * @throws NotificationVerificationException when the token is missing, malformed, badly signed, expired, for
     *                                           another app or issuer, or the body does not match its hash
     */
    public String verify(String authorizationHeader, byte[] body) throws NotificationVerificationException {
        Objects.requireNonNull(body, "body");
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new NotificationVerificationException("missing Authorization: Bearer token");
        }
        String jwt = authorizationHeader.substring(7).trim();
        JWTClaimsSet claims;
        try {
            claims = processor.process(jwt, null);
        } catch (ParseException e) {
            throw new NotificationVerificationException("notification token is not a JWT", e);
        } catch (BadJOSEException e) {
            throw new NotificationVerificationException("notification token rejected: " + e.getMessage(), e);
        } catch (JOSEException e) {
            throw new NotificationVerificationException("notification token could not be checked: " + e.getMessage(), e);
        }
        if (!acceptedIssuers.contains(claims.getIssuer())) {
            throw new NotificationVerificationException("notification token issuer '" + claims.getIssuer() + "' is not accepted");
        }
        String tenant;
        String claimedHash;
        try {
            tenant = claims.getStringClaim("tid");
            claimedHash = claims.getStringClaim("sha256");
        } catch (ParseException e) {
            throw new NotificationVerificationException("notification token claims tid/sha256 must be strings", e);
        }
        byte[] expected = Delivery.sha256(body);
        if (!MessageDigest.isEqual(expected, decode(claimedHash))) {
            throw new NotificationVerificationException("notification body does not match the token's sha256 claim");
        }
        return tenant;
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            try {
                return Base64.getUrlDecoder().decode(base64);
            } catch (IllegalArgumentException e2) {
                return new byte[0];
            }
        }
    }
}
