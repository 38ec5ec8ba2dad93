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
 * {@link #MAX_PER_CALL} POSTs per call (the oldest goes first); a body is kept up to {@link #MAX_BODY_BYTES}; and
 * at most {@link #MAX_KEPT_BYTES} in all, counting each kept body plus {@link #ENTRY_OVERHEAD} per POST, so the log
 * costs a -Xmx256m server a known share whatever the calls look like (without it, 2,000 calls of 200 POSTs of 64 KiB
 * could hold 25 GiB). Over that budget the least recently reported call loses its oldest POSTs first.
 *
 * <p>{@link #observe} runs on the notifier's worker threads and only takes this log's monitor for a map update;
 * readers (request threads) copy under the same monitor.
 */
public final class DeliveryLog implements DeliveryObserver {
    static final int MAX_CALLS = 2_000;
    static final int MAX_PER_CALL = 200;
    static final int MAX_BODY_BYTES = 64 * 1024;
    static final long MAX_KEPT_BYTES = 24L * 1024 * 1024;
    /** A rough size of an entry without its body: the report's fields, the map nodes, the ids. */
    static final int ENTRY_OVERHEAD = 512;

    /** One POST as last reported; {@code truncated} when the kept body is shorter than the one sent. */
    public record Entry(DeliveryReport report, boolean truncated) {
    }

    private final LinkedHashMap<String, LinkedHashMap<String, Entry>> byCall = new LinkedHashMap<>(16, 0.75f, true);
    /** The sum of {@link #size} over every kept entry; guarded by this. */
    private long keptBytes;

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
            Entry entry = new Entry(kept, truncated);
            Entry replaced = call.put(r.notificationId(), entry);
            keptBytes += size(entry) - (replaced == null ? 0 : size(replaced));
            if (call.size() > MAX_PER_CALL) {
                removeOldest(call);
            }
            if (byCall.size() > MAX_CALLS) {
                Iterator<Map.Entry<String, LinkedHashMap<String, Entry>>> lru = byCall.entrySet().iterator();
                keptBytes -= call(lru.next().getValue());
                lru.remove();
            }
            while (keptBytes > MAX_KEPT_BYTES) {
                Iterator<Map.Entry<String, LinkedHashMap<String, Entry>>> lru = byCall.entrySet().iterator();
                LinkedHashMap<String, Entry> leastRecent = lru.next().getValue();
                removeOldest(leastRecent);
                if (leastRecent.isEmpty()) {
                    lru.remove();
                }
            }
        }
    }

    /** What the kept entries cost, as the budget counts it (for tests and the admin view). */
    synchronized long keptBytes() {
        return keptBytes;
    }

    private void removeOldest(LinkedHashMap<String, Entry> call) {
        Iterator<Entry> oldest = call.values().iterator();
        keptBytes -= size(oldest.next());
        oldest.remove();
    }

    private static long call(LinkedHashMap<String, Entry> call) {
        long sum = 0;
        for (Entry e : call.values()) {
            sum += size(e);
        }
        return sum;
    }

    private static long size(Entry e) {
        return (long) e.report().body().length + ENTRY_OVERHEAD;
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
        LinkedHashMap<String, Entry> call = byCall.remove(callId);
        if (call != null) {
            keptBytes -= call(call);
        }
    }
}
