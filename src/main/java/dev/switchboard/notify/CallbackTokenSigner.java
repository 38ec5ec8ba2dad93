package dev.switchboard.notify;

/**
 * What the notifier needs from the authority to sign webhook requests: a Graph-shaped bearer token per bot (signed with
 * a key published in the call's tenant JWKS, {@code /{tenant}/discovery/v2.0/keys}) and the bot's notification key
 * that signs each body ({@link NotificationSignature}). Implemented by the embedded authority. Thread-safe.
 * The notifier reuses what it gets ({@link CallbackCredentials}); implementations need not cache.
 */
public interface CallbackTokenSigner {

    /**
     * A freshly signed token without any body claim, valid for the tenant and app only.
     *
     * @param tenantId {@code tid}
     * @param botAppId {@code aud}
     * @throws RuntimeException when signing fails
     */
    CallbackToken issue(String tenantId, String botAppId);

    /**
     * The HMAC key the bot of {@code botAppId} in {@code tenantId} verifies bodies with (the bot fetches the same key
     * from the authority with its own app token); the same for the same arguments for as long as the signing key lives.
     */
    NotificationKey notificationKey(String tenantId, String botAppId);
}
