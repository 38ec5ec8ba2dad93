package dev.switchboard.auth;

/**
 * A freshly signed access token.
 *
 * @param accessToken the compact JWS
 * @param expiresIn   its lifetime in seconds from now
 */
public record IssuedToken(String accessToken, long expiresIn) {
}
