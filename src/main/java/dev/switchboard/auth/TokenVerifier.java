package dev.switchboard.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.switchboard.auth.VerifiedTokens.Verified;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.error.ErrorCode;

import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static dev.switchboard.auth.TokenClaims.decodeJson;
import static dev.switchboard.auth.TokenClaims.principal;
import static dev.switchboard.auth.TokenClaims.seconds;
import static dev.switchboard.auth.TokenClaims.text;
import static dev.switchboard.auth.TokenClaims.toMillis;
import static dev.switchboard.auth.TokenRefusal.invalid;
import static dev.switchboard.auth.TokenRefusal.malformed;

/**
 * Verifies bearer tokens as strictly as Microsoft Graph: a compact JWS signed RS256 (the algorithm is pinned: no
 * {@code none}, no HMAC, no other RSA/EC variant) by a key of a trusted issuer, {@code iss} trusted and {@code tid}
 * matching it, {@code exp}/{@code nbf} within the clock skew, {@code aud} Graph's (either form).
 *
 * <p>Nimbus does the JOSE work: {@link DefaultJWTProcessor} with a key selector that accepts only RS256 and only the
 * key its trusted issuer publishes under the token's {@code kid}, and a claims verifier for times and audience.
 * What Nimbus would answer with one generic message (a malformed part, {@code alg none}, {@code crit}) is checked
 * before it, so every refusal keeps its own {@link Reason} and message.
 *
 * <p>Verified tokens are remembered by their complete compact form ({@link VerifiedTokens}); a remembered token is
 * still checked for {@code exp}/{@code nbf} and for its key still being published on every use. Thread-safe; request
 * threads (docs/concurrency.md).
 *
 * <p>Every refusal has its own reason (a metric tag) and a message that tells the bot's developer what to fix
 * ({@link TokenRefusal}). The checks read as one ordered list here, around the Nimbus processor; reading the claims
 * and the principal they name is {@link TokenClaims}.
 */
public final class TokenVerifier implements BearerAuthenticator {
    private static final Base64.Decoder B64URL = Base64.getUrlDecoder();
    private static final int MAX_TOKEN_CHARS = 16 * 1024;

    private final List<TrustedIssuer> issuers;
    private final AuthMetrics metrics;
    private final Clock clock;
    private final long skewMillis;
    private final VerifiedTokens cache;
    private final DefaultJWTProcessor<Checking> processor = new DefaultJWTProcessor<>();
    private final TokenHeaders headers = new TokenHeaders();

    /** Why a token was refused; the tag of the {@code switchboard.auth.bearer.rejected} counter. */
    public enum Reason {
        MISSING, SCHEME, MALFORMED, ALGORITHM, HEADER, ISSUER, TENANT, UNKNOWN_KEY, SIGNATURE, EXPIRED, NOT_YET_VALID,
        AUDIENCE, CLAIMS
    }

    /**
     * One verification in progress, handed through Nimbus to the key selector and the claims verifier: the raw
     * claims (numbers as JSON gave them, so far-future dates cannot overflow), the time, and the issuer found.
     */
    private static final class Checking implements SecurityContext {
        final Map<String, Object> claims;
        final long now;
        TrustedIssuer issuer;

        Checking(Map<String, Object> claims, long now) {
            this.claims = claims;
            this.now = now;
        }
    }

    /**
     * @param issuers    the trusted issuers, asked in order
     * @param clock      the time source
     * @param clockSkew  tolerance for {@code exp} and {@code nbf}
     * @param cacheLimit how many verified tokens to remember; 0 disables remembering
     */
    public TokenVerifier(List<TrustedIssuer> issuers, Clock clock, Duration clockSkew, int cacheLimit) {
        this(issuers, clock, clockSkew, cacheLimit, AuthMetrics.none());
    }

