package dev.switchboard.core;

import java.time.Duration;

/**
 * Engine limits.
 *
 * @param keepAliveTimeout   a call with no keep-alive for this long ends with 408/8537 (Graph: 45 minutes)
 * @param inviteTimeout      an invitation nobody answers fails after this long
 * @param operationRetention how many finished operations per call stay readable through {@code operations/{id}}
 * @param ringingTimeout     a peer-to-peer call whose callee has not joined after this long ends {@code terminated}
 *                           (resultInfo 408/10057), as an unanswered invitation does after {@code inviteTimeout}
 */
public record CallSettings(Duration keepAliveTimeout, Duration inviteTimeout, int operationRetention, Duration ringingTimeout) {
    public static final CallSettings DEFAULTS = new CallSettings(Duration.ofMinutes(45), Duration.ofSeconds(60), 100,
            Duration.ofSeconds(60));

    public CallSettings {
        if (keepAliveTimeout.isNegative() || keepAliveTimeout.isZero() || inviteTimeout.isNegative()
                || inviteTimeout.isZero() || operationRetention < 1 || ringingTimeout.isNegative() || ringingTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive and retention at least 1");
        }
    }

    public CallSettings withRingingTimeout(Duration timeout) {
        return new CallSettings(keepAliveTimeout, inviteTimeout, operationRetention, timeout);
    }
}
