package dev.switchboard.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.error.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies bearer tokens as strictly as Microsoft Graph: a compact JWS signed RS256 (the algorithm is pinned: no
 * {@code none}, no HMAC, no other RSA/EC variant) by a key of a trusted issuer, {@code iss} trusted and {@code tid}
 * matching it, {@code exp}/{@code nbf} within the clock skew, {@code aud} Graph's (either form).
 *
 * <p>Verified tokens are remembered by their complete compact form (header, payload and signature, so a changed
 * byte anywhere is a different entry and goes through full verification); a remembered token is still checked for
 * {@code exp}/{@code nbf} and for its key still being published on every use. Thread-safe; request threads
 * (docs/concurrency.md).
 *
 * <p>Why this class is longer than ~300 lines: every refusal has its own reason (a metric tag) and a message that
 * tells the bot's developer what to fix, and Graph's checks are many; they read as one ordered list here.
 */
public final class TokenVerifier implements BearerAuthenticator {
    private static final ObjectMapper JSON = AuthJson.JSON;
    private static final Base64.Decoder B64URL = Base64.getUrlDecoder();
    private static final int MAX_TOKEN_CHARS = 16 * 1024;
    private static final ThreadLocal<Signature> RS256 = ThreadLocal.withInitial(() -> {
        try {
            return Signature.getInstance("SHA256withRSA");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA256withRSA is not available", e);
        }
    });

    private final List<TrustedIssuer> issuers;
    private final AuthMetrics metrics;
    private final Clock clock;
    private final long skewMillis;
    private final int cacheLimit;
    private final ConcurrentHashMap<String, Verified> cache = new ConcurrentHashMap<>();

    /** Why a token was refused; the tag of the {@code switchboard.auth.bearer.rejected} counter. */
    public enum Reason {
        MISSING, SCHEME, MALFORMED, ALGORITHM, HEADER, ISSUER, TENANT, UNKNOWN_KEY, SIGNATURE, EXPIRED, NOT_YET_VALID,
        AUDIENCE, CLAIMS
    }

    /** Internal carrier of a refusal until it becomes the one public error type at the boundary. */
    private static final class Rejected extends RuntimeException {
        final Reason reason;

        Rejected(Reason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }

    private record Verified(Principal principal, long expMillis, long nbfMillis, TrustedIssuer issuer, String kid) {
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
        this.cacheLimit = cacheLimit;
    }

    @Override
    public Principal authenticate(String authorizationHeader) {
        try {
            return fromHeader(authorizationHeader);
        } catch (Rejected r) {
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
        } catch (Rejected r) {
            throw reject(r);
        }
    }

    private SwitchboardException reject(Rejected r) {
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
        remember(token, v);
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
        JsonNode header = decodeJson(token, 0, dot1);
        JsonNode claims = decodeJson(token, dot1 + 1, dot2);
        checkHeader(header);
        String kid = header.get("kid").asText();
        String iss = text(claims, "iss");
        String tid = text(claims, "tid");
        if (iss == null) {
            throw invalid(Reason.ISSUER, "The token has no issuer (iss).");
        }
        TrustedIssuer issuer = findIssuer(iss, tid);
        RSAPublicKey key = issuer.key(kid);
        if (key == null) {
            throw invalid(Reason.UNKNOWN_KEY, "The token's signing key (kid) is not published by its issuer.");
        }
        checkSignature(token, dot2, key);
        long exp = seconds(claims, "exp", true);
        long nbf = seconds(claims, "nbf", false);
        long expMillis = toMillis(exp);
        long nbfMillis = nbf == Long.MIN_VALUE ? Long.MIN_VALUE : toMillis(nbf);
        checkTimes(now, expMillis, nbfMillis);
        checkAudience(claims.get("aud"));
        return new Verified(principal(claims, tid, issuer), expMillis, nbfMillis, issuer, kid);
    }

