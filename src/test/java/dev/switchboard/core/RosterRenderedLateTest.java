package dev.switchboard.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.graph.BotNotifications;
import dev.switchboard.notify.NotificationKind;
import dev.switchboard.notify.NotificationSink;
import dev.switchboard.notify.OutboundNotification;
import dev.switchboard.testsupport.MutableClock;
import dev.switchboard.testsupport.RecordingMediaEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static dev.switchboard.core.Calls.ALICE;
import static dev.switchboard.core.Calls.BOB;
import static dev.switchboard.core.Calls.BOT;
import static dev.switchboard.core.Calls.OFFER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole roster notification is rendered when the notifier freezes its POST, possibly long after later changes of the
 * call (issue 17): it must show the roster exactly as it was at its own sequence number — neither a later state nor an
 * earlier one — whatever the order in which the queued rosters are rendered.
 */
class RosterRenderedLateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    final RecordingMediaEngine media = new RecordingMediaEngine();
    /** Keeps what the engine queues without reading it, as the notifier does until a POST is frozen. */
    final List<OutboundNotification> held = new ArrayList<>();
    final CallEngine calls = new CallEngine(media, new BotNotifications(new NotificationSink() {
        @Override
        public synchronized void enqueue(OutboundNotification notification) {
            held.add(notification);
        }
    }), new MutableClock(), CallSettings.DEFAULTS);

    @AfterEach
    void close() {
        calls.close();
    }

    private static JsonNode item(OutboundNotification n) {
        try {
            return JSON.readTree(n.commsNotification());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code participantId}'s entry in a roster item, or a missing node. */
    private static JsonNode entry(JsonNode item, String participantId) {
        for (JsonNode p : item.path("resourceData")) {
            if (p.path("id").asText().equals(participantId)) {
                return p;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    @Test
    void eachRosterRenderedLateShowsTheStateOfItsOwnPositionNeitherLaterNorEarlier() {
        CallView call = calls.bots().create(Calls.group(), BOT);
        String alice = calls.participants().join(call.id(), ALICE, OFFER, Calls.FROM).participantId();
        int from = held.size();
        // what each roster must show of alice (muted?) and how many participants, in enqueue order
        calls.bots().serverMute(call.id(), MuteTarget.participant(alice), true, BOT, null);
        calls.bots().serverMute(call.id(), MuteTarget.participant(alice), false, BOT, null);
        String bob = calls.participants().join(call.id(), BOB, OFFER, Calls.FROM).participantId();
        calls.bots().serverMute(call.id(), MuteTarget.participant(alice), true, BOT, null);
        calls.bots().serverMute(call.id(), MuteTarget.participant(bob), true, BOT, null);
        List<OutboundNotification> rosters = held.subList(from, held.size()).stream()
                .filter(n -> n.kind() == NotificationKind.ROSTER).toList();
        assertThat(rosters).hasSize(5);
        assertThat(rosters).extracting(n -> n.item().isRendered()).as("nothing rendered while the conference lock was held")
                .containsOnly(false);

        // rendered newest first (as two bots' notifier threads may), then again oldest first: the same bytes each time
        List<JsonNode> items = new ArrayList<>();
        for (int i = rosters.size() - 1; i >= 0; i--) {
            items.addFirst(item(rosters.get(i)));
        }
        boolean[] aliceMuted = {true, false, false, true, true};
        boolean[] bobMuted = {false, false, false, false, true};
        int[] size = {2, 2, 3, 3, 3};
        long previous = 0;
        for (int i = 0; i < items.size(); i++) {
            JsonNode it = items.get(i);
            assertThat(it.path("resourceData").size()).as("roster %d's participants", i).isEqualTo(size[i]);
            assertThat(entry(it, alice).path("isMuted").asBoolean()).as("roster %d shows alice", i).isEqualTo(aliceMuted[i]);
            if (size[i] == 3) {
                assertThat(entry(it, bob).path("isMuted").asBoolean()).as("roster %d shows bob", i).isEqualTo(bobMuted[i]);
            } else {
                assertThat(entry(it, bob).isMissingNode()).as("roster %d was before bob joined", i).isTrue();
            }
            long newest = 0;
            for (JsonNode p : it.path("resourceData")) {
                newest = Math.max(newest, p.path("rosterSequenceNumber").asLong());
            }
            assertThat(newest).as("roster %d's newest entry is its own change, after the one before", i).isGreaterThan(previous);
            previous = newest;
            assertThat(item(rosters.get(i))).as("rendered once: the same item when read again").isEqualTo(it);
        }
    }
}
