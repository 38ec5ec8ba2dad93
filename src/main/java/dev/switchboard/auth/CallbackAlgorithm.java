package dev.switchboard.auth;

import java.util.Locale;

/** How webhook callback tokens are signed: RS256 as Graph's (the default), or ES256 (about seven times cheaper to sign). */
public enum CallbackAlgorithm {
    RS256,
    ES256;

    /** @throws IllegalArgumentException for anything but {@code rs256} or {@code es256} (any case) */
    public static CallbackAlgorithm parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "rs256" -> RS256;
            case "es256" -> ES256;
            default -> throw new IllegalArgumentException("must be rs256 or es256");
        };
    }
}
