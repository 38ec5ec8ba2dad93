package dev.switchboard.auth;

import dev.switchboard.auth.TokenVerifier.Reason;

/**
 * A refusal inside {@link TokenVerifier} and its helpers, carried until it becomes the one public error type at the
 * boundary ({@code INVALID_AUTHENTICATION_TOKEN}, counted by {@link Reason}). No stack trace: it is a verdict, not a
 * fault.
 */
final class TokenRefusal extends RuntimeException {
    final Reason reason;

    private TokenRefusal(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    static TokenRefusal invalid(Reason reason, String message) {
        return new TokenRefusal(reason, message);
    }

    static TokenRefusal malformed() {
        return invalid(Reason.MALFORMED, "The token is malformed: it is not a compact JWS (header.payload.signature) of JSON objects.");
    }
}
