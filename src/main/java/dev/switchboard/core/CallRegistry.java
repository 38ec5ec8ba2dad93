package dev.switchboard.core;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where calls are found: live bot calls by id, conferences by any of their call ids (kept until the conference
 * ends, so participants can still reach a group call whose bot left), and group calls by meeting key. Thread-safe;
 * changes happen with the conference's lock held.
 *
 * <p>Threads and locks: docs/concurrency.md.
 */
final class CallRegistry {
    private final ConcurrentHashMap<String, Call> calls = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Conference> conferencesByCallId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Conference> meetings = new ConcurrentHashMap<>();
    /**
     * Users moved out of a call another replaced ({@link CallReplacements}): "callId\nuserId" → the conference they
     * went to, kept while it lasts, so a client that still addresses the old id reaches the new call.
     */
    private final ConcurrentHashMap<String, Conference> movedUsers = new ConcurrentHashMap<>();

    /** Live bot calls per tenant (a tenant without any is absent). */
    private final ConcurrentHashMap<String, Integer> liveByTenant = new ConcurrentHashMap<>();

    void register(Call call) {
        if (calls.put(call.id, call) == null) {
            liveByTenant.merge(call.tenantId, 1, Integer::sum);
        }
        conferencesByCallId.put(call.id, call.conference);
    }

    /** {@code callId} leads to {@code c} as well (a call without a bot of its own: a transfer's new call). */
    void alias(String callId, Conference c) {
        conferencesByCallId.put(callId, c);
    }

    /** The bot call ended; its id still leads participants to the conference while it lasts. */
    void forget(Call call) {
        Call removed = calls.remove(call.id);
        if (removed != null) {
            liveByTenant.computeIfPresent(removed.tenantId, (t, n) -> n > 1 ? n - 1 : null);
        }
    }

    void forget(Conference c) {
        for (String key : c.movedInKeys) {
            movedUsers.remove(key, c);
        }
        for (String alias : c.aliases) {
            conferencesByCallId.remove(alias, c);
        }
        for (String key : c.meetingKeys) {
            meetings.remove(key, c);
        }
    }

    /**
     * Operations running in the live bot calls, summed without their locks (each call's count as last written; an
     * ended call's last operations, which end moments later, are not counted).
     */
    int runningOperations() {
        int sum = 0;
        for (Call c : calls.values()) {
            sum += c.runningOperations.size();
        }
        return sum;
    }

    /** As {@link #runningOperations()}, for the live bot calls of {@code tenantId} only. */
    int runningOperations(String tenantId) {
        int sum = 0;
        for (Call c : calls.values()) {
            if (c.tenantId.equals(tenantId)) {
                sum += c.runningOperations.size();
            }
        }
        return sum;
    }

    Call call(String callId) {
        return callId == null ? null : calls.get(callId);
    }

    Conference conference(String callId) {
        return callId == null ? null : conferencesByCallId.get(callId);
    }

    /** User {@code userId} left call {@code fromCallId} for {@code into}; lock of {@code into} held. */
    void moved(String fromCallId, String userId, Conference into) {
        String key = fromCallId + "\n" + userId;
        movedUsers.put(key, into);
        into.movedInKeys.add(key);
    }

    /** The live-or-ended conference user {@code userId} was moved to out of call {@code callId}, or null. */
    Conference movedTo(String callId, String userId) {
        return callId == null ? null : movedUsers.get(callId + "\n" + userId);
    }

    ConcurrentHashMap<String, Conference> meetings() {
        return meetings;
    }

    List<Call> liveCalls() {
        return List.copyOf(calls.values());
    }

    List<Conference> conferences() {
        return List.copyOf(conferencesByCallId.values());
    }

    int size() {
        return calls.size();
    }

    /** The live bot calls of {@code tenantId}. */
    int size(String tenantId) {
        return liveByTenant.getOrDefault(tenantId, 0);
    }
}
