package dev.switchboard.auth;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one {@link ObjectMapper} of the token authority: token headers and claims, JWKS and OpenID documents, the
 * signing-key file and the identity configuration. Default settings (these documents are small and read rarely;
 * the hot path, a remembered token, reads no JSON). Thread-safe.
 */
final class AuthJson {
    static final ObjectMapper JSON = new ObjectMapper();

    private AuthJson() {
    }
}
