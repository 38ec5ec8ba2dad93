package dev.switchboard.admin;

import dev.switchboard.notify.DeliveryObserver;
import dev.switchboard.notify.DeliveryReport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The webhook delivery history of recent calls, as the notifier reports it: per call, each POST (by notification id)
 * with its latest state. Bounded: at most {@link #MAX_CALLS} calls (the least recently reported one goes first) and
 * {@link #MAX_PER_CALL} POSTs per call (the oldest goes first); a body is shown up to {@link #MAX_BODY_BYTES} (the
 * notifier's array is kept as it is, shared, and cut when read), and the bodies kept (their whole length: that is what
 * they hold) add up to at most {@link #MAX_BODIES_BYTES}: past that the oldest POSTs (of any call) keep their state
 * but lose their body (kept empty, marked truncated). The POSTs themselves (state without body) are at most
 * {@link #MAX_ENTRIES} in all: past that the least recently reported call loses its oldest first.
 *
 * <p>Why it is columnar and not a map of {@link DeliveryReport}s (issue 17, session 7): at 5,000 POSTs a second every
 * kept POST lives ~4 s ({@link #MAX_ENTRIES} / rate), long enough to be copied by four or five young collections; a
 * report kept whole was ~300 bytes in eight objects (the report, its entry, map nodes, its id, its kinds, its
 * {@code Instant}), ~6 MB copied by every young pause, which made G1's pauses ~2× longer and the webhook p99
 * (docs/benchmarks.md, "Issue 17, webhook p99 (session 7)"). Here a POST is written <em>into</em> slots of arrays the
 * log already owns: its id as two longs when it is a canonical lowercase UUID (the notifier's are), its times as
 * longs, its state as an ordinal, its kinds as a reference to a list kept once per distinct combination; what stays
 * reachable per POST is only its body (within the budget) and, rarely, an error text or an id of another shape. The
 * POSTs of a call are a list linked through the slots, the bodies kept a second one (oldest first), so nothing is
 * allocated per report once the arrays have grown. Readers get new {@link Entry}s rebuilt from the slots, equal in
 * every field to what was reported.
 *
 * <p>Thread-safe: {@link #observe} runs on the notifier's delivery chains (virtual threads) and takes this log's
 * monitor for the slot update only ({@link DeliverySlots}); readers (request threads) copy under the same monitor.
 */
public final class DeliveryLog implements DeliveryObserver {
    static final int MAX_CALLS = 2_000;
    static final int MAX_PER_CALL = 200;
    static final int MAX_BODY_BYTES = 64 * 1024;
    static final int MAX_BODIES_BYTES = 4 * 1024 * 1024;
    /** POSTs kept in all, bodies or not: past it the least recent call loses its oldest. */
    static final int MAX_ENTRIES = 20_000;

    /**
     * One POST as last reported ({@code report.body()} is the body as sent, or empty once the budget dropped it);
     * {@code truncated} when {@link #body()} is shorter than the body sent.
     */
    public record Entry(DeliveryReport report, boolean truncated) {
        /** The body as shown: at most {@link #MAX_BODY_BYTES} of it (a copy when cut, else the shared array). */
        public byte[] body() {
            byte[] b = report.body();
            return b.length > MAX_BODY_BYTES ? Arrays.copyOf(b, MAX_BODY_BYTES) : b;
        }

        /** The length of {@link #body()}, without a copy. */
        public int bodyLength() {
            return Math.min(report.body().length, MAX_BODY_BYTES);
        }
    }

    private final LinkedHashMap<String, DeliverySlots.Posts> byCall = new LinkedHashMap<>(16, 0.75f, true);
    /** A new POST is added before the oldest goes: one slot more than the bound. */
    private final DeliverySlots slots = new DeliverySlots(MAX_ENTRIES + 1);
    /** POSTs kept, all calls together. */
    private int entries;

    @Override
    public void observe(DeliveryReport r) {
        synchronized (this) {
            DeliverySlots.Posts call = byCall.get(r.callId());
            if (call == null) {
                call = new DeliverySlots.Posts(r.callId());
                byCall.put(r.callId(), call);
            }
            int slot = slots.find(call, r.notificationId());
            if (slot == DeliverySlots.NONE) {
                slot = slots.add(call);
                entries++;
            } else {
                slots.forgetBody(slot);
            }
            slots.write(slot, r);
            if (call.size > MAX_PER_CALL) {
                slots.remove(call, call.first);
                entries--;
            }
            if (byCall.size() > MAX_CALLS) {
                Iterator<DeliverySlots.Posts> lru = byCall.values().iterator();
                DeliverySlots.Posts evicted = lru.next();
                lru.remove();
                entries -= slots.removeAll(evicted);
            }
            while (entries > MAX_ENTRIES) {
                Iterator<DeliverySlots.Posts> lru = byCall.values().iterator();
                DeliverySlots.Posts leastRecent = lru.next();
                slots.remove(leastRecent, leastRecent.first);
                entries--;
                if (leastRecent.size == 0) {
                    lru.remove();
                }
            }
            boolean dropped = true;
            while (slots.bodyBytes() > MAX_BODIES_BYTES && dropped) {
                dropped = slots.dropOldestBody(); // the oldest POST (of any call) keeps its state, loses its body
            }
        }
    }

    /** The POSTs of a call, in sequence order (empty when none was reported or the call was evicted). */
    public synchronized List<Entry> deliveries(String callId) {
        DeliverySlots.Posts call = byCall.get(callId);
        if (call == null) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>(call.size);
        for (int s = call.first; s != DeliverySlots.NONE; s = slots.next(s)) {
            out.add(slots.read(call, s));
        }
        out.sort(java.util.Comparator.comparingLong(e -> e.report().sequence()));
        return out;
    }

    /** One POST of a call, or null. */
    public synchronized Entry delivery(String callId, String notificationId) {
        DeliverySlots.Posts call = byCall.get(callId);
        int slot = call == null ? DeliverySlots.NONE : slots.find(call, notificationId);
        return slot == DeliverySlots.NONE ? null : slots.read(call, slot);
    }

    /** Forgets a call's history (its ended-call record expired). */
    public synchronized void forget(String callId) {
        DeliverySlots.Posts call = byCall.remove(callId);
        if (call != null) {
            entries -= slots.removeAll(call);
        }
    }

    /** The POSTs kept, all calls together (at most {@link #MAX_ENTRIES}). */
    synchronized int entries() {
        return entries;
    }

    /** The bytes of the bodies kept, all calls together (at most {@link #MAX_BODIES_BYTES}). */
    synchronized long bodyBytes() {
        return slots.bodyBytes();
    }
}
