package dev.switchboard.notify;

/**
 * Signs the bearer token of a webhook request with a key published in the call's tenant JWKS
 * ({@code /{tenant}/discovery/v2.0/keys}). Implemented by the embedded authority.
 */
public interface CallbackTokenSigner {

    /**
     * @param tenantId     {@code tid}
     * @param botAppId     {@code aud}
     * @param bodySha256   the SHA-256 of the exact request body; carried base64-encoded as the {@code sha256} claim
     * @return a compact JWS
     */
    String sign(String tenantId, String botAppId, byte[] bodySha256);
}
