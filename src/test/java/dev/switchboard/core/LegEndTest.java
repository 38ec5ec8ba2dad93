package dev.switchboard.core;

import dev.switchboard.graph.BotNotifications;
import dev.switchboard.testsupport.MutableClock;
import dev.switchboard.testsupport.RecordingMediaEngine;
import dev.switchboard.testsupport.RecordingNotificationSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.switchboard.core.Calls.ALICE;
import static dev.switchboard.core.Calls.BOT;
import static dev.switchboard.core.Calls.OFFER;
import static org.assertj.core.api.Assertions.assertThat;

/** A leg that ends by itself (its transport died) takes its participant out of the call, unless it is stale. */
class LegEndTest {
    final RecordingMediaEngine media = new RecordingMediaEngine();
    final List<RosterUpdate> rosterUpdates = new ArrayList<>();
    final CallEngine calls = new CallEngine(media, CallEventSink.all(List.of(new BotNotifications(new RecordingNotificationSink(media)), e -> {
        if (e instanceof CallEvent.RosterChanged r) {
            rosterUpdates.add(r.update());
        }
    })), new MutableClock(), CallSettings.DEFAULTS);

    @AfterEach
    void close() {
        calls.close();
    }

    @Test
    void aDeadTransportRemovesTheParticipantAndTellsTheRoster() {
        CallView call = calls.bots().create(Calls.group(), BOT);
        JoinResult alice = calls.participants().join(call.id(), ALICE, OFFER, Calls.FROM);
        rosterUpdates.clear();
        media.leg(alice.participantId()).endByTransport("dtls_closed");
        assertThat(calls.bots().participants(call.id(), BOT)).extracting(ParticipantView::id).doesNotContain(alice.participantId());
        assertThat(rosterUpdates).hasSize(1);
        assertThat(rosterUpdates.getFirst().changed()).singleElement()
                .satisfies(p -> assertThat(p.id()).isEqualTo(alice.participantId()))
                .satisfies(p -> assertThat(p.removed()).isTrue());
    }

    @Test
    void theOldLegOfARejoinedParticipantEndsWithoutEffect() {
        CallView call = calls.bots().create(Calls.group(), BOT);
        JoinResult first = calls.participants().join(call.id(), ALICE, OFFER, Calls.FROM);
        RecordingMediaEngine.FakeLeg old = media.leg(first.participantId());
        calls.participants().join(call.id(), ALICE, OFFER, Calls.FROM); // a reconnect: same participant, new leg
        rosterUpdates.clear();
        old.lateTransportEnd("ice_expired");
        assertThat(calls.bots().participants(call.id(), BOT)).extracting(ParticipantView::id).contains(first.participantId());
        assertThat(rosterUpdates).isEmpty();
        media.leg(first.participantId()).endByTransport("ice_expired");
        assertThat(calls.bots().participants(call.id(), BOT)).extracting(ParticipantView::id).doesNotContain(first.participantId());
    }

    @Test
    void aLateEndAfterLeavingChangesNothing() {
        CallView call = calls.bots().create(Calls.group(), BOT);
        JoinResult alice = calls.participants().join(call.id(), ALICE, OFFER, Calls.FROM);
        RecordingMediaEngine.FakeLeg leg = media.leg(alice.participantId());
        calls.participants().leave(call.id(), alice.participantId(), ALICE);
        rosterUpdates.clear();
        leg.lateTransportEnd("dtls_closed");
        assertThat(rosterUpdates).isEmpty();
        assertThat(calls.bots().get(call.id(), BOT).state()).isEqualTo(CallState.ESTABLISHED);
    }
}
