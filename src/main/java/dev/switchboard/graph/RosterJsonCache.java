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
 * <p>Rosters are rendered lazily, on notifier threads, when their POST is frozen ({@link Call#wrapParticipants}), so
 * two bots of one call may render concurrently, and out of order (an older snapshot after a newer one). Both are
 * safe: an entry's bytes are reused only when its view {@code equals} the one being rendered, and a call's map is
 * replaced whole, never changed in place, so a race can only lose cache entries, never show other bytes.
 *
 * <p>Thread-safe. {@link #call} is called where the snapshot is taken (conference lock held) and costs one map
 * look-up; a call's entries are dropped when its roster ends ({@link #forget}) — renders still queued then keep their
 * own {@link Call} and never put it back; if calls vanish without that, the cache is emptied past {@link #MAX_CALLS}.
 */
final class RosterJsonCache {
    /** Calls kept; far above what one node carries, only a guard against a leak. */
    static final int MAX_CALLS = 20_000;
    /** The estimate of an entry not rendered yet (a user entry is ~560–620 bytes). */
    private static final int FIRST_ENTRY_ESTIMATE = 640;

    private record Entry(ParticipantView view, byte[] json) {
    }

    /** One call's entries. */
    static final class Call {
        private volatile Map<String, Entry> entries = Map.of();
        private volatile int entryLength = FIRST_ENTRY_ESTIMATE;

        /** The expected size of {@code head + roster + tail} (the last render's mean entry; for the batch limit). */
        int estimate(int participants, int headAndTail) {
            return headAndTail + 2 + participants * (entryLength + 1);
        }

        /**
         * {@code head}, then the UTF-8 JSON array of {@code roster} (one {@code #microsoft.graph.participant} each),
         * then {@code tail}: one array of exactly that size (a roster of 400 is ~250 KB; no copies). Any thread.
         */
        byte[] wrapParticipants(List<ParticipantView> roster, byte[] head, byte[] tail) {
            Map<String, Entry> before = entries;
            Map<String, Entry> now = HashMap.newHashMap(roster.size());
            byte[][] parts = new byte[roster.size()][];
            int entryBytes = 0;
            for (int i = 0; i < parts.length; i++) {
                ParticipantView p = roster.get(i);
                Entry e = before.get(p.id());
                if (e == null || (e.view != p && !e.view.equals(p))) {
                    e = new Entry(p, GraphWire.bytes(CallJson.participant(p)));
                }
                now.put(p.id(), e);
                parts[i] = e.json;
                entryBytes += e.json.length;
            }
            int size = head.length + 2 + Math.max(0, parts.length - 1) + entryBytes + tail.length;
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
            entries = now; // never changed after this write
            if (parts.length > 0) {
                entryLength = entryBytes / parts.length;
            }
            return out;
        }

        /** Entries cached (for tests). */
        int size() {
            return entries.size();
        }
    }

    private final Map<String, Call> calls = new ConcurrentHashMap<>();

    /** Call {@code chainId}'s entries, made on first use. */
    Call call(String chainId) {
        Call c = calls.get(chainId);
        if (c != null) {
            return c;
        }
        if (calls.size() >= MAX_CALLS) {
            calls.clear();
        }
        return calls.computeIfAbsent(chainId, id -> new Call());
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
