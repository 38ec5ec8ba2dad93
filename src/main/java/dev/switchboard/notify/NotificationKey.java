package dev.switchboard.notify;

import java.util.Arrays;
import java.util.Objects;

/**
 * A bot's notification key: the HMAC-SHA256 secret that signs webhook bodies for one app in one tenant.
 *
 * @param kid    names the key in {@link NotificationSignature#HEADER} and in the key endpoint's answer; not secret
 * @param secret 32 bytes; copied in and out
 */
public record NotificationKey(String kid, byte[] secret) {
    public NotificationKey {
        Objects.requireNonNull(kid, "kid");
        if (secret == null || secret.length < 32) {
            throw new IllegalArgumentException("a notification key needs at least 32 bytes");
        }
        secret = secret.clone();
    }

    @Override
    public byte[] secret() {
        return secret.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NotificationKey k && kid.equals(k.kid) && Arrays.equals(secret, k.secret);
    }

    @Override
    public int hashCode() {
        return kid.hashCode();
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "NotificationKey[kid=" + kid + "]";
    }
}
