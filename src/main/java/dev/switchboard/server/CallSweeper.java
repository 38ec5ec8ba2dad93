package dev.switchboard.server;

import dev.switchboard.core.CallEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one {@code call-sweeper} thread (docs/concurrency.md) and its periodic jobs: unanswered incoming calls every
 * {@value #RINGING_SWEEP_MS} ms, the calls' keep-alive and invitation timeouts every 10 s, the header-read deadline,
 * and whatever other parts schedule on {@link #executor()} (the IVR's recording sweep). A failed run is logged and the
 * job runs again at its next period. Built and stopped by the thread that builds and closes the server.
 */
final class CallSweeper {
    private static final Logger log = LoggerFactory.getLogger(SwitchboardServer.class); // the server's log, as ever
    /** How often unanswered incoming calls are looked for: the answer window is kept to within this. */
    private static final long RINGING_SWEEP_MS = 250;

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "call-sweeper");
        t.setDaemon(true);
        return t;
    });

    /** The sweeper thread, for other parts' periodic jobs. */
    ScheduledExecutorService executor() {
        return executor;
    }

    /** Schedules the calls' sweeps and the header-read deadline. */
    void start(CallEngine calls, HeaderReadDeadline headerDeadline, long headerSweepMillis) {
        executor.scheduleWithFixedDelay(() -> expireRinging(calls), RINGING_SWEEP_MS, RINGING_SWEEP_MS, TimeUnit.MILLISECONDS);
        executor.scheduleWithFixedDelay(() -> sweep(calls), 10, 10, TimeUnit.SECONDS);
        executor.scheduleWithFixedDelay(headerDeadline::sweep, headerSweepMillis, headerSweepMillis, TimeUnit.MILLISECONDS);
    }

    /** Stops the thread; a job running now is interrupted. */
    void shutdownNow() {
        executor.shutdownNow();
    }

    private static void expireRinging(CallEngine calls) {
        try {
            calls.incoming().expireUnanswered();
        } catch (RuntimeException e) {
            log.error("ringing sweep failed", e);
        }
    }

    private static void sweep(CallEngine calls) {
        try {
            calls.sweep();
        } catch (RuntimeException e) {
            log.error("call sweep failed", e);
        }
    }
}
