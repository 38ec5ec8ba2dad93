package dev.switchboard.notify;

import java.net.URI;
import java.util.List;
import java.util.function.Function;

/**
 * For bot developers: where {@link NotificationVerifier} finds the notification key that signs bodies. Either given
 * ({@link #of}) or fetched from Switchboard with the bot's own app token ({@link #fetchedFrom}). Implementations are
 * thread-safe.
 */
public interface NotificationKeys {

    /**
     * @return the secret of key {@code kid} for {@code tenantId}, or null when there is no such key
     * @throws NotificationVerificationException when the keys cannot be had (fetch failed)
     */
    byte[] secret(String tenantId, String kid) throws NotificationVerificationException;

    /** Keys given directly (any tenant). */
    static NotificationKeys of(NotificationKey... keys) {
        List<NotificationKey> all = List.of(keys);
        return (tenantId, kid) -> all.stream().filter(k -> k.kid().equals(kid)).findFirst().map(NotificationKey::secret).orElse(null);
    }

    /**
     * Keys fetched from {@code GET {baseUrl}/{tenant}/switchboard/v1/notification-keys} with
     * {@code Authorization: Bearer <appToken(tenant)>} (the same app-only token the bot calls the Graph API with),
     * cached per tenant, fetched again when a POST names a key id not seen yet (at most once per 10 s per tenant).
     *
     * @param baseUrl  Switchboard's base URL, e.g. {@code https://localhost:8443}
     * @param appToken the bot's access token for a tenant; called on the fetching thread
     */
    static NotificationKeys fetchedFrom(URI baseUrl, Function<String, String> appToken) {
        return new FetchedNotificationKeys(baseUrl, appToken);
    }
}
