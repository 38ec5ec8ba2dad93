package dev.switchboard.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.CallEvent;
import dev.switchboard.core.CallState;
import dev.switchboard.core.ParticipantView;
import dev.switchboard.notify.NotificationItem;
import dev.switchboard.notify.NotificationKind;
import dev.switchboard.notify.OutboundNotification;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders the engine's {@link CallEvent}s as Graph {@code commsNotification} items (facts §6.3) for the bots'
 * callback URIs: call states as {@code updated} ({@code terminated} as {@code deleted}), rosters as {@code updated}
 * on the participants (the whole roster, or the delta when the bot asked for it), finished operations as
 * {@code deleted}, an incoming call as {@code created} with the whole call (docs/inbound-calls.md). Thread-safe; its only
 * state is a {@link RosterJsonCache} (each roster entry rendered once while unchanged), so keep one renderer per server.
 *
 * <p>Threads and locks: docs/concurrency.md.
 */
public final class NotificationRenderer {
    static final String ITEM_TYPE = "#microsoft.graph.commsNotification";
    private static final byte[] RESOURCE_DATA = ",\"resourceData\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = {'}'};
    private final RosterJsonCache rosterJson = new RosterJsonCache();

    /** The notifications {@code event} makes, in delivery order; none for a roster change no bot hears about. */
    public List<OutboundNotification> render(CallEvent event) {
        return switch (event) {
            case CallEvent.CallStateChanged s -> List.of(callState(s));
            case CallEvent.RosterChanged r -> roster(r);
            case CallEvent.ToneReceived t -> List.of(tone(t));
            case CallEvent.OperationFinished o -> List.of(notification(o.bot(), NotificationKind.OPERATION, "deleted",
                    "/communications/calls/" + o.bot().callId() + "/operations/" + o.operation().id(), false,
                    CallJson.operation(o.operation(), null)));
            case CallEvent.IncomingCall i -> List.of(notification(i.bot(), NotificationKind.CALL_STATE, "created",
                    "/communications/calls/" + i.bot().callId(), false, CallJson.call(i.call(), null)));
            case CallEvent.Ringing r -> List.of();     // for users: the client API's ring stream
            case CallEvent.RingEnded r -> List.of();
            case CallEvent.ParticipantMoved m -> List.of(); // for the user: ring and roster streams
        };
    }

    /** Calls whose roster entries are cached (for tests). */
    int cachedRosters() {
        return rosterJson.size();
    }

    private static OutboundNotification callState(CallEvent.CallStateChanged s) {
        boolean terminated = s.state() == CallState.TERMINATED;
        return notification(s.bot(), NotificationKind.CALL_STATE, terminated ? "deleted" : "updated",
                "/communications/calls/" + s.bot().callId(), terminated,
                CallJson.callState(s.bot().callId(), s.callChainId(), s.myParticipantId(), s.state(), s.resultInfo()));
    }

    /** A key press: Graph's call update carrying {@code state} and {@code toneInfo} (facts §7.1). */
    private static OutboundNotification tone(CallEvent.ToneReceived t) {
        ObjectNode call = CallJson.callState(t.bot().callId(), t.callChainId(), t.myParticipantId(), t.state(), null);
        call.set("toneInfo", CallJson.toneInfo(t.tone(), t.sequenceId()));
        return notification(t.bot(), NotificationKind.CALL_STATE, "updated", "/communications/calls/" + t.bot().callId(),
                false, call);
    }

    /**
     * A roster change as each bot asked for it. A whole roster is not rendered here (on the thread that changed the
     * roster, conference lock held): its item captures the immutable snapshot ({@link CallEvent.RosterChanged} holds
     * the roster as it was at this sequence number) and renders it when the notifier freezes the POST
     * ({@link NotificationItem#later}); its place among the call's notifications is fixed here, when it is enqueued.
     * A delta (a few entries) is rendered at once.
     */
    private List<OutboundNotification> roster(CallEvent.RosterChanged r) {
        if (r.update().ended()) {
            rosterJson.forget(r.update().callChainId());
        }
        if (r.bots().isEmpty()) {
            return List.of();
        }
        List<OutboundNotification> out = new ArrayList<>(r.bots().size());
        RosterJsonCache.Call cache = null;
        for (CallEvent.BotAddress bot : r.bots()) {
            String resourceUrl = "/communications/calls/" + bot.callId() + "/participants";
            if (bot.deltaRoster()) {
                out.add(notification(bot, NotificationKind.ROSTER, "updated", resourceUrl, false,
                        CallJson.participants(r.update().changed())));
                continue;
            }
            if (cache == null) {
                cache = rosterJson.call(r.update().callChainId());
            }
            List<ParticipantView> roster = r.update().roster();
            RosterJsonCache.Call entries = cache;
            NotificationItem item = NotificationItem.later(
                    (before, after) -> wholeRoster(entries, resourceUrl, roster, before, after),
                    entries.estimate(roster.size(), resourceUrl.length() + 100));
            out.add(new OutboundNotification(bot.callId(), bot.tenantId(), bot.appId(), bot.callbackUri(),
                    NotificationKind.ROSTER, resourceUrl, false, item));
        }
        return out;
    }

    /**
     * {@code before}, the item of a whole roster, {@code after}: the envelope as {@link #notification} renders it, its
     * data the cached entries, all in one array.
     */
    private static byte[] wholeRoster(RosterJsonCache.Call entries, String resourceUrl, List<ParticipantView> roster,
                                      byte[] before, byte[] after) {
        byte[] envelope = entries.envelope(resourceUrl, NotificationRenderer::rosterEnvelope);
        byte[] head = new byte[before.length + envelope.length - 1 + RESOURCE_DATA.length];
        System.arraycopy(before, 0, head, 0, before.length);
        System.arraycopy(envelope, 0, head, before.length, envelope.length - 1);
        System.arraycopy(RESOURCE_DATA, 0, head, before.length + envelope.length - 1, RESOURCE_DATA.length);
        byte[] tail = new byte[CLOSE.length + after.length];
        System.arraycopy(CLOSE, 0, tail, 0, CLOSE.length);
        System.arraycopy(after, 0, tail, CLOSE.length, after.length);
        return entries.wrapParticipants(roster, head, tail);
    }

    /** {@code {"@odata.type":…,"changeType":"updated","resourceUrl":…}} of a whole roster, as {@link #notification} writes it. */
    private static byte[] rosterEnvelope(String resourceUrl) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("@odata.type", ITEM_TYPE);
        n.put("changeType", "updated");
        n.put("resourceUrl", resourceUrl);
        return GraphWire.bytes(n);
    }

    private static OutboundNotification notification(CallEvent.BotAddress bot, NotificationKind kind, String changeType,
                                                     String resourceUrl, boolean last, JsonNode data) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("@odata.type", ITEM_TYPE);
        n.put("changeType", changeType);
        n.put("resourceUrl", resourceUrl);
        n.set("resourceData", data);
        return new OutboundNotification(bot.callId(), bot.tenantId(), bot.appId(), bot.callbackUri(), kind, resourceUrl,
                last, GraphWire.bytes(n));
    }
}
