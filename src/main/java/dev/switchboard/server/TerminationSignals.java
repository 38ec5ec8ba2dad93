package dev.switchboard.server;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as a graceful stop with exit code 0, instead of the JVM's default (run shutdown hooks,
 * exit 143/130). Uses {@code sun.misc.Signal} (module jdk.unsupported, present in every JDK).
 *
 * <p>Threads and locks: docs/concurrency.md.
 */
final class TerminationSignals {
    private TerminationSignals() {
    }

    /** Runs {@code action} (once per signal, on the JVM's signal thread: keep it short) on SIGTERM or SIGINT. */
    static void onTermination(Runnable action) {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> action.run());
        }
    }
}
