package dev.switchboard.core;

import java.time.Duration;

/**
 * Engine limits.
 *
 * @param keepAliveTimeout   a call with no keep-alive for this long ends with 408/8537 (Graph: 45 minutes)
 * @param inviteTimeout      an invitation nobody answers fails after this long
 * @param operationRetention how many finished operations per call stay readable through {@code operations/{id}}
 */
public record CallSettings(Duration keepAliveTimeout, Duration inviteTimeout, int operationRetention) {
    public static final CallSettings DEFAULTS = new CallSettings(Duration.ofMinutes(45), Duration.ofSeconds(60), 100);

    public CallSettings {
        if (keepAliveTimeout.isNegative() || keepAliveTimeout.isZero() || inviteTimeout.isNegative()
                || inviteTimeout.isZero() || operationRetention < 1) {
            throw new IllegalArgumentException("timeouts must be positive and retention at least 1");
        }
    }
}
