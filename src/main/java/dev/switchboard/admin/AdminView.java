package dev.switchboard.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.CallDirectory;
import dev.switchboard.core.CallSnapshot;
import dev.switchboard.core.Operation;
import dev.switchboard.core.ParticipantIdentity;
import dev.switchboard.core.ParticipantView;
import dev.switchboard.core.ResultInfo;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.auth.AdminRoles;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.media.DropReason;
import dev.switchboard.media.LegSample;
import dev.switchboard.media.LegStats;
import dev.switchboard.notify.DeliveryReport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;

/**
 * What the admin API shows, as JSON trees (docs/admin-api.md): the calls list, one call (roster with legs, operations,
 * webhook deliveries), its live levels, the server's numbers. Every read is filtered by the administrator's tenant
 * scope; a call outside it is reported as not found, like one that never existed. Thread-safe.
 */
final class AdminView {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final CallDirectory directory;
    private final EndedCalls ended;
    private final DeliveryLog deliveries;
    private final LegReadings legs;
    private final ServerNumbers numbers;
    private final Clock clock;

    AdminView(CallDirectory directory, EndedCalls ended, DeliveryLog deliveries, LegReadings legs, ServerNumbers numbers,
              Clock clock) {
        this.directory = directory;
        this.ended = ended;
        this.deliveries = deliveries;
        this.legs = legs;
        this.numbers = numbers;
        this.clock = clock;
    }

    /** The live calls, then the ended ones still kept. */
    ObjectNode calls(AdminAccess.Admin admin, CallsFilter filter) {
        List<CallSnapshot> live = directory.liveCalls();
        ended.seen(live);
        ArrayNode value = F.arrayNode();
        for (CallSnapshot c : live) {
            if (admin.sees(c.tenantId()) && filter.matches(c.appId(), c.tenantId(), c.state().wireName(), true)) {
                value.add(summary(c, null, null));
            }
        }
        for (EndedCalls.Ended e : ended.list()) {
            if (admin.sees(e.tenantId()) && filter.matches(e.appId(), e.tenantId(), "terminated", false)) {
                value.add(endedSummary(e));
            }
        }
        ObjectNode out = F.objectNode();
        out.set("value", value);
        out.put("endedRetentionSeconds", EndedCalls.RETENTION.toSeconds());
        return out;
    }

    /** One call with its roster, operations and deliveries. */
    ObjectNode call(AdminAccess.Admin admin, String callId) {
        Optional<CallSnapshot> live = directory.call(callId).filter(c -> admin.sees(c.tenantId()));
        ObjectNode out;
        if (live.isPresent()) {
            CallSnapshot c = live.get();
            out = summary(c, null, null);
            out.set("participants", participants(c, true));
            out.set("operations", operations(c.operations()));
        } else {
            EndedCalls.Ended e = endedCall(admin, callId);
            out = endedSummary(e);
            out.set("participants", F.arrayNode());
            out.set("operations", operations(e.last() == null ? List.of() : e.last().operations()));
        }
        out.set("deliveries", deliveries(callId));
        return out;
    }

    /** A live call as its owner-app caller, for an action; 404 outside the admin's scope or once ended. */
    CallSnapshot liveCall(AdminAccess.Admin admin, String callId) {
        return directory.call(callId).filter(c -> admin.sees(c.tenantId()))
                .orElseThrow(() -> SwitchboardException.notFound("Call '" + callId + "'"));
    }

    /** The body of one webhook POST of a call the admin sees. */
    DeliveryLog.Entry delivery(AdminAccess.Admin admin, String callId, String notificationId) {
        if (directory.call(callId).filter(c -> admin.sees(c.tenantId())).isEmpty()) {
            endedCall(admin, callId);
        }
        DeliveryLog.Entry e = deliveries.delivery(callId, notificationId);
        if (e == null) {
            throw SwitchboardException.notFound("Delivery '" + notificationId + "'");
        }
        return e;
    }

    /**
     * The live readings of a call's legs (level, counters, jitter depth): what the feed sends 5 times a second. An ended
     * call still kept has no legs (an empty {@code value}); a call neither live nor kept in the admin's scope is a 404,
     * as {@code GET /calls/{callId}} is.
     */
    ObjectNode levels(AdminAccess.Admin admin, String callId) {
        ObjectNode out = F.objectNode();
        out.put("callId", callId);
        ArrayNode value = out.putArray("value");
        Optional<CallSnapshot> live = directory.call(callId).filter(c -> admin.sees(c.tenantId()));
        if (live.isEmpty()) {
            endedCall(admin, callId);
            return out;
        }
        CallSnapshot c = live.get();
        for (ParticipantView p : c.roster()) {
            ObjectNode n = value.addObject();
            n.put("id", p.id());
            legs.read(c.mediaRoomId(), p.id()).ifPresent(r -> reading(n, r));
        }
        return out;
    }

    /** The server's numbers (every {@code switchboard.*} meter) with the time they were read. */
    ObjectNode server() {
        ObjectNode out = F.objectNode();
        out.put("at", clock.instant().toString());
        ObjectNode values = out.putObject("values");
        numbers.read().forEach(values::put);
        return out;
    }

