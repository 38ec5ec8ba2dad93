package dev.switchboard.server;

import dev.switchboard.auth.CallbackTokens;
import dev.switchboard.notify.CallbackToken;
import dev.switchboard.notify.CallbackTokenSigner;
import dev.switchboard.notify.NotificationKey;

import java.util.Objects;

/** The notifier's signer backed by the embedded authority's callback key (auth and notify know nothing of each other). Thread-safe. */
record AuthorityCallbackSigner(CallbackTokens tokens) implements CallbackTokenSigner {
    AuthorityCallbackSigner {
        Objects.requireNonNull(tokens, "tokens");
    }

    @Override
    public CallbackToken issue(String tenantId, String botAppId) {
        CallbackTokens.Signed t = tokens.issue(tenantId, botAppId);
        return new CallbackToken(t.jwt(), t.issuedAt(), t.expiresAt());
    }

    @Override
    public NotificationKey notificationKey(String tenantId, String botAppId) {
        CallbackTokens.NotificationKeyMaterial k = tokens.notificationKey(tenantId, botAppId);
        return new NotificationKey(k.kid(), k.secret());
    }
}
