package dev.switchboard.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Every live bot call of this node for an operator (the dashboard's admin API), across apps and tenants: the caller
 * filters by tenant. Reads take each call's conference lock briefly to copy it; nothing here changes a call except
 * {@link #end}, which ends a whole conference the way a shutdown does (every bot hears {@code terminated}).
 *
 * <p>Thread-safe; request threads and the dashboard's sampler (docs/concurrency.md).
 */
public final class CallDirectory {
    /** Why a call ended when an operator ended it from the dashboard. */
    public static final ResultInfo ENDED_BY_ADMIN = new ResultInfo(200, 5010, "The call was ended by an administrator.");

    private final CallRegistry registry;
    private final Departures departures;

    CallDirectory(CallRegistry registry, Departures departures) {
        this.registry = registry;
        this.departures = departures;
    }

    /** The live bot calls, oldest first. */
    public List<CallSnapshot> liveCalls() {
        List<CallSnapshot> out = new ArrayList<>();
        for (Call call : registry.liveCalls()) {
            snapshot(call).ifPresent(out::add);
        }
        out.sort(Comparator.comparing(CallSnapshot::createdAt).thenComparing(CallSnapshot::id));
        return out;
    }

    /** One live bot call, if it is live on this node. */
    public Optional<CallSnapshot> call(String callId) {
        Call call = registry.call(callId);
        return call == null ? Optional.empty() : snapshot(call);
    }

    /**
     * Ends the conference of live call {@code callId} with {@link #ENDED_BY_ADMIN}: every bot in it is told
     * {@code terminated}, every participant's leg is closed. Returns false if the call is not live here.
     */
    boolean end(String callId) {
        Call call = registry.call(callId);
        if (call == null) {
            return false;
        }
        Conference c = call.conference;
        c.lock.lock();
        try {
            if (c.ended || !call.live()) {
                return false;
            }
            departures.endConference(c, ENDED_BY_ADMIN);
            return true;
        } finally {
            c.lock.unlock();
        }
    }

    /**
     * Ends the conference {@code callId} leads to (a bot call's id, or any id its users reach it by) with {@code why}:
     * every bot still in it is told {@code terminated}, every leg closes. False when no live conference has that id.
     */
    public boolean endConference(String callId, ResultInfo why) {
        Conference c = registry.conference(callId);
        if (c == null) {
            return false;
        }
        c.lock.lock();
        try {
            if (c.ended) {
                return false;
            }
            departures.endConference(c, why);
            return true;
        } finally {
            c.lock.unlock();
        }
    }

    private static Optional<CallSnapshot> snapshot(Call call) {
        Conference c = call.conference;
        c.lock.lock();
        try {
            if (!call.live()) {
                return Optional.empty();
            }
            List<Operation> ops = call.finishedOperations();
            ops.addAll(call.runningOperations.values());
            ops.sort(Comparator.comparing(Operation::createdAt));
            return Optional.of(new CallSnapshot(call.id, c.id, call.tenantId, call.appId, c.peerToPeer,
                    call.request.meeting() != null, call.request.appHostedMedia(), call.state, call.createdAt,
                    call.resultInfo, call.myParticipantId, c.room.callId(), call.request.callbackUri(), c.roster(), ops));
        } finally {
            c.lock.unlock();
        }
    }
}