    // ---- what the live feed's topics render (FeedTopic): entries compared from one rendering to the next -------------

    /** Whether the admin may watch call {@code callId} (live or kept, in the admin's scope). */
    boolean visible(AdminAccess.Admin admin, String callId) {
        Optional<CallSnapshot> live = directory.call(callId);
        if (live.isPresent()) {
            return admin.sees(live.get().tenantId());
        }
        EndedCalls.Ended e = ended.get(callId);
        return e != null && admin.sees(e.tenantId());
    }

    /** The calls list of a scope for the feed, by call id, in the list's order; summaries without {@code ageSeconds}. */
    Map<String, JsonNode> feedCalls(AdminRoles.Scope scope) {
        List<CallSnapshot> live = directory.liveCalls();
        ended.seen(live);
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (CallSnapshot c : live) {
            if (scope.sees(c.tenantId())) {
                out.put(c.id(), summaryWithoutAge(c, null, null));
            }
        }
        for (EndedCalls.Ended e : ended.list()) {
            if (scope.sees(e.tenantId())) {
                out.putIfAbsent(e.id(), endedSummaryWithoutAge(e));
            }
        }
        return out;
    }

    /**
     * One call for the feed, by field (as {@link #call} without {@code ageSeconds} and without the legs' readings,
     * which the levels topic carries), or null when the call is neither live nor kept. No scope check: the feed checks
     * {@link #visible} when it subscribes.
     */
    Map<String, JsonNode> feedCall(String callId) {
        Optional<CallSnapshot> live = directory.call(callId);
        ObjectNode out;
        if (live.isPresent()) {
            CallSnapshot c = live.get();
            ended.seen(List.of(c));
            out = summaryWithoutAge(c, null, null);
            out.set("participants", participants(c, false));
            out.set("operations", operations(c.operations()));
        } else {
            EndedCalls.Ended e = ended.get(callId);
            if (e == null) {
                return null;
            }
            out = endedSummaryWithoutAge(e);
            out.set("participants", F.arrayNode());
            out.set("operations", operations(e.last() == null ? List.of() : e.last().operations()));
        }
        out.set("deliveries", deliveries(callId));
        return FeedTopic.fields(out);
    }

