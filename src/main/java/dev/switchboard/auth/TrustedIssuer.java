package dev.switchboard.auth;


import java.security.interfaces.RSAPublicKey;
import java.util.Map;

/**
 * An issuer whose tokens the verifier accepts, with its signing keys. Two kinds: the embedded authority and
 * external issuers known by their OpenID configuration / JWKS URL. Implementations are thread-safe.
 */
public interface TrustedIssuer {

    /** How an issuer judges a token's {@code iss}/{@code tid} pair. */
    enum Match {
        /** This issuer issued it for that tenant. */
        ACCEPTED,
        /** The {@code iss} is this issuer's, but {@code tid} is not the tenant the issuer speaks for. */
        TENANT_MISMATCH,
        /** Not this issuer. */
        NOT_MINE
    }

    /** @param iss the token's {@code iss}; @param tid the token's {@code tid} (may be null) */
    Match match(String iss, String tid);

    /**
     * The key for a {@code kid}; may refresh the issuer's key set (rate-limited) when the kid is unknown.
     *
     * @return the key, or null when the issuer does not publish it
     */
    RSAPublicKey key(String kid);

    /**
     * Whether the kid is still published, from cached state; may refresh a key set past its maximum age, but never
     * waits for another thread's download and never downloads because of an unknown kid.
     */
    boolean stillPublishes(String kid);

    /** A display name for the app of an app token; by default the {@code app_displayname} claim. */
    default String appDisplayName(String tenantId, String appId, Map<String, Object> claims) {
        return claims.get("app_displayname") instanceof String s ? s : null;
    }
}
