package dev.switchboard.auth;

import dev.switchboard.auth.TokenVerifier.Reason;

import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.switchboard.auth.TokenRefusal.invalid;
import static dev.switchboard.auth.TokenRefusal.malformed;

/**
 * Reading a token's JSON claims for {@link TokenVerifier}: the payload decoded with numbers as written (so far-future
 * dates cannot overflow), typed claim reads that refuse a wrong type with their own message, Graph's audience, and the
 * {@link Principal} the claims name.
 */
final class TokenClaims {
    private static final Base64.Decoder B64URL = Base64.getUrlDecoder();

    private TokenClaims() {
    }

    /** A JSON object of the token (header or payload), numbers as written (int, long or double). */
    static Map<String, Object> decodeJson(String token, int from, int to) {
        try {
            Object parsed = AuthJson.JSON.readValue(B64URL.decode(token.substring(from, to)), Object.class);
            if (!(parsed instanceof Map<?, ?> map)) {
                throw malformed(); // a JSON array, string or number is no JOSE object
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> object = (Map<String, Object>) map;
            return object;
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw malformed();
        }
    }

    static String text(Map<String, Object> claims, String name) {
        return claims.get(name) instanceof String s ? s : null;
    }

    /** @return the numeric date in seconds, or {@code Long.MIN_VALUE} when optional and absent */
    static long seconds(Map<String, Object> claims, String name, boolean required) {
        Object n = claims.get(name);
        if (n == null) {
            if (required) {
                throw invalid(Reason.CLAIMS, "The token has no expiry (" + name + ").");
            }
            return Long.MIN_VALUE;
        }
        if (!(n instanceof Number number)) {
            throw invalid(Reason.CLAIMS, "The token's " + name + " claim is not a number.");
        }
        return number.longValue();
    }

    /** Seconds to milliseconds, saturating instead of overflowing (a far-future date stays far in the future). */
    static long toMillis(long seconds) {
        if (seconds > Long.MAX_VALUE / 1000) {
            return Long.MAX_VALUE / 2;
        }
        if (seconds < Long.MIN_VALUE / 1000 + 1) {
            return Long.MIN_VALUE / 2;
        }
        return seconds * 1000;
    }

    static void checkAudience(Object aud) {
        if (aud instanceof String a && GraphAudience.ALL.contains(a)) {
            return;
        }
        if (aud instanceof List<?> list) {
            for (Object a : list) {
                if (a instanceof String s && GraphAudience.ALL.contains(s)) {
                    return;
                }
            }
        }
        throw invalid(Reason.AUDIENCE, "The token's audience (aud) is not Microsoft Graph.");
    }

    static Principal principal(Map<String, Object> claims, String tid, TrustedIssuer issuer) {
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
        if (claims.containsKey("roles")) {
            throw invalid(Reason.CLAIMS, "A user token must not carry application roles.");
        }
        Set<String> scopes = scp == null || scp.isBlank() ? Set.of() : Set.of(scp.strip().split("\\s+"));
        return Principal.user(tid, appId, oid, text(claims, "name"), scopes);
    }

    private static Set<String> stringSet(Object array) {
        if (array == null) {
            return Set.of();
        }
        if (!(array instanceof List<?> list)) {
            throw invalid(Reason.CLAIMS, "The token's roles claim is not a list.");
        }
        Set<String> out = new HashSet<>();
        for (Object n : list) {
            if (!(n instanceof String s)) {
                throw invalid(Reason.CLAIMS, "The token's roles claim is not a list of strings.");
            }
            out.add(s);
        }
        return out;
    }
}
