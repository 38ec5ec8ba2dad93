package dev.switchboard.admin;

import dev.switchboard.core.Guids;
import dev.switchboard.notify.DeliveryReport;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;

/**
 * The columns {@link DeliveryLog} keeps its POSTs in (why columns: its Javadoc): one POST per slot of arrays grown on
 * demand up to {@code maxSlots}; the POSTs of a call are a list linked through the slots ({@link Posts}), the slots
 * with a body kept a second list, oldest first, for the body budget. Writing a report allocates nothing once the
 * arrays have grown; reading one rebuilds a {@link DeliveryReport} equal to it.
 *
 * <p>Not thread-safe: guarded by the log's monitor.
 */
final class DeliverySlots {
    static final int NONE = -1;
    /** Distinct kinds lists kept once; a POST with another combination keeps its own list. */
    private static final int MAX_KIND_LISTS = 256;
    private static final int FIRST_CAPACITY = 64;
    private static final long NO_INSTANT = Long.MIN_VALUE;
    private static final byte[] NO_BODY = new byte[0];
    private static final DeliveryReport.State[] STATES = DeliveryReport.State.values();

    /** A call's POSTs: the first and last slot of its list, oldest first. */
    static final class Posts {
        final String callId;
        int first = NONE;
        int last = NONE;
        int size;

        Posts(String callId) {
            this.callId = callId;
        }
    }

    private final int maxSlots;
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
    /** The halves of the id {@link #parse} last found canonical. */
    private final long[] parsed = new long[2];

    /** @param maxSlots the most POSTs held at once */
    DeliverySlots(int maxSlots) {
        this.maxSlots = maxSlots;
    }

    /** The bytes of the bodies kept. */
    long bodyBytes() {
        return bodyBytes;
    }

    /** The slot after {@code slot} in its call's list, or {@link #NONE}. */
    int next(int slot) {
        return next[slot];
    }

    /** Drops the oldest body kept (its POST keeps its state, marked truncated); false when none is kept. */
    boolean dropOldestBody() {
        int oldest = bodyFirst;
        if (oldest == NONE) {
            return false;
        }
        forgetBody(oldest);
        truncated[oldest] = true;
        return true;
    }

    /** The call's slot holding this notification id, or {@link #NONE}. */
    int find(Posts call, String notificationId) {
        boolean uuid = parse(notificationId);
        for (int s = call.last; s != NONE; s = prev[s]) { // the newest first: a retry's report is of a recent POST
            if (idOther[s] != null ? idOther[s].equals(notificationId)
                    : uuid && idHigh[s] == parsed[0] && idLow[s] == parsed[1]) {
                return s;
            }
        }
        return NONE;
    }

    /** Writes {@code r} into the slot (its body, if not empty, becomes the newest body kept; its old one must be gone). */
    void write(int slot, DeliveryReport r) {
        if (parse(r.notificationId())) {
            idHigh[slot] = parsed[0];
            idLow[slot] = parsed[1];
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
        truncated[slot] = b.length > DeliveryLog.MAX_BODY_BYTES;
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

    /** The slot's POST as a new entry, equal in every field to the report written. */
    DeliveryLog.Entry read(Posts call, int s) {
        String id = idOther[s] != null ? idOther[s] : new UUID(idHigh[s], idLow[s]).toString();
        @SuppressWarnings("unchecked")
        List<String> k = (List<String>) kinds[s];
        Instant nextAt = nextSecond[s] == NO_INSTANT ? null : Instant.ofEpochSecond(nextSecond[s], nextNano[s]);
        Instant at = atSecond[s] == NO_INSTANT ? null : Instant.ofEpochSecond(atSecond[s], atNano[s]);
        return new DeliveryLog.Entry(new DeliveryReport(call.callId, id, sequence[s], k, STATES[state[s]], attempts[s], statusCode[s],
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
    void forgetBody(int slot) {
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

    private void append(Posts call, int slot) {
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
    void remove(Posts call, int slot) {
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
        release(slot);
    }

    /** Removes every POST of the call; returns how many. */
    int removeAll(Posts call) {
        int removed = 0;
        while (call.first != NONE) {
            remove(call, call.first);
            removed++;
        }
        return removed;
    }

    private void release(int slot) {
        body[slot] = null;
        idOther[slot] = null;
        kinds[slot] = null;
        lastError[slot] = null;
        next[slot] = free;
        free = slot;
    }

    /** A free slot, appended to the call's POSTs (not written yet). */
    int add(Posts call) {
        int slot = allocate();
        append(call, slot);
        return slot;
    }

    private int allocate() {
        if (free == NONE) {
            grow();
        }
        int slot = free;
        free = next[slot];
        return slot;
    }

    /** Doubles the slots (up to {@link #maxSlots}). */
    private void grow() {
        int old = idHigh.length;
        int capacity = Math.min(Math.max(FIRST_CAPACITY, old * 2), maxSlots);
        if (capacity <= old) {
            throw new IllegalStateException("no free slot"); // the log never holds more than maxSlots
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

    /** Parses a canonical lowercase GUID into {@link #parsed} ({@link Guids}); false for any other shape. */
    private boolean parse(String id) {
        return Guids.parseCanonical(id, parsed);
    }
}
