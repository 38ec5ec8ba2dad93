package dev.switchboard.auth;

/**
 * Turns an {@code Authorization} header into a {@link Principal}. The seam between the HTTP surfaces
 * and the token checks (the embedded authority's verifier in production, any trusted issuer).
 */
public interface BearerAuthenticator {

    /**
     * @param authorizationHeader the raw header value, possibly null
     * @return the verified principal
     * @throws dev.switchboard.error.SwitchboardException {@code INVALID_AUTHENTICATION_TOKEN} with a message saying what
     *         was wrong (missing, wrong scheme, malformed, expired, not yet valid, bad signature, wrong audience,
     *         unknown issuer, tenant mismatch); the token itself is never echoed
     */
    Principal authenticate(String authorizationHeader);
}