    /** @param metrics counts refusals by {@link Reason} */
    public TokenVerifier(List<TrustedIssuer> issuers, Clock clock, Duration clockSkew, int cacheLimit, AuthMetrics metrics) {
        this.metrics = metrics;
        this.issuers = List.copyOf(issuers);
        this.clock = clock;
        this.skewMillis = clockSkew.toMillis();
        this.cache = new VerifiedTokens(clock, skewMillis, cacheLimit);
        processor.setJWSTypeVerifier((type, context) -> { }); // typ is checked with the header, case-insensitively
        processor.setJWSVerifierFactory(new Rs256Verifiers());
        processor.setJWTClaimsSetAwareJWSKeySelector((header, claimsSet, context) -> {
            if (!JWSAlgorithm.RS256.equals(header.getAlgorithm())) {
                throw invalid(Reason.ALGORITHM, "The token's signing algorithm is not accepted; tokens must be signed with RS256.");
            }
            return List.of(keyOf(context, header.getKeyID()));
        });
        processor.setJWTClaimsSetVerifier((claimsSet, context) -> checkClaims(context));
    }

    @Override
    public Principal authenticate(String authorizationHeader) {
        try {
            return fromHeader(authorizationHeader);
        } catch (TokenRefusal r) {
            throw reject(r);
        }
    }

    /**
     * Verifies a compact JWS.
     *
     * @throws SwitchboardException {@code INVALID_AUTHENTICATION_TOKEN} saying what was wrong
     */
    public Principal verify(String token) {
        try {
            return fromToken(token);
        } catch (TokenRefusal r) {
            throw reject(r);
        }
    }

    private SwitchboardException reject(TokenRefusal r) {
        metrics.rejected(r.reason);
        return new SwitchboardException(ErrorCode.INVALID_AUTHENTICATION_TOKEN, r.getMessage());
    }

