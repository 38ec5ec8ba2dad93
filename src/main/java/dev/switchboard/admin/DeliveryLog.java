package dev.switchboard.admin;

import dev.switchboard.notify.DeliveryObserver;
import dev.switchboard.notify.DeliveryReport;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;

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
 * {@link Instant}), ~6 MB copied by every young pause, which made G1's pauses ~2× longer and the webhook p99
 * (docs/benchmarks.md, "Issue 17, webhook p99 (session 7)"). Here a POST is written <em>into</em> slots of arrays the
 * log already owns: its id as two longs when it is a canonical lowercase UUID (the notifier's are), its times as
 * longs, its state as an ordinal, its kinds as a reference to a list kept once per distinct combination; what stays
 * reachable per POST is only its body (within the budget) and, rarely, an error text or an id of another shape. The
 * POSTs of a call are a list linked through the slots, the bodies kept a second one (oldest first), so nothing is
 * allocated per report once the arrays have grown. Readers get new {@link Entry}s rebuilt from the slots, equal in
 * every field to what was reported.
 *
 * <p>Thread-safe: {@link #observe} runs on the notifier's delivery chains (virtual threads) and takes this log's
 * monitor for the slot update only; readers (request threads) copy under the same monitor.
 */
public final class DeliveryLog implements DeliveryObserver {
    static final int MAX_CALLS = 2_000;
    static final int MAX_PER_CALL = 200;
    static final int MAX_BODY_BYTES = 64 * 1024;
    static final int MAX_BODIES_BYTES = 4 * 1024 * 1024;
    /** POSTs kept in all, bodies or not: past it the least recent call loses its oldest. */
    static final int MAX_ENTRIES = 20_000;
    /** Distinct kinds lists kept once; a POST with another combination keeps its own list. */
    private static final int MAX_KIND_LISTS = 256;
    private static final int FIRST_CAPACITY = 64;
    private static final int NONE = -1;
    private static final long NO_INSTANT = Long.MIN_VALUE;
    private static final byte[] NO_BODY = new byte[0];
    private static final DeliveryReport.State[] STATES = DeliveryReport.State.values();

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

    /** A call's POSTs: the first and last slot of its list, oldest first. Guarded by the log's monitor. */
    private static final class CallPosts {
        final String callId;
        int first = NONE;
        int last = NONE;
        int size;

        CallPosts(String callId) {
            this.callId = callId;
        }
    }

    private final LinkedHashMap<String, CallPosts> byCall = new LinkedHashMap<>(16, 0.75f, true);
    private final HashMap<List<String>, List<String>> kindLists = new HashMap<>();

    // The slots, one POST each; free ones are chained through next[].
    private long[] idHigh = new long[0];
    private long[] idLow = new long[0];
    /** The id when it is not a canonical lowercase UUID, else null. */
    private String[] idOther = new String[0];
    private long[] sequence = new long[0];
    private List<?>[] kinds = new List<?>[0];
    private byte[] state = new byte[0];
    private int[] attempts = new int[0];
    private int[] statusCode = new int[0];
    private long[] latencyMillis = new long[0];
    private long[] nextSecond = new long[0];
    private int[] nextNano = new int[0];
    private long[] atSecond = new long[0];
    private int[] atNano = new int[0];
    private String[] lastError = new String[0];
    private byte[][] body = new byte[0][];
    private boolean[] truncated = new boolean[0];
    /** The call's list: previous and next slot (next also chains the free slots). */
    private int[] prev = new int[0];
    private int[] next = new int[0];
    /** The bodies kept, oldest first: previous and next slot with a body, and the list's ends. */
    private int[] bodyPrev = new int[0];
    private int[] bodyNext = new int[0];
    private int bodyFirst = NONE;
    private int bodyLast = NONE;
    private int free = NONE;
    private long bodyBytes;
    /** POSTs kept, all calls together. */
    private int entries;
    /** The id parsed by {@link #parse}, valid when it returned true (guarded by the monitor). */
    private long parsedHigh;
    private long parsedLow;

    @Override
    public void observe(DeliveryReport r) {
        synchronized (this) {
            CallPosts call = byCall.get(r.callId());
            if (call == null) {
                call = new CallPosts(r.callId());
                byCall.put(r.callId(), call);
            }
            int slot = find(call, r.notificationId());
            if (slot == NONE) {
                slot = allocate();
                append(call, slot);
                entries++;
            } else {
                forgetBody(slot);
            }
            write(slot, r);
            if (call.size > MAX_PER_CALL) {
                remove(call, call.first);
            }
            if (byCall.size() > MAX_CALLS) {
                Iterator<CallPosts> lru = byCall.values().iterator();
                CallPosts evicted = lru.next();
                lru.remove();
                removeAll(evicted);
            }
            while (entries > MAX_ENTRIES) {
                Iterator<CallPosts> lru = byCall.values().iterator();
                CallPosts leastRecent = lru.next();
                remove(leastRecent, leastRecent.first);
                if (leastRecent.size == 0) {
                    lru.remove();
                }
            }
            while (bodyBytes > MAX_BODIES_BYTES) {
                int oldest = bodyFirst;
                forgetBody(oldest);
                body[oldest] = NO_BODY;
                truncated[oldest] = true;
            }
        }
    }

    /** The POSTs of a call, in sequence order (empty when none was reported or the call was evicted). */
    public synchronized List<Entry> deliveries(String callId) {
        CallPosts call = byCall.get(callId);
        if (call == null) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>(call.size);
        for (int s = call.first; s != NONE; s = next[s]) {
            out.add(read(call, s));
        }
        out.sort(java.util.Comparator.comparingLong(e -> e.report().sequence()));
        return out;
    }

    /** One POST of a call, or null. */
    public synchronized Entry delivery(String callId, String notificationId) {
        CallPosts call = byCall.get(callId);
        int slot = call == null ? NONE : find(call, notificationId);
        return slot == NONE ? null : read(call, slot);
    }

    /** Forgets a call's history (its ended-call record expired). */
    public synchronized void forget(String callId) {
        CallPosts call = byCall.remove(callId);
        if (call != null) {
            removeAll(call);
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

    // Everything below holds the monitor.

    private int find(CallPosts call, String notificationId) {
        boolean uuid = parse(notificationId);
        for (int s = call.last; s != NONE; s = prev[s]) { // the newest first: a retry's report is of a recent POST
            if (idOther[s] != null ? idOther[s].equals(notificationId)
                    : uuid && idHigh[s] == parsedHigh && idLow[s] == parsedLow) {
                return s;
            }
        }
        return NONE;
    }

    private void write(int slot, DeliveryReport r) {
        if (parse(r.notificationId())) {
            idHigh[slot] = parsedHigh;
            idLow[slot] = parsedLow;
            idOther[slot] = null;
        } else {
            idOther[slot] = r.notificationId();
        }
        sequence[slot] = r.sequence();
        kinds[slot] = keptKinds(r.kinds());
        state[slot] = (byte) r.state().ordinal();
        attempts[slot] = r.attempts();
        statusCode[slot] = r.statusCode();
        latencyMillis[slot] = r.latencyMillis();
        nextSecond[slot] = r.nextAttemptAt() == null ? NO_INSTANT : r.nextAttemptAt().getEpochSecond();
        nextNano[slot] = r.nextAttemptAt() == null ? 0 : r.nextAttemptAt().getNano();
        atSecond[slot] = r.at() == null ? NO_INSTANT : r.at().getEpochSecond();
        atNano[slot] = r.at() == null ? 0 : r.at().getNano();
        lastError[slot] = r.lastError();
        byte[] b = r.body(); // the notifier's shared array: never copied here
        truncated[slot] = b.length > MAX_BODY_BYTES;
        body[slot] = b;
        if (b.length > 0) {
            bodyPrev[slot] = bodyLast;
            bodyNext[slot] = NONE;
            if (bodyLast == NONE) {
                bodyFirst = slot;
            } else {
                bodyNext[bodyLast] = slot;
            }
            bodyLast = slot;
            bodyBytes += b.length;
        } else {
            bodyPrev[slot] = NONE;
            bodyNext[slot] = NONE;
        }
    }

    private Entry read(CallPosts call, int s) {
        String id = idOther[s] != null ? idOther[s] : new UUID(idHigh[s], idLow[s]).toString();
        @SuppressWarnings("unchecked")
        List<String> k = (List<String>) kinds[s];
        Instant nextAt = nextSecond[s] == NO_INSTANT ? null : Instant.ofEpochSecond(nextSecond[s], nextNano[s]);
        Instant at = atSecond[s] == NO_INSTANT ? null : Instant.ofEpochSecond(atSecond[s], atNano[s]);
        return new Entry(new DeliveryReport(call.callId, id, sequence[s], k, STATES[state[s]], attempts[s], statusCode[s],
                latencyMillis[s], nextAt, lastError[s], at, body[s]), truncated[s]);
    }

    /** The same list instance for every POST with these kinds (few distinct combinations exist), within a bound. */
    private List<String> keptKinds(List<String> k) {
        List<String> kept = kindLists.get(k);
        if (kept != null) {
            return kept;
        }
        if (kindLists.size() < MAX_KIND_LISTS) {
            kindLists.put(k, k); // DeliveryReport's lists are immutable copies
        }
        return k;
    }

    /** Unlinks the slot's body from the bodies kept, if it has one (a body kept is never empty), and takes it off the budget. */
    private void forgetBody(int slot) {
        byte[] b = body[slot];
        if (b == null || b.length == 0) {
            return;
        }
        int p = bodyPrev[slot];
        int n = bodyNext[slot];
        if (p == NONE) {
            bodyFirst = n;
        } else {
            bodyNext[p] = n;
        }
        if (n == NONE) {
            bodyLast = p;
        } else {
            bodyPrev[n] = p;
        }
        bodyPrev[slot] = NONE;
        bodyNext[slot] = NONE;
        bodyBytes -= b.length;
        body[slot] = NO_BODY;
    }

    private void append(CallPosts call, int slot) {
        prev[slot] = call.last;
        next[slot] = NONE;
        if (call.last == NONE) {
            call.first = slot;
        } else {
            next[call.last] = slot;
        }
        call.last = slot;
        call.size++;
    }

    /** Removes one POST of the call and frees its slot. */
    private void remove(CallPosts call, int slot) {
        forgetBody(slot);
        int p = prev[slot];
        int n = next[slot];
        if (p == NONE) {
            call.first = n;
        } else {
            next[p] = n;
        }
        if (n == NONE) {
            call.last = p;
        } else {
            prev[n] = p;
        }
        call.size--;
        entries--;
        release(slot);
    }

    private void removeAll(CallPosts call) {
        while (call.first != NONE) {
            remove(call, call.first);
        }
    }

    private void release(int slot) {
        body[slot] = null;
        idOther[slot] = null;
        kinds[slot] = null;
        lastError[slot] = null;
        next[slot] = free;
        free = slot;
    }

    private int allocate() {
        if (free == NONE) {
            grow();
        }
        int slot = free;
        free = next[slot];
        return slot;
    }

    /** Doubles the slots (up to one more than {@link #MAX_ENTRIES}: a new POST is added before the oldest goes). */
    private void grow() {
        int old = idHigh.length;
        int capacity = Math.min(Math.max(FIRST_CAPACITY, old * 2), MAX_ENTRIES + 1);
        if (capacity <= old) {
            throw new IllegalStateException("no free slot"); // cannot happen: entries never exceed MAX_ENTRIES + 1
        }
        idHigh = Arrays.copyOf(idHigh, capacity);
        idLow = Arrays.copyOf(idLow, capacity);
        idOther = Arrays.copyOf(idOther, capacity);
        sequence = Arrays.copyOf(sequence, capacity);
        kinds = Arrays.copyOf(kinds, capacity);
        state = Arrays.copyOf(state, capacity);
        attempts = Arrays.copyOf(attempts, capacity);
        statusCode = Arrays.copyOf(statusCode, capacity);
        latencyMillis = Arrays.copyOf(latencyMillis, capacity);
        nextSecond = Arrays.copyOf(nextSecond, capacity);
        nextNano = Arrays.copyOf(nextNano, capacity);
        atSecond = Arrays.copyOf(atSecond, capacity);
        atNano = Arrays.copyOf(atNano, capacity);
        lastError = Arrays.copyOf(lastError, capacity);
        body = Arrays.copyOf(body, capacity);
        truncated = Arrays.copyOf(truncated, capacity);
        prev = Arrays.copyOf(prev, capacity);
        next = Arrays.copyOf(next, capacity);
        bodyPrev = Arrays.copyOf(bodyPrev, capacity);
        bodyNext = Arrays.copyOf(bodyNext, capacity);
        for (int s = capacity - 1; s >= old; s--) {
            next[s] = free;
            free = s;
        }
    }

    /** Parses a canonical lowercase UUID into {@link #parsedHigh}/{@link #parsedLow}; false for any other shape. */
    private boolean parse(String id) {
        if (id == null || id.length() != 36) {
            return false;
        }
        long hi = 0;
        long lo = 0;
        int digits = 0;
        for (int i = 0; i < 36; i++) {
            char ch = id.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (ch != '-') {
                    return false;
                }
                continue;
            }
            int v;
            if (ch >= '0' && ch <= '9') {
                v = ch - '0';
            } else if (ch >= 'a' && ch <= 'f') {
                v = ch - 'a' + 10;
            } else {
                return false;
            }
            if (digits++ < 16) {
                hi = (hi << 4) | v;
            } else {
                lo = (lo << 4) | v;
            }
        }
        parsedHigh = hi;
        parsedLow = lo;
        return true;
    }
}
