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
import java.text.ParseException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.Objects;
import java.util.Set;

/**
 * For bot developers: checks that a notification request really comes from Switchboard, for this app, and that its
 * body, {@code X-Switchboard-Notification-Id} and {@code X-Switchboard-Sequence} were not changed.
 * <ol>
 *   <li>The bearer JWT (Graph-shaped, reused by the server for many POSTs to the same bot): signature against the
 *       JWKS, {@code exp}/{@code iat} (60 s clock skew), {@code aud} = the app id, {@code iss} in the accepted set,
 *       {@code tid} required. A token already verified is remembered until it expires, so a reused token costs one
 *       RSA verification, not one per POST.</li>
 *   <li>The body signature {@link NotificationSignature#HEADER}: HMAC-SHA256 under the app's notification key for the
 *       token's tenant ({@link NotificationKeys}), over the id, the sequence and the exact body bytes.</li>
 * </ol>
 *
 * <pre>{@code
 * var verifier = NotificationVerifier.forJwksUrl(
 *         new URL(base + "/" + tenantId + "/discovery/v2.0/keys"), appId, NotificationVerifier.DEFAULT_ISSUERS,
 *         NotificationKeys.fetchedFrom(URI.create(base), tenant -> myAppToken(tenant)));
 * String tenant = verifier.verify(request::getHeader, bodyBytes); // throws when not genuine
 * }</pre>
 *
 * Thread-safe; a JWKS fetched by URL is cached and refreshed by Nimbus (on an unknown key id too).
 */
public final class NotificationVerifier {
    /** The issuer Switchboard uses by default, the one existing Graph calling bots already accept. */
    public static final Set<String> DEFAULT_ISSUERS = Set.of("https://api.botframework.com");
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.ES256);
    private static final int MAX_REMEMBERED_TOKENS = 1024;
    private static final long CLOCK_SKEW_MILLIS = 60_000;

    /** A token that passed every check: its tenant, and until when it may be accepted without checking again. */
    private record Verified(String tenant, long acceptUntilMillis) {
    }

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final Set<String> acceptedIssuers;
    private final NotificationKeys bodyKeys;
    private final ConcurrentHashMap<String, Verified> verifiedTokens = new ConcurrentHashMap<>();

    /**
     * @param keys            where the token signing keys come from
     * @param expectedAppId   the bot's app id: the only accepted {@code aud}
     * @param acceptedIssuers accepted {@code iss} values, not empty
     * @param bodyKeys        where the notification keys come from
     */
    public NotificationVerifier(JWKSource<SecurityContext> keys, String expectedAppId, Set<String> acceptedIssuers,
                                NotificationKeys bodyKeys) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(expectedAppId, "expectedAppId");
        this.bodyKeys = Objects.requireNonNull(bodyKeys, "bodyKeys");
        if (acceptedIssuers == null || acceptedIssuers.isEmpty()) {
            throw new IllegalArgumentException("acceptedIssuers must name at least one issuer");
        }
        this.acceptedIssuers = Set.copyOf(acceptedIssuers);
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(Set.of(expectedAppId), null,
                Set.of("iss", "aud", "exp", "iat", "tid"), null));
    }

    /** Keys fetched from a JWKS URL (Switchboard: {@code {base}/{tenant}/discovery/v2.0/keys}), 5 s timeouts. */
    public static NotificationVerifier forJwksUrl(URL jwksUrl, String expectedAppId, Set<String> acceptedIssuers,
                                                  NotificationKeys bodyKeys) {
        JWKSource<SecurityContext> source = JWKSourceBuilder.<SecurityContext>create(jwksUrl,
                new DefaultResourceRetriever(5_000, 5_000, 512 * 1024)).build();
        return new NotificationVerifier(source, expectedAppId, acceptedIssuers, bodyKeys);
    }

    /** Keys given directly (e.g. loaded once at start-up). */
    public static NotificationVerifier forJwkSet(JWKSet keys, String expectedAppId, Set<String> acceptedIssuers,
                                                 NotificationKeys bodyKeys) {
        return new NotificationVerifier(new ImmutableJWKSet<>(keys), expectedAppId, acceptedIssuers, bodyKeys);
    }

    /**
     * @param headers the request's headers by name (case-insensitive as HTTP's), e.g. {@code request::getHeader};
     *                returns null for a missing header
     * @param body    the exact bytes of the request body, before any parsing
     * @return the tenant id ({@code tid}) the notification is for
     * @throws NotificationVerificationException when the token is missing, malformed, badly signed, expired, for
     *                                           another app or issuer, or the body signature is missing or wrong
     */
    public String verify(Function<String, String> headers, byte[] body) throws NotificationVerificationException {
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
        String tenant = verifyToken(headers.apply("Authorization"));
        String signature = headers.apply(NotificationSignature.HEADER);
        String kid = NotificationSignature.kid(signature);
        if (kid == null) {
            throw new NotificationVerificationException("missing or unreadable " + NotificationSignature.HEADER + " header");
        }
        byte[] secret = bodyKeys.secret(tenant, kid);
        if (secret == null) {
            throw new NotificationVerificationException("no notification key '" + kid + "' for this app in its tenant");
        }
        if (!NotificationSignature.matches(signature, secret, headers.apply(WebhookNotifier.NOTIFICATION_ID_HEADER),
                headers.apply(WebhookNotifier.SEQUENCE_HEADER), body)) {
            throw new NotificationVerificationException("notification body, id or sequence does not match its signature");
        }
        return tenant;
    }

    /** Checks the bearer token (or finds it among those checked before) and returns its tenant. */
    private String verifyToken(String authorizationHeader) throws NotificationVerificationException {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new NotificationVerificationException("missing Authorization: Bearer token");
        }
        String jwt = authorizationHeader.substring(7).trim();
        long now = System.currentTimeMillis();
        Verified known = verifiedTokens.get(jwt);
        if (known != null && now < known.acceptUntilMillis) {
            return known.tenant;
        }
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
        try {
            tenant = claims.getStringClaim("tid");
        } catch (ParseException e) {
            throw new NotificationVerificationException("notification token claim tid must be a string", e);
        }
        if (verifiedTokens.size() >= MAX_REMEMBERED_TOKENS) {
            verifiedTokens.values().removeIf(v -> now >= v.acceptUntilMillis);
            if (verifiedTokens.size() >= MAX_REMEMBERED_TOKENS) {
                verifiedTokens.clear();
            }
        }
        verifiedTokens.put(jwt, new Verified(tenant, claims.getExpirationTime().getTime() + CLOCK_SKEW_MILLIS));
        return tenant;
    }
}
