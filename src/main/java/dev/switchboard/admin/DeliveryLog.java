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
 * {@link #MAX_PER_CALL} POSTs per call (the oldest goes first); a body is shown up to {@link #MAX_BODY_BYTES} (the
 * notifier's array is kept as it is, shared, and cut when read: copying the first 64 KiB of every roster POST of a
 * big room was one more 64 KiB copy per mute, issue 17), and the bodies kept (their whole length: that is what they
 * hold) add up to at most {@link #MAX_BODIES_BYTES}: past that the oldest POSTs (of any call) keep their state but
 * lose their body (kept empty, marked truncated). Without that budget one large room's roster notifications (a
 * 100-participant roster is ~60 KB a POST) kept ~12 MB live per call, and the count bounds alone allowed gigabytes.
 * The POSTs themselves (state without body) are at most {@link #MAX_ENTRIES} in all: past that the least recently
 * reported call loses its oldest first (2,000 calls × 200 POSTs would otherwise be 400,000 entries).
 *
 * <p>{@link #observe} runs on the notifier's delivery chains (virtual threads) and only takes this log's monitor for a map update;
 * readers (request threads) copy under the same monitor.
 */
public final class DeliveryLog implements DeliveryObserver {
    static final int MAX_CALLS = 2_000;
    static final int MAX_PER_CALL = 200;
    static final int MAX_BODY_BYTES = 64 * 1024;
    static final int MAX_BODIES_BYTES = 4 * 1024 * 1024;
    /** POSTs kept in all, bodies or not (each costs a few hundred bytes): past it the least recent call loses its oldest. */
    static final int MAX_ENTRIES = 20_000;

    /**
     * One POST as last reported ({@code report.body()} is the body as sent, or empty once the budget dropped it);
     * {@code truncated} when {@link #body()} is shorter than the body sent.
     */
    public record Entry(DeliveryReport report, boolean truncated) {
        /** The body as shown: at most {@link #MAX_BODY_BYTES} of it (a copy when cut, else the shared array). */
        public byte[] body() {
            byte[] b = report.body();
            return b.length > MAX_BODY_BYTES ? java.util.Arrays.copyOf(b, MAX_BODY_BYTES) : b;
        }

        /** The length of {@link #body()}, without a copy. */
        public int bodyLength() {
            return Math.min(report.body().length, MAX_BODY_BYTES);
        }
    }

    private final LinkedHashMap<String, LinkedHashMap<String, Entry>> byCall = new LinkedHashMap<>(16, 0.75f, true);
    /** The POSTs whose body is kept, oldest first (call id and notification id), with the body's length. */
    private final LinkedHashMap<BodyKey, Integer> bodies = new LinkedHashMap<>();
    private long bodyBytes;
    /** POSTs kept, all calls together. */
    private int entries;

    private record BodyKey(String callId, String notificationId) {
    }

    @Override
    public void observe(DeliveryReport r) {
        DeliveryReport kept = r; // its body is the notifier's shared array: never copied here
        boolean truncated = r.body().length > MAX_BODY_BYTES;
        synchronized (this) {
            LinkedHashMap<String, Entry> call = byCall.computeIfAbsent(r.callId(), k -> new LinkedHashMap<>());
            if (call.put(r.notificationId(), new Entry(kept, truncated)) == null) {
                entries++;
            }
            BodyKey key = new BodyKey(r.callId(), r.notificationId());
            forgetBody(key);
            if (kept.body().length > 0) {
                bodies.put(key, kept.body().length);
                bodyBytes += kept.body().length;
            }
            if (call.size() > MAX_PER_CALL) {
                Iterator<String> oldest = call.keySet().iterator();
                forgetBody(new BodyKey(r.callId(), oldest.next()));
                oldest.remove();
                entries--;
            }
            if (byCall.size() > MAX_CALLS) {
                Iterator<Map.Entry<String, LinkedHashMap<String, Entry>>> lru = byCall.entrySet().iterator();
                Map.Entry<String, LinkedHashMap<String, Entry>> evicted = lru.next();
                evicted.getValue().keySet().forEach(id -> forgetBody(new BodyKey(evicted.getKey(), id)));
                entries -= evicted.getValue().size();
                lru.remove();
            }
            while (entries > MAX_ENTRIES) {
                Iterator<Map.Entry<String, LinkedHashMap<String, Entry>>> lru = byCall.entrySet().iterator();
                Map.Entry<String, LinkedHashMap<String, Entry>> leastRecent = lru.next();
                Iterator<String> oldest = leastRecent.getValue().keySet().iterator();
                forgetBody(new BodyKey(leastRecent.getKey(), oldest.next()));
                oldest.remove();
                entries--;
                if (leastRecent.getValue().isEmpty()) {
                    lru.remove();
                }
            }
            while (bodyBytes > MAX_BODIES_BYTES) {
                Iterator<Map.Entry<BodyKey, Integer>> oldest = bodies.entrySet().iterator();
                Map.Entry<BodyKey, Integer> o = oldest.next();
                oldest.remove();
                bodyBytes -= o.getValue();
                LinkedHashMap<String, Entry> of = byCall.get(o.getKey().callId());
                Entry e = of == null ? null : of.get(o.getKey().notificationId());
                if (e != null) {
                    DeliveryReport d = e.report();
                    of.put(o.getKey().notificationId(), new Entry(new DeliveryReport(d.callId(), d.notificationId(), d.sequence(),
                            d.kinds(), d.state(), d.attempts(), d.statusCode(), d.latencyMillis(), d.nextAttemptAt(),
                            d.lastError(), d.at(), new byte[0]), true));
                }
            }
        }
    }

    /** Holds this log's monitor. */
    private void forgetBody(BodyKey key) {
        Integer length = bodies.remove(key);
        if (length != null) {
            bodyBytes -= length;
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
        LinkedHashMap<String, Entry> call = byCall.remove(callId);
        if (call != null) {
            call.keySet().forEach(id -> forgetBody(new BodyKey(callId, id)));
            entries -= call.size();
        }
    }

    /** The POSTs kept, all calls together (at most {@link #MAX_ENTRIES}). */
    synchronized int entries() {
        return entries;
    }

    /** The bytes of the bodies kept, all calls together (at most {@link #MAX_BODIES_BYTES}). */
    synchronized long bodyBytes() {
        return bodyBytes;
    }
}
