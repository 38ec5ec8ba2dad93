package dev.switchboard.notify;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * What waits for a call's notifications to settle ({@link NotificationSink#whenSettled}): at most one action per
 * call (later ones run after earlier ones), run once, by whichever side removes it first: the caller when the call
 * is idle already, else the end of the call's delivery chain. After shutdown an action is dropped, not run.
 * Thread-safe.
 */
final class SettledActions {
    /** The notifier's logger, so that operators' filters on {@code WebhookNotifier} still see a failed action. */
    private static final Logger log = LoggerFactory.getLogger(WebhookNotifier.class);

    private final Map<String, CallQueue> calls;
    private final BooleanSupplier stopped;
    private final ConcurrentHashMap<String, Runnable> actions = new ConcurrentHashMap<>();

    /** @param calls the notifier's live call queues; {@code stopped}: whether delivery has ended (nothing runs) */
    SettledActions(Map<String, CallQueue> calls, BooleanSupplier stopped) {
        this.calls = calls;
        this.stopped = stopped;
    }

    /** Runs {@code action} once the call has nothing left to deliver: now if idle, else when its chain ends. */
    void add(String callId, Runnable action) {
        actions.merge(callId, action, (first, then) -> () -> {
            first.run();
            then.run();
        });
        CallQueue q = calls.get(callId);
        if (q == null || q.isIdle()) { // else the chain's end runs it; whichever removes it first runs it, once
            run(callId);
        }
    }

    /** Runs the call's waiting action, if any (its chain ended with nothing left to deliver). */
    void run(String callId) {
        Runnable action = actions.remove(callId);
        if (action != null && !stopped.getAsBoolean()) {
            try {
                action.run();
            } catch (RuntimeException e) {
                log.warn("action after the call's notifications settled failed callId={} error={}", callId, e.toString());
            }
        }
    }
}
