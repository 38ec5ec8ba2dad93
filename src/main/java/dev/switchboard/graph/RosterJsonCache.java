package dev.switchboard.graph;

import dev.switchboard.core.ParticipantView;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rendered JSON of each roster entry of each live call, reused while the entry is unchanged (issue 17). A roster
 * notification carries the whole roster, and a mute changes one entry of it: rendering 400 participants through
 * Jackson's tree on every mute was most of a mute's CPU on its request thread, inside the conference lock. With this
 * cache a roster costs one render of each changed entry plus a copy of the others' bytes; the output is byte for byte
 * what {@link CallJson#participants} would serialise.
 *
 * <p>Thread-safe. Entries are immutable pairs (view, bytes); a call's map is replaced whole, never changed in place, so
 * two renders of the same call racing (they do not: both hold the conference lock) could only lose a cache entry,
 * never show one call's bytes for another's view. A call's entries are dropped when its roster ends
 * ({@link #forget}); if calls vanish without that, the cache is emptied past {@link #MAX_CALLS} calls.
 */
final class RosterJsonCache {
    /** Calls kept; far above what one node carries, only a guard against a leak. */
    static final int MAX_CALLS = 20_000;

    private record Entry(ParticipantView view, byte[] json) {
    }

    private final Map<String, Map<String, Entry>> calls = new ConcurrentHashMap<>();

    /**
     * {@code head}, then the UTF-8 JSON array of {@code roster} (one {@code #microsoft.graph.participant} each) of call
     * {@code chainId}, then {@code tail}: one array of exactly that size (a roster of 400 is ~250 KB; no copies).
     */
    byte[] wrapParticipants(String chainId, List<ParticipantView> roster, byte[] head, byte[] tail) {
        Map<String, Entry> before = calls.getOrDefault(chainId, Map.of());
        Map<String, Entry> now = HashMap.newHashMap(roster.size());
        byte[][] parts = new byte[roster.size()][];
        int size = head.length + 2 + Math.max(0, roster.size() - 1) + tail.length;
        for (int i = 0; i < parts.length; i++) {
            ParticipantView p = roster.get(i);
            Entry e = before.get(p.id());
            if (e == null || !e.view.equals(p)) {
                e = new Entry(p, GraphWire.bytes(CallJson.participant(p)));
            }
            now.put(p.id(), e);
            parts[i] = e.json;
            size += e.json.length;
        }
        byte[] out = new byte[size];
        System.arraycopy(head, 0, out, 0, head.length);
        int at = head.length;
        out[at++] = '[';
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                out[at++] = ',';
            }
            System.arraycopy(parts[i], 0, out, at, parts[i].length);
            at += parts[i].length;
        }
        out[at++] = ']';
        System.arraycopy(tail, 0, out, at, tail.length);
        if (calls.size() >= MAX_CALLS && !calls.containsKey(chainId)) {
            calls.clear();
        }
        calls.put(chainId, now);
        return out;
    }

    /** Drops a call's entries (its roster ended). */
    void forget(String chainId) {
        calls.remove(chainId);
    }

    /** Calls with cached entries (for tests). */
    int size() {
        return calls.size();
    }
}
