package dev.switchboard.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.CallEvent;
import dev.switchboard.core.CallState;
import dev.switchboard.core.Operation;
import dev.switchboard.core.OperationKind;
import dev.switchboard.core.OperationStatus;
import dev.switchboard.core.ParticipantIdentity;
import dev.switchboard.core.ParticipantView;
import dev.switchboard.core.ResultInfo;
import dev.switchboard.core.RosterUpdate;
import dev.switchboard.notify.NotificationKind;
import dev.switchboard.notify.OutboundNotification;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NotificationRendererTest {
    private static final CallEvent.BotAddress BOT = new CallEvent.BotAddress("call-1", "tenant", "app",
            URI.create("https://bot.example/cb"), false);
    private static final CallEvent.BotAddress DELTA_BOT = new CallEvent.BotAddress("call-2", "tenant", "app2",
            URI.create("https://bot2.example/cb"), true);
    private final NotificationRenderer renderer = new NotificationRenderer();

    private static JsonNode item(OutboundNotification n) throws IOException {
        return new ObjectMapper().readTree(n.commsNotification());
    }

    @Test
    void aTerminatedCallIsTheCallsLastNotificationADeletedWithItsResult() throws IOException {
        OutboundNotification n = renderer.render(new CallEvent.CallStateChanged(BOT, "chain", "p-bot", CallState.TERMINATED,
                ResultInfo.BOT_HUNG_UP)).getFirst();
        assertThat(n.kind()).isEqualTo(NotificationKind.CALL_STATE);
        assertThat(n.last()).isTrue();
        assertThat(n.resourceUrl()).isEqualTo("/communications/calls/call-1");
        assertThat(n.callbackUri()).isEqualTo(BOT.callbackUri());
        JsonNode item = item(n);
        assertThat(item.path("@odata.type").asText()).isEqualTo("#microsoft.graph.commsNotification");
        assertThat(item.path("changeType").asText()).isEqualTo("deleted");
        assertThat(item.at("/resourceData/resultInfo/subcode").asInt()).isEqualTo(5001);
        assertThat(renderer.render(new CallEvent.CallStateChanged(BOT, "chain", "p-bot", CallState.ESTABLISHED, null))
                .getFirst().last()).isFalse();
    }

    @Test
    void eachBotHearsARosterChangeAsItAskedWholeOrDelta() throws IOException {
        ParticipantView a = new ParticipantView("a", ParticipantIdentity.user("a", "A", "tenant"), false, false, false, "1", 3, false);
        ParticipantView b = new ParticipantView("b", ParticipantIdentity.user("b", "B", "tenant"), true, false, false, "2", 4, false);
        List<OutboundNotification> ns = renderer.render(new CallEvent.RosterChanged(
                new RosterUpdate(List.of("call-1", "call-2"), "chain", 4, List.of(a, b), List.of(b), false), List.of(BOT, DELTA_BOT)));
        assertThat(ns).extracting(OutboundNotification::callId).containsExactly("call-1", "call-2");
        assertThat(item(ns.get(0)).path("resourceData").size()).isEqualTo(2);
        assertThat(item(ns.get(1)).path("resourceData").size()).isEqualTo(1);
        assertThat(item(ns.get(1)).at("/resourceData/0/isMuted").asBoolean()).isTrue();
        assertThat(item(ns.get(1)).path("resourceUrl").asText()).isEqualTo("/communications/calls/call-2/participants");
        assertThat(renderer.render(new CallEvent.RosterChanged(
                new RosterUpdate(List.of("call-1"), "chain", 5, List.of(), List.of(), true), List.of()))).isEmpty();
    }

    @Test
    void aFinishedOperationIsADeletedOnTheOperation() throws IOException {
        Operation op = new Operation("op-1", "call-1", OperationKind.INVITE, OperationStatus.COMPLETED, "ctx",
                ResultInfo.SUCCESS, List.of(ParticipantIdentity.user("a", "A", "tenant")), Instant.EPOCH);
        OutboundNotification n = renderer.render(new CallEvent.OperationFinished(BOT, op)).getFirst();
        JsonNode item = item(n);
        assertThat(n.kind()).isEqualTo(NotificationKind.OPERATION);
        assertThat(item.path("@odata.type").asText()).isEqualTo("#microsoft.graph.commsNotification");
        assertThat(item.path("changeType").asText()).isEqualTo("deleted");
        assertThat(item.path("resourceUrl").asText()).isEqualTo("/communications/calls/call-1/operations/op-1");
        assertThat(item.at("/resourceData/status").asText()).isEqualTo("Completed");
    }

    @Test
    void aWholeRosterIsByteForByteTheTreeRenderingAndAnEndedRosterLeavesNothingCached() {
        ParticipantView a = new ParticipantView("a", ParticipantIdentity.user("a", "A \"quoted\" é", "tenant"), false, false, false, "1", 3, false);
        ParticipantView b = new ParticipantView("b", ParticipantIdentity.user("b", "B", "tenant"), false, false, false, "2", 4, false);
        ParticipantView bMuted = new ParticipantView("b", ParticipantIdentity.user("b", "B", "tenant"), false, true, false, "2", 5, false);
        ParticipantView c = new ParticipantView("c", ParticipantIdentity.user("c", "C", "tenant"), true, false, false, "3", 6, false);
        for (List<ParticipantView> roster : List.of(List.of(a, b), List.of(a, bMuted), List.of(bMuted, c), List.of(c))) {
            OutboundNotification n = renderer.render(new CallEvent.RosterChanged(
                    new RosterUpdate(List.of("call-1"), "chain", 9, roster, List.of(), false), List.of(BOT))).getFirst();
            com.fasterxml.jackson.databind.node.ObjectNode tree = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            tree.put("@odata.type", "#microsoft.graph.commsNotification");
            tree.put("changeType", "updated");
            tree.put("resourceUrl", "/communications/calls/call-1/participants");
            tree.set("resourceData", CallJson.participants(roster));
            assertThat(new String(n.commsNotification(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(new String(GraphWire.bytes(tree), java.nio.charset.StandardCharsets.UTF_8));
            assertThat(n.kind()).isEqualTo(NotificationKind.ROSTER);
            assertThat(n.last()).isFalse();
        }
        assertThat(renderer.cachedRosters()).isEqualTo(1);
        renderer.render(new CallEvent.RosterChanged(new RosterUpdate(List.of("call-1"), "chain", 10, List.of(), List.of(c), true), List.of()));
        assertThat(renderer.cachedRosters()).isZero();
    }

    @Test
    void aWholeRosterIsRenderedOnFirstUseFromItsSnapshotEvenAfterTheCallEndedAndLeavesNothingCached() {
        ParticipantView a = new ParticipantView("a", ParticipantIdentity.user("a", "A", "tenant"), false, false, false, "1", 3, false);
        ParticipantView aMuted = new ParticipantView("a", ParticipantIdentity.user("a", "A", "tenant"), false, true, false, "1", 4, false);
        OutboundNotification first = renderer.render(new CallEvent.RosterChanged(
                new RosterUpdate(List.of("call-1"), "chain", 3, List.of(a), List.of(a), false), List.of(BOT))).getFirst();
        OutboundNotification second = renderer.render(new CallEvent.RosterChanged(
                new RosterUpdate(List.of("call-1"), "chain", 4, List.of(aMuted), List.of(aMuted), false), List.of(BOT))).getFirst();
        assertThat(first.item().isRendered()).isFalse();
        assertThat(first.item().length()).as("an estimate for the batch limit").isPositive();
        renderer.render(new CallEvent.RosterChanged(new RosterUpdate(List.of("call-1"), "chain", 5, List.of(), List.of(aMuted), true), List.of()));
        assertThat(renderer.cachedRosters()).isZero();

        assertThat(new String(second.commsNotification(), java.nio.charset.StandardCharsets.UTF_8)).contains("\"isMuted\":true")
                .contains("\"rosterSequenceNumber\":4");
        assertThat(new String(first.commsNotification(), java.nio.charset.StandardCharsets.UTF_8)).contains("\"isMuted\":false")
                .contains("\"rosterSequenceNumber\":3");
        assertThat(first.item().length()).isEqualTo(first.commsNotification().length);
        assertThat(renderer.cachedRosters()).as("a late render does not bring an ended call back into the cache").isZero();
        OutboundNotification third = renderer.render(new CallEvent.RosterChanged(
                new RosterUpdate(List.of("call-2"), "chain-2", 1, List.of(a, aMuted), List.of(a), false), List.of(BOT))).getFirst();
        String framed = new String(third.item().framed("{\"value\":[".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "]}".getBytes(java.nio.charset.StandardCharsets.UTF_8)), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(framed).as("rendered straight into a POST body: the same item between the frame")
                .isEqualTo("{\"value\":[" + new String(third.commsNotification(), java.nio.charset.StandardCharsets.UTF_8) + "]}");
    }

    /** A roster of 100 in mixed states, as the notifier's POST body frames it, against the tree rendering (issue 17). */
    @Test
    void aRosterOfAHundredInMixedStatesFramedAsAPostBodyIsByteForByteTheTreeRenderingBeforeAndAfterAMute() {
        List<ParticipantView> roster = new java.util.ArrayList<>();
        dev.switchboard.core.RecordingStatus[] recording = {null, dev.switchboard.core.RecordingStatus.RECORDING,
                dev.switchboard.core.RecordingStatus.NOT_RECORDING, dev.switchboard.core.RecordingStatus.FAILED};
        for (int i = 0; i < 100; i++) {
            ParticipantIdentity who = i % 7 == 0
                    ? ParticipantIdentity.application("app-" + i, i % 2 == 0 ? null : "Bot \"" + i + "\" ü\u2028", "tenant")
                    : ParticipantIdentity.user("u" + i, "User " + i + (i % 5 == 0 ? " 日本 \\ /" : ""), i % 11 == 0 ? null : "tenant");
            roster.add(new ParticipantView("p-" + i, who, i % 3 == 0, i % 4 == 0, false, Integer.toString(1000 + i), i,
                    false, recording[i % recording.length], i % 9 == 0));
        }
        byte[] prefix = "{\"@odata.type\":\"#microsoft.graph.commsNotifications\",\"value\":[".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] suffix = "]}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int round = 0; round < 5; round++) {
            if (round == 3) { // a leave and a join: the entries after the gap move
                roster.remove(5);
                roster.add(new ParticipantView("p-new", ParticipantIdentity.user("new", "New", "tenant"), false, false, false,
                        "2000", 103, false));
            } else if (round == 4) { // a new order of the same entries
                java.util.Collections.reverse(roster);
            } else if (round > 0) { // a mute: one entry changes, the 99 others come from the cache
                ParticipantView p = roster.get(round * 10);
                roster.set(round * 10, new ParticipantView(p.id(), p.identity(), p.clientMuted(), !p.serverMuted(), p.inLobby(),
                        p.sourceId(), 100 + round, false, p.recordingStatus(), p.onHold()));
            }
            List<ParticipantView> snapshot = List.copyOf(roster);
            OutboundNotification n = renderer.render(new CallEvent.RosterChanged(
                    new RosterUpdate(List.of("call-1"), "chain", 100 + round, snapshot, List.of(), false), List.of(BOT))).getFirst();
            com.fasterxml.jackson.databind.node.ObjectNode tree = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            tree.put("@odata.type", "#microsoft.graph.commsNotification");
            tree.put("changeType", "updated");
            tree.put("resourceUrl", "/communications/calls/call-1/participants");
            tree.set("resourceData", CallJson.participants(snapshot));
            byte[] expected = GraphWire.bytes(tree);
            java.io.ByteArrayOutputStream post = new java.io.ByteArrayOutputStream();
            post.writeBytes(prefix);
            post.writeBytes(expected);
            post.writeBytes(suffix);
            assertThat(n.item().framed(prefix, suffix)).as("round %d, the POST body", round).isEqualTo(post.toByteArray());
            assertThat(n.commsNotification()).as("round %d, the item alone", round).isEqualTo(expected);
        }
    }
}
