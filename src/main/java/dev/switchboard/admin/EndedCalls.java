package dev.switchboard.admin;

import dev.switchboard.core.CallEvent;
import dev.switchboard.core.CallEventSink;
import dev.switchboard.core.CallSnapshot;
import dev.switchboard.core.CallState;
import dev.switchboard.core.ResultInfo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Calls that ended, kept for the dashboard for {@link #RETENTION} (at most {@link #MAX_ENDED}), each with its
 * {@code resultInfo}. A {@link CallEventSink}: it hears every call's {@code terminated} inside the call's conference
 * lock and only records it. What the call looked like (kind, roster, operations) is the last snapshot the dashboard
 * saw of it while live ({@link #seen}); a call nobody looked at while it was live is shown with what the event tells.
 *
 * <p>Thread-safe: one monitor, held briefly, never across I/O (a leaf after the conference lock, docs/concurrency.md).
 */
public final class EndedCalls implements CallEventSink {
    /** How long an ended call stays listed. */
    public static final Duration RETENTION = Duration.ofHours(1);
    static final int MAX_ENDED = 1_000;
    /** Live calls whose last snapshot is remembered (bounded too: least recently seen goes first). */
    static final int MAX_SEEN = 5_000;

    /**
     * An ended call.
     *
     * @param last     the last snapshot seen while live, or null
     */
    public record Ended(String id, String callChainId, String tenantId, String appId, ResultInfo resultInfo,
                        Instant endedAt, CallSnapshot last) {
    }

    private final Clock clock;
    private final Consumer<String> onExpire;
    private final LinkedHashMap<String, CallSnapshot> seen = new LinkedHashMap<>(16, 0.75f, true);
    private final LinkedHashMap<String, Ended> ended = new LinkedHashMap<>();

    /** @param onExpire told the id of an ended call that is forgotten (its delivery history goes too) */
    public EndedCalls(Clock clock, Consumer<String> onExpire) {
        this.clock = clock;
        this.onExpire = onExpire;
    }

    @Override
    public void publish(CallEvent event) {
        if (event instanceof CallEvent.CallStateChanged s && s.state() == CallState.TERMINATED) {
            List<String> expired;
            synchronized (this) {
                CallSnapshot last = seen.remove(s.bot().callId());
                ended.put(s.bot().callId(), new Ended(s.bot().callId(), s.callChainId(), s.bot().tenantId(),
                        s.bot().appId(), s.resultInfo(), clock.instant(), last));
                expired = expire();
            }
            expired.forEach(onExpire);
        }
    }

    /** The dashboard saw these live calls now (remembered so an ended call can still be shown as it was). */
    public synchronized void seen(List<CallSnapshot> live) {
        for (CallSnapshot c : live) {
            if (!ended.containsKey(c.id())) {
                seen.put(c.id(), c);
            }
        }
        while (seen.size() > MAX_SEEN) {
            Iterator<String> lru = seen.keySet().iterator();
            lru.next();
            lru.remove();
        }
    }

    /** The ended calls still kept, most recent first. */
    public List<Ended> list() {
        List<Ended> out;
        List<String> expired;
        synchronized (this) {
            expired = expire();
            out = new ArrayList<>(ended.values());
        }
        expired.forEach(onExpire);
        java.util.Collections.reverse(out);
        return out;
    }

    /** An ended call still kept, or null. */
    public synchronized Ended get(String callId) {
        return ended.get(callId);
    }

    private List<String> expire() {
        List<String> gone = new ArrayList<>(0);
        Instant horizon = clock.instant().minus(RETENTION);
        Iterator<Map.Entry<String, Ended>> it = ended.entrySet().iterator();
        while (it.hasNext()) {
            Ended e = it.next().getValue();
            if (ended.size() > MAX_ENDED || e.endedAt().isBefore(horizon)) {
                it.remove();
                gone.add(e.id());
            } else {
                break;
            }
        }
        return gone;
    }
}
