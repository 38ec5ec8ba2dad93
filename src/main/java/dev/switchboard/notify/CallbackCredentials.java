package dev.switchboard.notify;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The notifier's cache of what signs a POST, per bot (tenant + app): one bearer token reused across that bot's POSTs
 * until {@link CallbackToken#renewAt()} (half its life), then signed afresh; and the bot's {@link NotificationKey}.
 * A token is never shared between apps or tenants: the cache key is both. Renewal happens on the first POST after
 * the renewal time, on the delivering chain's thread (one RSA signature per bot every ~2.5 min instead of one per POST).
 * Thread-safe; two workers renewing the same bot at once sign once ({@link ConcurrentHashMap#compute}).
 */
final class CallbackCredentials {
    private record Bot(String tenantId, String appId) {
    }

    private final CallbackTokenSigner signer;
    private final Clock clock;
    private final ConcurrentHashMap<Bot, CallbackToken> tokens = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Bot, NotificationSignature.Signer> keys = new ConcurrentHashMap<>();

    CallbackCredentials(CallbackTokenSigner signer, Clock clock) {
        this.signer = Objects.requireNonNull(signer, "signer");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The bot's current token, signing a new one when there is none or it is past its renewal time. */
    String token(String tenantId, String appId) {
        Bot bot = new Bot(tenantId, appId);
        CallbackToken t = tokens.get(bot);
        if (t != null && clock.instant().isBefore(t.renewAt())) {
            return t.jwt();
        }
        return tokens.compute(bot, (b, old) -> old != null && clock.instant().isBefore(old.renewAt())
                ? old : signer.issue(tenantId, appId)).jwt();
    }

    /** The {@link NotificationSignature#HEADER} value for one POST to the bot. */
    String bodySignature(String tenantId, String appId, String notificationId, long sequence, byte[] body) {
        return keys.computeIfAbsent(new Bot(tenantId, appId),
                        b -> new NotificationSignature.Signer(signer.notificationKey(tenantId, appId)))
                .header(notificationId, sequence, body);
    }

    /** Forgets tokens past their expiry (called by the notifier's sweep). */
    void sweep() {
        tokens.values().removeIf(t -> !clock.instant().isBefore(t.expiresAt()));
    }
}
