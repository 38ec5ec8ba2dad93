package dev.switchboard.core;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * A call's finished operations, the latest {@code retention} of them, oldest evicted first: what
 * {@code GET …/operations/{id}} reads after an operation finished.
 *
 * <p>Why it is columnar and not a map of {@link Operation}s: at 10 mutes per call per second every kept operation
 * lived ~10 s, long enough to be copied by up to five young collections and short enough to die in the old generation;
 * those copies were most of G1's young pauses (docs/benchmarks.md, "Issue 17, the operation history and the GC
 * tail"). Here a plain finished operation (a mute, an unmute, a finished invitation… with a canonical lowercase GUID
 * id, no invitees and no media outcome) is written <em>into</em> arrays the call already owns: its id as two longs,
 * its time as a long and an int, its kind and status as ordinals, its result info as a reference to a value that
 * already exists (none for a mute), and its {@code clientContext} copied into bytes the slot reuses (inline up to
 * {@value #INLINE_CONTEXT}). So keeping it allocates nothing once the slot's
 * buffer fits, and nothing young stays reachable from the history. Operations that do not fit (invitees, a media
 * outcome, a non-GUID id, a non-Latin-1 {@code clientContext}) are kept whole. {@link #get} rebuilds an
 * {@link Operation} equal to the one stored ({@link Operation#equals}), so its JSON is the same byte for byte.
 *
 * <p>Not thread-safe: guarded by the call's conference lock, like the rest of {@link Call}. Lookups and adds scan at
 * most {@code retention} slots (100 by default, {@link CallSettings#operationRetention()}).
 */
final class OperationHistory {
    private static final int FIRST_CAPACITY = 8;
    private static final int NO_CONTEXT = -1;
    private static final int CONTEXT_AS_STRING = -2;
    /** Bytes of {@code clientContext} kept inline per slot (a GUID fits); a longer one gets its own buffer. */
    static final int INLINE_CONTEXT = 40;
    private static final OperationKind[] KINDS = OperationKind.values();
    private static final OperationStatus[] STATUSES = OperationStatus.values();

    private final String callId;
    private final int retention;
    /** Slot of the oldest entry; entries are {@code head, head+1, … head+size-1} modulo the capacity. */
    private int head;
    private int size;
    private long[] msb = new long[0];
    private long[] lsb = new long[0];
    private long[] epochSecond = new long[0];
    private int[] nano = new int[0];
    /** Ordinals, not references: a reference written into an old array dirties a card the next pause scans. */
    private byte[] kind = new byte[0];
    private byte[] status = new byte[0];
    private ResultInfo[] result = new ResultInfo[0];
    /** Each slot's {@code clientContext} in Latin-1 when it fits, at {@code slot * INLINE_CONTEXT}. */
    private byte[] inline = new byte[0];
    /** A slot's longer {@code clientContext}, its buffer reused from one occupant to the next. */
    private byte[][] context = new byte[0][];
    /** Its length, or {@link #NO_CONTEXT}, or {@link #CONTEXT_AS_STRING} (then in {@link #contextString}). */
    private int[] contextLength = new int[0];
    private String[] contextString = new String[0];
    /** An operation kept whole (it does not fit the columns), else null. */
    private Operation[] whole = new Operation[0];

    /**
     * @param callId    the call's id (every operation kept here belongs to it)
     * @param retention how many finished operations to keep, at least 1
     */
    OperationHistory(String callId, int retention) {
        if (retention < 1) {
            throw new IllegalArgumentException("retention must be at least 1");
        }
        this.callId = callId;
        this.retention = retention;
    }

    /** How many operations are kept. */
    int size() {
        return size;
    }

    /**
     * Keeps a finished operation; one with the id of a kept one replaces it in place (its age is unchanged), else it
     * becomes the newest and the oldest beyond the retention is dropped.
     */
    void add(Operation op) {
        int slot = find(op.id());
        if (slot < 0) {
            if (size == retention) {
                clear(head);
                head = (head + 1) % msb.length;
                size--;
            } else if (size == msb.length) {
                grow();
            }
            slot = (head + size) % msb.length;
            size++;
        }
        write(slot, op);
    }

    /** The kept operation with this id, or null. */
    Operation get(String id) {
        int slot = find(id);
        return slot < 0 ? null : read(slot);
    }

    /** Every kept operation, oldest first (new objects). */
    List<Operation> all() {
        List<Operation> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(read((head + i) % msb.length));
        }
        return out;
    }

    private int find(String id) {
        long[] parsed = parse(id);
        for (int i = size - 1; i >= 0; i--) {
            int slot = (head + i) % msb.length;
            Operation w = whole[slot];
            if (w != null) {
                if (w.id().equals(id)) {
                    return slot;
                }
            } else if (parsed != null && msb[slot] == parsed[0] && lsb[slot] == parsed[1]) {
                return slot;
            }
        }
        return -1;
    }

    private void write(int slot, Operation op) {
        long[] parsed = op.invitees().isEmpty() && op.media() == null && callId.equals(op.callId()) ? parse(op.id()) : null;
        String ctx = op.clientContext();
        if (parsed == null) {
            clear(slot);
            whole[slot] = op;
            return;
        }
        whole[slot] = null;
        msb[slot] = parsed[0];
        lsb[slot] = parsed[1];
        epochSecond[slot] = op.createdAt().getEpochSecond();
        nano[slot] = op.createdAt().getNano();
        kind[slot] = (byte) op.kind().ordinal();
        status[slot] = (byte) op.status().ordinal();
        if (result[slot] != op.resultInfo()) {
            result[slot] = op.resultInfo();
        }
        contextString[slot] = null;
        if (ctx == null) {
            contextLength[slot] = NO_CONTEXT;
        } else if (!latin1(ctx)) {
            contextLength[slot] = CONTEXT_AS_STRING;
            contextString[slot] = ctx;
        } else if (ctx.length() <= INLINE_CONTEXT) {
            int at = slot * INLINE_CONTEXT;
            for (int i = 0; i < ctx.length(); i++) {
                inline[at + i] = (byte) ctx.charAt(i);
            }
            contextLength[slot] = ctx.length();
        } else {
            byte[] buf = context[slot];
            if (buf == null || buf.length < ctx.length()) {
                buf = new byte[Integer.highestOneBit(ctx.length() - 1) << 1];
                context[slot] = buf;
            }
            for (int i = 0; i < ctx.length(); i++) {
                buf[i] = (byte) ctx.charAt(i);
            }
            contextLength[slot] = ctx.length();
        }
    }

    private Operation read(int slot) {
        Operation w = whole[slot];
        if (w != null) {
            return w;
        }
        int n = contextLength[slot];
        String ctx = n == NO_CONTEXT ? null
                : n == CONTEXT_AS_STRING ? contextString[slot]
                : n <= INLINE_CONTEXT ? new String(inline, slot * INLINE_CONTEXT, n, StandardCharsets.ISO_8859_1)
                : new String(context[slot], 0, n, StandardCharsets.ISO_8859_1);
        return new Operation(new UUID(msb[slot], lsb[slot]).toString(), callId, KINDS[kind[slot]], STATUSES[status[slot]], ctx,
                result[slot], List.of(), Instant.ofEpochSecond(epochSecond[slot], nano[slot]));
    }

    /** Drops the slot's references (its context buffer stays, for the next occupant). */
    private void clear(int slot) {
        whole[slot] = null;
        result[slot] = null;
        contextString[slot] = null;
    }

    /**
     * Doubles the columns (at most to the retention). Only a history that never evicted grows, since eviction starts
     * when it holds {@code retention} entries and then it never grows again; so its oldest entry is still in slot 0
     * and each column keeps its slots as they are.
     */
    private void grow() {
        assert head == 0 : "a history that evicted does not grow";
        int capacity = Math.min(retention, Math.max(FIRST_CAPACITY, msb.length * 2));
        msb = Arrays.copyOf(msb, capacity);
        lsb = Arrays.copyOf(lsb, capacity);
        epochSecond = Arrays.copyOf(epochSecond, capacity);
        nano = Arrays.copyOf(nano, capacity);
        kind = Arrays.copyOf(kind, capacity);
        status = Arrays.copyOf(status, capacity);
        result = Arrays.copyOf(result, capacity);
        inline = Arrays.copyOf(inline, capacity * INLINE_CONTEXT);
        context = Arrays.copyOf(context, capacity);
        contextLength = Arrays.copyOf(contextLength, capacity);
        contextString = Arrays.copyOf(contextString, capacity);
        whole = Arrays.copyOf(whole, capacity);
    }

    private static boolean latin1(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xFF) {
                return false;
            }
        }
        return true;
    }

    /** The two halves of a canonical lowercase GUID ({@link Guids}), else null: any other id is kept whole. */
    static long[] parse(String id) {
        long[] halves = new long[2];
        return Guids.parseCanonical(id, halves) ? halves : null;
    }
}
