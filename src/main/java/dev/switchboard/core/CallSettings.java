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
 * @param maxCalls           the most live calls this server takes; a new one past it is refused with 429
 *                           ({@link #autoMaxCalls()} by default)
 * @param maxCallsPerTenant  the most live calls of one tenant, at most {@code maxCalls} (which is the default: no limit of
 *                           its own); a new one past it is refused with 429
 */
public record CallSettings(Duration keepAliveTimeout, Duration inviteTimeout, int operationRetention, Duration ringingTimeout,
                           int maxCalls, int maxCallsPerTenant) {
    /**
     * The heap a live call is given when {@code maxCalls} is derived from it: an idle call takes about 11 KiB, one
     * whose bot used every bound of its request about 44 KiB, and each call may bring two running operations (up to
     * ~7.5 KiB each) to the server's total; the rest is left for prompts ({@code --prompt-memory}, a quarter of the
     * heap), recordings and the young generation (docs/operations.md, "What bounds the heap").
     */
    public static final long HEAP_PER_CALL = 128L << 10;
    public static final CallSettings DEFAULTS = new CallSettings(Duration.ofMinutes(45), Duration.ofSeconds(60), 100,
            Duration.ofSeconds(60), autoMaxCalls(), autoMaxCalls());

    public CallSettings {
        if (keepAliveTimeout.isNegative() || keepAliveTimeout.isZero() || inviteTimeout.isNegative()
                || inviteTimeout.isZero() || operationRetention < 1 || ringingTimeout.isNegative() || ringingTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive and retention at least 1");
        }
        if (maxCalls < 1) {
            throw new IllegalArgumentException("the most live calls must be at least 1, was " + maxCalls);
        }
        if (maxCallsPerTenant < 1 || maxCallsPerTenant > maxCalls) {
            throw new IllegalArgumentException("the most live calls of a tenant must be 1 to " + maxCalls + ", was "
                    + maxCallsPerTenant);
        }
    }

    /** The heap's maximum over {@link #HEAP_PER_CALL}, 100 to 100,000 (about 1,880 at {@code -Xmx256m}). */
    public static int autoMaxCalls() {
        return (int) Math.clamp(Runtime.getRuntime().maxMemory() / HEAP_PER_CALL, 100, 100_000);
    }

    public CallSettings withRingingTimeout(Duration timeout) {
        return new CallSettings(keepAliveTimeout, inviteTimeout, operationRetention, timeout, maxCalls, maxCallsPerTenant);
    }

    /** With {@code value} live calls at most; a per-tenant limit above it comes down to it, one equal to the old most follows it. */
    public CallSettings withMaxCalls(int value) {
        int perTenant = maxCallsPerTenant == maxCalls ? value : Math.min(maxCallsPerTenant, value);
        return new CallSettings(keepAliveTimeout, inviteTimeout, operationRetention, ringingTimeout, value, perTenant);
    }

    /** With {@code value} live calls at most for one tenant (at most {@link #maxCalls()}). */
    public CallSettings withMaxCallsPerTenant(int value) {
        return new CallSettings(keepAliveTimeout, inviteTimeout, operationRetention, ringingTimeout, maxCalls, value);
    }
}
