package dev.switchboard.core;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;

import java.time.Duration;

/**
 * How many live calls this server takes ({@link CallSettings#maxCalls()}): a bot's new call or a user's dial past it
 * is refused with 429, so a bot that creates calls in a loop and never ends them meets a clear answer, not an
 * exhausted heap. Checked when a call is asked for, before anything is made; concurrent requests may pass it by the
 * number in flight. Calls that continue one (a transfer's, a forward's) are not counted against it.
 *
 * <p>Operations are bounded the same way, per call ({@link CallRules#MAX_RUNNING_OPERATIONS}) and across the server
 * ({@link #maxOperations()}: a queued prompt holds ~4 KiB, so 100 in each of the most calls would not fit the heap the
 * calls were sized by). Stateless.
 */
record CallCapacity(CallRegistry registry, int max, int maxPerTenant) {
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    static final Duration OPERATION_RETRY_AFTER = Duration.ofSeconds(1);

    /**
     * @throws SwitchboardException TOO_MANY_REQUESTS (Retry-After 5 s) when the server has its most live calls, or
     *                              {@code tenantId} has the most a tenant may have
     */
    void check(String tenantId) {
        int live = registry.size();
        if (live >= max) {
            throw new SwitchboardException(ErrorCode.TOO_MANY_REQUESTS, "This server has " + live + " live calls, the "
                    + "most it takes (--max-calls " + max + "). End calls you no longer need (DELETE "
                    + "/communications/calls/{id}), or try again later.", RETRY_AFTER);
        }
        int ours = registry.size(tenantId);
        if (ours >= maxPerTenant) {
            throw new SwitchboardException(ErrorCode.TOO_MANY_REQUESTS, "Your tenant has " + ours + " live calls on this "
                    + "server, the most one tenant may have (--max-calls-per-tenant " + maxPerTenant + "). End calls you "
                    + "no longer need (DELETE /communications/calls/{id}), or try again later.", RETRY_AFTER);
        }
    }

    /** The most operations running across the server's calls: two for each call it takes, and at least one call's. */
    int maxOperations() {
        return Math.max(CallRules.MAX_RUNNING_OPERATIONS, 2 * max);
    }

    /** The most operations running across one tenant's calls: two for each call it may have, and at least one call's. */
    int maxOperationsPerTenant() {
        return Math.max(CallRules.MAX_RUNNING_OPERATIONS, 2 * maxPerTenant);
    }

    /**
     * Room for one more operation in {@code call} (its lock held): 429 with Retry-After 1 s (the Graph SDKs' retry
     * handler waits and tries again) when the call runs {@link CallRules#MAX_RUNNING_OPERATIONS}, the server
     * {@link #maxOperations()}, or (with a per-tenant call limit below the server's) the call's tenant
     * {@link #maxOperationsPerTenant()}. The counts read the other calls without their locks: they may be off by the
     * operations starting or ending meanwhile.
     */
    void checkOperation(Call call) {
        if (call.runningOperations.size() >= CallRules.MAX_RUNNING_OPERATIONS) {
            throw new SwitchboardException(ErrorCode.TOO_MANY_REQUESTS, "Call '" + call.id + "' has "
                    + CallRules.MAX_RUNNING_OPERATIONS + " operations running (queued prompts and recordings, DTMF "
                    + "sends, invitations), the most a call may have; wait for some to finish, or cancelMediaProcessing.",
                    OPERATION_RETRY_AFTER);
        }
        int running = registry.runningOperations();
        if (running >= maxOperations()) {
            throw new SwitchboardException(ErrorCode.TOO_MANY_REQUESTS, "This server has " + running + " operations "
                    + "running across its calls, the most it takes (" + maxOperations() + ": two for each of the "
                    + max + " calls of --max-calls); wait for some to finish, or cancelMediaProcessing.",
                    OPERATION_RETRY_AFTER);
        }
        if (maxPerTenant < max) {
            int ours = registry.runningOperations(call.tenantId);
            if (ours >= maxOperationsPerTenant()) {
                throw new SwitchboardException(ErrorCode.TOO_MANY_REQUESTS, "Your tenant has " + ours + " operations "
                        + "running across its calls on this server, the most one tenant may have (" + maxOperationsPerTenant()
                        + ": two for each of the " + maxPerTenant + " calls of --max-calls-per-tenant); wait for some to "
                        + "finish, or cancelMediaProcessing.", OPERATION_RETRY_AFTER);
            }
        }
    }
}
