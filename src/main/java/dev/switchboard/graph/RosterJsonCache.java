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
 * safe: an entry's bytes are reused only when its view {@code equals} the one being rendered, and a call's last render
 * is replaced whole, never changed in place, so a race can only lose cache entries, never show other bytes.
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
    /** Envelopes kept per call; a call has one per bot, so this is only a guard. */
    static final int MAX_ENVELOPES = 64;

    /** The last render's entries in roster order (never changed after it is published). */
    private record Last(ParticipantView[] views, byte[][] json) {
        static final Last NONE = new Last(new ParticipantView[0], new byte[0][]);
    }

    /** One call's entries. */
    static final class Call {
        private volatile Last last = Last.NONE;
        private volatile int entryLength = FIRST_ENTRY_ESTIMATE;
        /** The commsNotification envelope of each resource URL seen (one per bot of the call; at most a few). */
        private final Map<String, byte[]> envelopes = new ConcurrentHashMap<>();

        /** The expected size of {@code head + roster + tail} (the last render's mean entry; for the batch limit). */
        int estimate(int participants, int headAndTail) {
            return headAndTail + 2 + participants * (entryLength + 1);
        }

        /**
         * The envelope {@code render} makes for {@code resourceUrl}, rendered once per resource URL of the call (its
         * bytes depend on the URL only). Any thread; the array is shared: never change it.
         */
        byte[] envelope(String resourceUrl, java.util.function.Function<String, byte[]> render) {
            byte[] e = envelopes.get(resourceUrl);
            if (e == null) {
                if (envelopes.size() >= MAX_ENVELOPES) {
                    envelopes.clear();
                }
                e = envelopes.computeIfAbsent(resourceUrl, render);
            }
            return e;
        }

        /**
         * {@code head}, then the UTF-8 JSON array of {@code roster} (one {@code #microsoft.graph.participant} each),
         * then {@code tail}: one array of exactly that size (a roster of 400 is ~250 KB; no copies). Any thread.
         *
         * <p>An entry is looked up first at its own position in the last render (a mute changes one entry and moves
         * none: no map, no hashing), then, only when the roster's order changed (a join, a leave), by id.
         */
        byte[] wrapParticipants(List<ParticipantView> roster, byte[] head, byte[] tail) {
            Last before = last;
            int n = roster.size();
            ParticipantView[] views = new ParticipantView[n];
            byte[][] parts = new byte[n][];
            Map<String, Integer> byId = null; // the last render's positions by id, made on the first moved entry
            int entryBytes = 0;
            for (int i = 0; i < n; i++) {
                ParticipantView p = roster.get(i);
                int at = i;
                if (at >= before.views.length || !before.views[at].id().equals(p.id())) {
                    if (byId == null) {
                        byId = HashMap.newHashMap(before.views.length);
                        for (int k = 0; k < before.views.length; k++) {
                            byId.put(before.views[k].id(), k);
                        }
                    }
                    Integer moved = byId.get(p.id());
                    at = moved == null ? -1 : moved;
                }
                byte[] json;
                if (at >= 0 && (before.views[at] == p || before.views[at].equals(p))) {
                    json = before.json[at];
                } else {
                    json = GraphWire.bytes(CallJson.participant(p));
                }
                views[i] = p;
                parts[i] = json;
                entryBytes += json.length;
            }
            int size = head.length + 2 + Math.max(0, n - 1) + entryBytes + tail.length;
            byte[] out = new byte[size];
            System.arraycopy(head, 0, out, 0, head.length);
            int at = head.length;
            out[at++] = '[';
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    out[at++] = ',';
                }
                System.arraycopy(parts[i], 0, out, at, parts[i].length);
                at += parts[i].length;
            }
            out[at++] = ']';
            System.arraycopy(tail, 0, out, at, tail.length);
            last = new Last(views, parts); // never changed after this write
            if (n > 0) {
                entryLength = entryBytes / n;
            }
            return out;
        }

        /** Entries cached (for tests). */
        int size() {
            return last.views.length;
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
