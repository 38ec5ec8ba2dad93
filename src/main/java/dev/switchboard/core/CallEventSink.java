package dev.switchboard.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Hears every {@link CallEvent}. Called on the thread that made the change, with the call's conference lock held
 * (see docs/concurrency.md): implementations must return quickly and never block (queue and return). An exception
 * is logged by the engine and otherwise ignored.
 */
@FunctionalInterface
public interface CallEventSink {

    void publish(CallEvent event);

    /** A sink that hands every event to each of {@code sinks} in order; one failing does not stop the others. */
    static CallEventSink all(List<CallEventSink> sinks) {
        List<CallEventSink> copy = List.copyOf(sinks);
        Logger log = LoggerFactory.getLogger(CallEventSink.class);
        return event -> {
            for (CallEventSink s : copy) {
                try {
                    s.publish(event);
                } catch (RuntimeException e) {
                    log.error("call event listener failed event={}", event.getClass().getSimpleName(), e);
                }
            }
        };
    }
}