    private Principal fromHeader(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            throw invalid(Reason.MISSING, "Access token is empty: the request has no Authorization header.");
        }
        String h = authorizationHeader.strip();
        if (h.equalsIgnoreCase("Bearer")) {
            throw invalid(Reason.MISSING, "Access token is empty: the Bearer scheme carries no token.");
        }
        if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw invalid(Reason.SCHEME, "The Authorization header must use the Bearer scheme.");
        }
        return fromToken(h.substring(7).strip());
    }

    private Principal fromToken(String token) {
        long now = clock.millis();
        Verified known = cache.get(token);
        if (known != null && known.issuer().stillPublishes(known.kid())) {
            checkTimes(now, known.expMillis(), known.nbfMillis());
            return known.principal();
        }
        Verified v = verifyFully(token, now);
        cache.remember(token, v);
        return v.principal();
    }

    private Verified verifyFully(String token, long now) {
        if (token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            throw malformed();
        }
        int dot1 = token.indexOf('.');
        int dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
        if (dot1 <= 0 || dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0) {
            throw malformed();
        }
        Checking checking = new Checking(decodeJson(token, dot1 + 1, dot2), now);
        String headerSegment = token.substring(0, dot1);
        JWSHeader header;
        JWTClaimsSet claimsSet;
        try {
            B64URL.decode(token.substring(dot2 + 1)); // Nimbus decodes leniently: refuse what is not base64url
            header = headers.parse(headerSegment);
            claimsSet = JWTClaimsSet.parse(checking.claims);
        } catch (ParseException e) {
            checkHeader(decodeJson(token, 0, dot1)); // not a JWS header: say why when it is alg none, no alg, ...
            throw malformed();
        } catch (IllegalArgumentException e) {
            throw malformed();
        }
        checkHeader(header);
        long exp = seconds(checking.claims, "exp", true);
        seconds(checking.claims, "nbf", false);
        try {
            processor.process(new ReceivedJwt(header, token, dot1, dot2, claimsSet), checking);
        } catch (BadJWSException e) {
            throw invalid(Reason.SIGNATURE, "The token's signature is invalid.");
        } catch (BadJOSEException | JOSEException e) {
            throw malformed();
        }
        headers.remember(headerSegment, header);
        String tid = text(checking.claims, "tid");
        long nbf = seconds(checking.claims, "nbf", false);
        return new Verified(principal(checking.claims, tid, checking.issuer), toMillis(exp),
                nbf == Long.MIN_VALUE ? Long.MIN_VALUE : toMillis(nbf), checking.issuer, header.getKeyID());
    }

    /** The key selector's work: the trusted issuer of {@code iss}/{@code tid}, and its key for {@code kid}. */
    private RSAPublicKey keyOf(Checking checking, String kid) {
        String iss = text(checking.claims, "iss");
        if (iss == null) {
            throw invalid(Reason.ISSUER, "The token has no issuer (iss).");
        }
        TrustedIssuer issuer = findIssuer(iss, text(checking.claims, "tid"));
        RSAPublicKey key = issuer.key(kid);
        if (key == null) {
            throw invalid(Reason.UNKNOWN_KEY, "The token's signing key (kid) is not published by its issuer.");
        }
        checking.issuer = issuer;
        return key;
    }

    /** The claims verifier's work, after the signature: times within the skew, Graph's audience. */
    private void checkClaims(Checking checking) {
        long exp = seconds(checking.claims, "exp", true);
        long nbf = seconds(checking.claims, "nbf", false);
        checkTimes(checking.now, toMillis(exp), nbf == Long.MIN_VALUE ? Long.MIN_VALUE : toMillis(nbf));
        TokenClaims.checkAudience(checking.claims.get("aud"));
    }

    private static void checkHeader(JWSHeader header) {
        String typ = header.getType() == null ? null : header.getType().getType();
        check(header.getAlgorithm().getName(), header.getCriticalParams() != null, typ, header.getKeyID());
    }

    private static void checkHeader(Map<String, Object> header) {
        Object typ = header.get("typ");
        check(header.get("alg") instanceof String a ? a : null, header.containsKey("crit"),
                typ == null ? null : typ instanceof String t ? t : "", header.get("kid") instanceof String k ? k : null);
    }

    /** @param typ null when absent, "" when not a string */
    private static void check(String alg, boolean crit, String typ, String kid) {
        if (alg == null) {
            throw invalid(Reason.ALGORITHM, "The token header has no signing algorithm (alg).");
        }
        if (!"RS256".equals(alg)) {
            if ("none".equalsIgnoreCase(alg)) {
                throw invalid(Reason.ALGORITHM, "Unsigned tokens (alg none) are not accepted.");
            }
            throw invalid(Reason.ALGORITHM, "The token's signing algorithm is not accepted; tokens must be signed with RS256.");
        }
        if (crit) {
            throw invalid(Reason.HEADER, "The token header has critical extensions (crit) that are not supported.");
        }
        if (typ != null && !(typ.equalsIgnoreCase("JWT") || typ.equalsIgnoreCase("at+jwt"))) {
            throw invalid(Reason.HEADER, "The token's type (typ) is not JWT.");
        }
        if (kid == null || kid.isEmpty()) {
            throw invalid(Reason.HEADER, "The token header has no key id (kid).");
        }
    }

    private TrustedIssuer findIssuer(String iss, String tid) {
        boolean mismatch = false;
        for (TrustedIssuer i : issuers) {
            switch (i.match(iss, tid)) {
                case ACCEPTED -> {
                    return i;
                }
                case TENANT_MISMATCH -> mismatch = true;
                case NOT_MINE -> {
                }
            }
        }
        if (mismatch) {
            throw invalid(Reason.TENANT, "The token's tenant (tid) does not match its issuer.");
        }
        throw invalid(Reason.ISSUER, "The token's issuer (iss) is not trusted.");
    }

    private void checkTimes(long now, long expMillis, long nbfMillis) {
        if (now > expMillis + skewMillis) {
            throw invalid(Reason.EXPIRED, "The token is expired.");
        }
        if (nbfMillis != Long.MIN_VALUE && now < nbfMillis - skewMillis) {
            throw invalid(Reason.NOT_YET_VALID, "The token is not yet valid (nbf is in the future).");
        }
    }
}
