package dev.switchboard.admin;

import dev.switchboard.notify.DeliveryObserver;
import dev.switchboard.notify.DeliveryReport;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The webhook delivery history of recent calls, as the notifier reports it: per call, each POST (by notification id)
 * with its latest state. Bounded: at most {@link #MAX_CALLS} calls (the least recently reported one goes first) and
 * {@link #MAX_PER_CALL} POSTs per call (the oldest goes first); a body is kept up to {@link #MAX_BODY_BYTES}.
 *
 * <p>{@link #observe} runs on the notifier's worker threads and only takes this log's monitor for a map update;
 * readers (request threads) copy under the same monitor.
 */
public final class DeliveryLog implements DeliveryObserver {
    static final int MAX_CALLS = 2_000;
    static final int MAX_PER_CALL = 200;
    static final int MAX_BODY_BYTES = 64 * 1024;

    /** One POST as last reported; {@code truncated} when the kept body is shorter than the one sent. */
    public record Entry(DeliveryReport report, boolean truncated) {
    }

    private final LinkedHashMap<String, LinkedHashMap<String, Entry>> byCall = new LinkedHashMap<>(16, 0.75f, true);

    @Override
    public void observe(DeliveryReport r) {
        DeliveryReport kept = r;
        boolean truncated = false;
        if (r.body().length > MAX_BODY_BYTES) {
            byte[] head = java.util.Arrays.copyOf(r.body(), MAX_BODY_BYTES);
            kept = new DeliveryReport(r.callId(), r.notificationId(), r.sequence(), r.kinds(), r.state(), r.attempts(),
                    r.statusCode(), r.latencyMillis(), r.nextAttemptAt(), r.lastError(), r.at(), head);
            truncated = true;
        }
        synchronized (this) {
            LinkedHashMap<String, Entry> call = byCall.computeIfAbsent(r.callId(), k -> new LinkedHashMap<>());
            call.put(r.notificationId(), new Entry(kept, truncated));
            if (call.size() > MAX_PER_CALL) {
                Iterator<String> oldest = call.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
            if (byCall.size() > MAX_CALLS) {
                Iterator<Map.Entry<String, LinkedHashMap<String, Entry>>> lru = byCall.entrySet().iterator();
                lru.next();
                lru.remove();
            }
        }
    }

    /** The POSTs of a call, in sequence order (empty when none was reported or the call was evicted). */
    public synchronized List<Entry> deliveries(String callId) {
        LinkedHashMap<String, Entry> call = byCall.get(callId);
        if (call == null) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>(call.values());
        out.sort(java.util.Comparator.comparingLong(e -> e.report().sequence()));
        return out;
    }

    /** One POST of a call, or null. */
    public synchronized Entry delivery(String callId, String notificationId) {
        LinkedHashMap<String, Entry> call = byCall.get(callId);
        return call == null ? null : call.get(notificationId);
    }

    /** Forgets a call's history (its ended-call record expired). */
    public synchronized void forget(String callId) {
        byCall.remove(callId);
    }
}
