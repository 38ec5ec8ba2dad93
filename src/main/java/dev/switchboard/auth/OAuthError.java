package dev.switchboard.auth;

/**
 * A failure of the token endpoint in the OAuth 2.0 / Entra ID shape
 * ({@code {"error","error_description","error_codes",…}}). The token endpoint's own error type: OAuth clients
 * (MSAL, azure-identity) parse this shape, not Graph's.
 */
public final class OAuthError extends RuntimeException {
    private final int status;
    private final String error;
    private final int aadstsCode;
    private final java.time.Duration retryAfter;

    /**
     * @param status      400 or 401
     * @param error       the OAuth error code ({@code invalid_client}, {@code invalid_grant}, …)
     * @param aadstsCode  the Entra ID error number it corresponds to (shown as {@code AADSTSnnnn:})
     * @param description written for the client; never contains a secret
     */
    public OAuthError(int status, String error, int aadstsCode, String description) {
        this(status, error, aadstsCode, description, null);
    }

    /** As the other constructor, with the wait the answer's {@code Retry-After} asks for (null: none). */
    public OAuthError(int status, String error, int aadstsCode, String description, java.time.Duration retryAfter) {
        super(description, null, false, false);
        this.status = status;
        this.error = error;
        this.aadstsCode = aadstsCode;
        this.retryAfter = retryAfter;
    }

    /** The wait to send as {@code Retry-After}, or null. */
    public java.time.Duration retryAfter() {
        return retryAfter;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public int aadstsCode() {
        return aadstsCode;
    }

    public String description() {
        return "AADSTS" + aadstsCode + ": " + getMessage();
    }

    static OAuthError invalidRequest(int code, String description) {
        return new OAuthError(400, "invalid_request", code, description);
    }
}