    /** The readings of a live call's legs for the feed, by participant id (empty once the call is not live). */
    Map<String, JsonNode> feedLevels(String callId) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        directory.call(callId).ifPresent(c -> {
            for (ParticipantView p : c.roster()) {
                legs.read(c.mediaRoomId(), p.id()).ifPresent(r -> {
                    ObjectNode n = F.objectNode();
                    n.put("id", p.id());
                    reading(n, r);
                    out.put(p.id(), n);
                });
            }
        });
        return out;
    }

    /** The server's numbers for the feed, by name. */
    Map<String, JsonNode> feedServer() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        numbers.read().forEach((k, v) -> out.put(k, F.numberNode(v)));
        return out;
    }

    private EndedCalls.Ended endedCall(AdminAccess.Admin admin, String callId) {
        EndedCalls.Ended e = ended.get(callId);
        if (e == null || !admin.sees(e.tenantId())) {
            throw SwitchboardException.notFound("Call '" + callId + "'");
        }
        return e;
    }

    private ObjectNode summary(CallSnapshot c, ResultInfo result, Instant endedAt) {
        ObjectNode n = summaryWithoutAge(c, result, endedAt);
        n.put("ageSeconds", Duration.between(c.createdAt(), endedAt != null ? endedAt : clock.instant()).toSeconds());
        return n;
    }

    /** A call's summary as the live feed sends it: no {@code ageSeconds}, which would change it every second. */
    private ObjectNode summaryWithoutAge(CallSnapshot c, ResultInfo result, Instant endedAt) {
        ObjectNode n = F.objectNode();
        n.put("id", c.id());
        n.put("callChainId", c.callChainId());
        n.put("tenantId", c.tenantId());
        n.put("appId", c.appId());
        n.put("kind", c.peerToPeer() ? "peerToPeer" : "group");
        n.put("direction", c.joined() ? "joined" : "created");
        n.put("state", endedAt != null ? "terminated" : c.state().wireName());
        n.put("createdAt", c.createdAt().toString());
        n.put("participantCount", c.roster().size());
        n.put("mediaMode", c.appHostedMedia() ? "appHosted" : "serviceHosted");
        n.put("myParticipantId", c.myParticipantId());
        n.put("callbackUri", String.valueOf(c.callbackUri()));
        if (endedAt != null) {
            n.put("endedAt", endedAt.toString());
        }
        if (result != null) {
            n.set("resultInfo", resultInfo(result));
        }
        return n;
    }

    private ObjectNode endedSummary(EndedCalls.Ended e) {
        if (e.last() != null) {
            ObjectNode n = summary(e.last(), e.resultInfo(), e.endedAt());
            n.put("participantCount", 0);
            return n;
        }
        return endedSummaryWithoutAge(e);
    }

    private ObjectNode endedSummaryWithoutAge(EndedCalls.Ended e) {
        if (e.last() != null) {
            ObjectNode n = summaryWithoutAge(e.last(), e.resultInfo(), e.endedAt());
            n.put("participantCount", 0);
            return n;
        }
        ObjectNode n = F.objectNode();
        n.put("id", e.id());
        n.put("callChainId", e.callChainId());
        n.put("tenantId", e.tenantId());
        n.put("appId", e.appId());
        n.put("state", "terminated");
        n.put("participantCount", 0);
        n.put("endedAt", e.endedAt().toString());
        if (e.resultInfo() != null) {
            n.set("resultInfo", resultInfo(e.resultInfo()));
        }
        return n;
    }

    /** The roster; {@code readings}: with each leg's level and counters (a reading), else leg type and codec only. */
    private ArrayNode participants(CallSnapshot c, boolean readings) {
        ArrayNode out = F.arrayNode();
        for (ParticipantView p : c.roster()) {
            ObjectNode n = out.addObject();
            n.put("id", p.id());
            ParticipantIdentity who = p.identity();
            n.put("identityKind", who.kind().slot());
            n.put("identityId", who.id());
            n.put("displayName", who.displayName());
            n.put("serverMuted", p.serverMuted());
            n.put("clientMuted", p.clientMuted());
            n.put("isMuted", p.isMuted());
            n.put("rosterSequenceNumber", p.rosterSequenceNumber());
            n.put("isBot", p.id().equals(c.myParticipantId()));
            Optional<LegReadings.Reading> r = readings ? legs.read(c.mediaRoomId(), p.id()) : Optional.empty();
            Optional<LegSample> sample = readings ? r.map(LegReadings.Reading::sample) : legs.sample(c.mediaRoomId(), p.id());
            if (sample.isPresent()) {
                n.put("legType", sample.get().webRtc() ? "webrtc" : "rtp");
                LegStats s = sample.get().stats();
                n.put("codec", s.codec() == null ? null : s.codec().name().toLowerCase(Locale.ROOT));
                r.ifPresent(reading -> reading(n, reading));
            } else {
                boolean bot = who.kind() != ParticipantIdentity.Kind.USER;
                n.put("legType", bot && !c.appHostedMedia() ? "serverBot" : "none");
            }
        }
        return out;
    }

    private static void reading(ObjectNode n, LegReadings.Reading r) {
        LegStats s = r.sample().stats();
        n.put("level", Math.round(r.level() * 1000) / 1000.0);
        n.put("packetsIn", s.packetsIn());
        n.put("packetsOut", s.packetsOut());
        n.put("framesMixed", s.framesMixed());
        n.put("framesConcealed", s.framesConcealed());
        n.put("jitterBuffered", r.sample().jitterBuffered());
        ObjectNode dropped = n.putObject("dropped");
        for (DropReason reason : DropReason.values()) {
            dropped.put(reason.tag(), s.dropped(reason));
        }
    }

    private static ArrayNode operations(List<Operation> ops) {
        ArrayNode out = F.arrayNode();
        for (Operation op : ops) {
            ObjectNode n = out.addObject();
            n.put("id", op.id());
            n.put("type", op.kind().typeName());
            n.put("status", op.status().wireName());
            n.put("clientContext", op.clientContext());
            n.put("createdAt", op.createdAt().toString());
            if (op.resultInfo() != null) {
                n.set("resultInfo", resultInfo(op.resultInfo()));
            }
        }
        return out;
    }

    private ArrayNode deliveries(String callId) {
        ArrayNode out = F.arrayNode();
        for (DeliveryLog.Entry e : deliveries.deliveries(callId)) {
            DeliveryReport r = e.report();
            ObjectNode n = out.addObject();
            n.put("notificationId", r.notificationId());
            n.put("sequence", r.sequence());
            ArrayNode kinds = n.putArray("kinds");
            r.kinds().forEach(kinds::add);
            n.put("state", switch (r.state()) {
                case DELIVERED -> "delivered";
                case RETRYING -> "retrying";
                case GAVE_UP -> "givenUp";
            });
            n.put("attempts", r.attempts());
            if (r.statusCode() >= 0) {
                n.put("statusCode", r.statusCode());
            }
            if (r.latencyMillis() >= 0) {
                n.put("latencyMillis", r.latencyMillis());
            }
            if (r.nextAttemptAt() != null) {
                n.put("nextAttemptAt", r.nextAttemptAt().toString());
            }
            if (r.lastError() != null) {
                n.put("lastError", r.lastError());
            }
            n.put("at", r.at().toString());
            n.put("bodyBytes", e.bodyLength());
            n.put("bodyTruncated", e.truncated());
        }
        return out;
    }

    private static ObjectNode resultInfo(ResultInfo r) {
        ObjectNode n = F.objectNode();
        n.put("code", r.code());
        n.put("subcode", r.subcode());
        n.put("message", r.message());
        return n;
    }
}
