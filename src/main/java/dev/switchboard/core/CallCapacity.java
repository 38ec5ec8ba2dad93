package dev.switchboard.core;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;

import java.time.Duration;

/**
 * How many live calls this server takes ({@link CallSettings#maxCalls()}): a bot's new call or a user's dial past it
 * is refused with 429, so a bot that creates calls in a loop and never ends them meets a clear answer, not an
 * exhausted heap. Checked when a call is asked for, before anything is made; concurrent requests may pass it by the
 * number in flight. Calls that continue one (a transfer's, a forward's) are not counted against it. Stateless.
 */
record CallCapacity(CallRegistry registry, int max) {
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    /** @throws SwitchboardException TOO_MANY_REQUESTS (Retry-After 5 s) when the server has its most live calls */
    void check() {
        int live = registry.size();
        if (live >= max) {
            throw new SwitchboardException(ErrorCode.TOO_MANY_REQUESTS, "This server has " + live + " live calls, the "
                    + "most it takes (--max-calls " + max + "). End calls you no longer need (DELETE "
                    + "/communications/calls/{id}), or try again later.", RETRY_AFTER);
        }
    }
}