    private static void checkHeader(JsonNode header) {
        JsonNode alg = header.get("alg");
        if (alg == null || !alg.isTextual()) {
            throw invalid(Reason.ALGORITHM, "The token header has no signing algorithm (alg).");
        }
        if (!"RS256".equals(alg.asText())) {
            if ("none".equalsIgnoreCase(alg.asText())) {
                throw invalid(Reason.ALGORITHM, "Unsigned tokens (alg none) are not accepted.");
            }
            throw invalid(Reason.ALGORITHM, "The token's signing algorithm is not accepted; tokens must be signed with RS256.");
        }
        if (header.has("crit")) {
            throw invalid(Reason.HEADER, "The token header has critical extensions (crit) that are not supported.");
        }
        JsonNode typ = header.get("typ");
        if (typ != null && !(typ.isTextual() && (typ.asText().equalsIgnoreCase("JWT") || typ.asText().equalsIgnoreCase("at+jwt")))) {
            throw invalid(Reason.HEADER, "The token's type (typ) is not JWT.");
        }
        JsonNode kid = header.get("kid");
        if (kid == null || !kid.isTextual() || kid.asText().isEmpty()) {
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

    private static void checkSignature(String token, int dot2, RSAPublicKey key) {
        byte[] sig;
        try {
            sig = B64URL.decode(token.substring(dot2 + 1));
        } catch (IllegalArgumentException e) {
            throw malformed();
        }
        if (sig.length != (key.getModulus().bitLength() + 7) / 8) {
            throw invalid(Reason.SIGNATURE, "The token's signature is invalid.");
        }
        boolean ok;
        try {
            Signature s = RS256.get();
            s.initVerify(key);
            s.update(token.substring(0, dot2).getBytes(StandardCharsets.US_ASCII));
            ok = s.verify(sig);
        } catch (GeneralSecurityException e) {
            ok = false;
        }
        if (!ok) {
            throw invalid(Reason.SIGNATURE, "The token's signature is invalid.");
        }
    }

    private void checkTimes(long now, long expMillis, long nbfMillis) {
        if (now > expMillis + skewMillis) {
            throw invalid(Reason.EXPIRED, "The token is expired.");
        }
        if (nbfMillis != Long.MIN_VALUE && now < nbfMillis - skewMillis) {
            throw invalid(Reason.NOT_YET_VALID, "The token is not yet valid (nbf is in the future).");
        }
    }

    private static void checkAudience(JsonNode aud) {
        if (aud != null && aud.isTextual() && GraphAudience.ALL.contains(aud.asText())) {
            return;
        }
        if (aud != null && aud.isArray()) {
            for (JsonNode a : aud) {
                if (a.isTextual() && GraphAudience.ALL.contains(a.asText())) {
                    return;
                }
            }
        }
        throw invalid(Reason.AUDIENCE, "The token's audience (aud) is not Microsoft Graph.");
    }

    private static Principal principal(JsonNode claims, String tid, TrustedIssuer issuer) {
        if (tid == null || tid.isEmpty()) {
            throw invalid(Reason.CLAIMS, "The token has no tenant (tid).");
        }
        String appId = text(claims, "appid");
        if (appId == null) {
            appId = text(claims, "azp");
        }
        if (appId == null) {
            throw invalid(Reason.CLAIMS, "The token names no client application (appid/azp).");
        }
        String idtyp = text(claims, "idtyp");
        String scp = text(claims, "scp");
        boolean appOnly = idtyp != null ? "app".equals(idtyp) : scp == null;
        if (idtyp != null && !idtyp.equals("app") && !idtyp.equals("user")) {
            throw invalid(Reason.CLAIMS, "The token's identity type (idtyp) is not supported.");
        }
        if (appOnly) {
            if (scp != null) {
                throw invalid(Reason.CLAIMS, "An application token must not carry delegated scopes (scp).");
            }
            return Principal.app(tid, appId, issuer.appDisplayName(tid, appId, claims), stringSet(claims.get("roles")));
        }
        String oid = text(claims, "oid");
        if (oid == null) {
            throw invalid(Reason.CLAIMS, "A user token must name its user (oid).");
        }
        if (claims.has("roles")) {
            throw invalid(Reason.CLAIMS, "A user token must not carry application roles.");
        }
        Set<String> scopes = scp == null || scp.isBlank() ? Set.of() : Set.of(scp.strip().split("\\s+"));
        return Principal.user(tid, appId, oid, text(claims, "name"), scopes);
    }

    private static Set<String> stringSet(JsonNode array) {
        if (array == null) {
            return Set.of();
        }
        if (!array.isArray()) {
            throw invalid(Reason.CLAIMS, "The token's roles claim is not a list.");
        }
        Set<String> out = new HashSet<>();
        for (JsonNode n : array) {
            if (!n.isTextual()) {
                throw invalid(Reason.CLAIMS, "The token's roles claim is not a list of strings.");
            }
            out.add(n.asText());
        }
        return out;
    }

    private static JsonNode decodeJson(String token, int from, int to) {
        try {
            byte[] bytes = B64URL.decode(token.substring(from, to));
            JsonNode n = JSON.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw malformed();
            }
            return n;
        } catch (IllegalArgumentException | JsonProcessingException e) {
            throw malformed();
        } catch (java.io.IOException e) {
            throw malformed();
        }
    }

    private static String text(JsonNode claims, String name) {
        JsonNode n = claims.get(name);
        return n != null && n.isTextual() ? n.asText() : null;
    }

    /** @return the numeric date in seconds, or {@code Long.MIN_VALUE} when optional and absent */
    private static long seconds(JsonNode claims, String name, boolean required) {
        JsonNode n = claims.get(name);
        if (n == null) {
            if (required) {
                throw invalid(Reason.CLAIMS, "The token has no expiry (" + name + ").");
            }
            return Long.MIN_VALUE;
        }
        if (!n.isNumber()) {
            throw invalid(Reason.CLAIMS, "The token's " + name + " claim is not a number.");
        }
        return n.asLong();
    }

    /** Seconds to milliseconds, saturating instead of overflowing (a far-future date stays far in the future). */
    private static long toMillis(long seconds) {
        if (seconds > Long.MAX_VALUE / 1000) {
            return Long.MAX_VALUE / 2;
        }
        if (seconds < Long.MIN_VALUE / 1000 + 1) {
            return Long.MIN_VALUE / 2;
        }
        return seconds * 1000;
    }

    private void remember(String token, Verified v) {
        if (cacheLimit <= 0) {
            return;
        }
        if (cache.size() >= cacheLimit) {
            long now = clock.millis();
            cache.values().removeIf(e -> now > e.expMillis() + skewMillis);
            if (cache.size() >= cacheLimit) {
                cache.clear();
            }
        }
        cache.put(token, v);
    }

    private static Rejected malformed() {
        return invalid(Reason.MALFORMED, "The token is malformed: it is not a compact JWS (header.payload.signature) of JSON objects.");
    }

    private static Rejected invalid(Reason reason, String message) {
        return new Rejected(reason, message);
    }
}
