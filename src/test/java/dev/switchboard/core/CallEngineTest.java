package dev.switchboard.core;

import dev.switchboard.error.SwitchboardException;
import dev.switchboard.error.ErrorCode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.notify.NotificationKind;
import dev.switchboard.testsupport.RecordingNotificationSink.Recorded;
import dev.switchboard.graph.BotNotifications;
import dev.switchboard.graph.CallJson;
import dev.switchboard.testsupport.MutableClock;
import dev.switchboard.testsupport.RecordingMediaEngine;
import dev.switchboard.testsupport.RecordingNotificationSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.switchboard.core.Calls.ALICE;
import static dev.switchboard.core.Calls.BOB;
import static dev.switchboard.core.Calls.BOT;
import static dev.switchboard.core.Calls.FOREIGN_BOT;
import static dev.switchboard.core.Calls.MALLORY;
import static dev.switchboard.core.Calls.OFFER;
import static dev.switchboard.core.Calls.OTHER_BOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallEngineTest {
    final RecordingMediaEngine media = new RecordingMediaEngine();
    final RecordingNotificationSink sink = new RecordingNotificationSink(media);
    final MutableClock clock = new MutableClock();
    /** Every roster change the engine publishes (what the roster streams follow). */
    final List<RosterUpdate> rosterUpdates = new ArrayList<>();
    final CallEngine calls = new CallEngine(media, CallEventSink.all(List.of(new BotNotifications(sink), e -> {
        if (e instanceof CallEvent.RosterChanged r) {
            rosterUpdates.add(r.update());
        }
    })), clock, CallSettings.DEFAULTS);

    @AfterEach
    void close() {
        calls.close();
    }

    static void assertCode(Runnable action, ErrorCode code, String messagePart) {
        assertThatThrownBy(action::run).isInstanceOf(SwitchboardException.class)
                .satisfies(e -> assertThat(((SwitchboardException) e).code()).isEqualTo(code))
                .hasMessageContaining(messagePart);
    }

    static List<String> states(List<Recorded> ns) {
        return ns.stream().map(n -> n.commsNotification().at("/resourceData/state").asText()).toList();
    }

    @Test
    void createdCallIsEstablishingThenEstablishedWithStateAndRosterNotificationsInOrder() {
        CallView created = calls.bots().create(Calls.group(), BOT);
        assertThat(created.state()).isEqualTo(CallState.ESTABLISHING);
        assertThat(created.peerToPeer()).isFalse();
        assertThat(created.joinMeetingId()).matches("\\d{10}");
        assertThat(calls.bots().get(created.id(), BOT).state()).isEqualTo(CallState.ESTABLISHED);
        assertThat(media.events()).startsWith("openRoom " + created.id(), "addServerLeg " + created.myParticipantId());
        List<Recorded> all = sink.all();
        assertThat(all).extracting(Recorded::kind)
                .containsExactly(NotificationKind.CALL_STATE, NotificationKind.CALL_STATE, NotificationKind.ROSTER);
        assertThat(states(all.subList(0, 2))).containsExactly("establishing", "established");
        JsonNode roster = all.get(2).commsNotification();
        assertThat(roster.get("changeType").asText()).isEqualTo("updated");
        assertThat(roster.get("resourceUrl").asText()).isEqualTo("/communications/calls/" + created.id() + "/participants");
        assertThat(roster.get("resourceData").isArray()).isTrue();
        assertThat(roster.at("/resourceData/0/id").asText()).isEqualTo(created.myParticipantId());
        assertThat(roster.at("/resourceData/0/rosterSequenceNumber").asLong()).isEqualTo(1);
        assertThat(all.get(0).botAppId()).isEqualTo("bot-app");
        assertThat(all.get(0).tenantId()).isEqualTo(Calls.TENANT);
    }

    @Test
    void appHostedMediaGetsAnRtpLegAndTheAnswerIsOnTheCall() {
        CallView created = calls.bots().create(Calls.appHosted(OFFER), BOT);
        assertThat(media.events()).contains("addLeg " + created.myParticipantId());
        assertThat(created.mediaAnswer()).contains("answer-to-" + created.myParticipantId());
        assertThat(CallJson.call(calls.bots().get(created.id(), BOT), null).at("/mediaConfig/blob").asText())
                .isEqualTo(created.mediaAnswer());
    }

    @Test
    void refusedBotOfferLeavesNothingBehind() {
        assertCode(() -> calls.bots().create(Calls.appHosted("bad offer"), BOT), ErrorCode.BAD_REQUEST, "codec");
        assertThat(calls.liveCalls()).isZero();
        assertThat(media.openRooms()).isZero();
    }

    @Test
    void muteTellsTheLegBeforeTheRosterUpdateAndReturnsACompletedOperation() {
        CallView call = calls.bots().create(Calls.group(), BOT);
        media.record("mark");
        Operation op = calls.bots().serverMute(call.id(), MuteTarget.BOT_ITSELF, true, BOT, "ctx-1");
        assertThat(op.status()).isEqualTo(OperationStatus.COMPLETED);
        assertThat(op.kind()).isEqualTo(OperationKind.MUTE);
        assertThat(op.clientContext()).isEqualTo("ctx-1");
        List<String> after = media.events().subList(media.events().indexOf("mark") + 1, media.events().size());
        assertThat(after).containsExactly("setServerMuted " + call.myParticipantId() + " true", "notify ROSTER " + call.id());
        assertThat(media.leg(call.myParticipantId()).serverMuted()).isTrue();
        ParticipantView bot = calls.bots().participant(call.id(), call.myParticipantId(), BOT);
        assertThat(bot.serverMuted()).isTrue();
        assertThat(bot.isMuted()).isTrue();
        assertThat(bot.rosterSequenceNumber()).isEqualTo(2);
        assertThat(calls.bots().operation(call.id(), op.id(), BOT)).isEqualTo(op);
        // only the roster update, no operation notification for a completed mute
        assertThat(sink.of(call.id(), NotificationKind.OPERATION)).isEmpty();
    }

    @Test
    void mutingAMutedParticipantReturnsANewCompletedOperationAndChangesNothing() {
        CallView call = calls.bots().create(Calls.group(), BOT);
        Operation first = calls.bots().serverMute(call.id(), MuteTarget.BOT_ITSELF, true, BOT, null);
        int rosterUpdates = sink.of(call.id(), NotificationKind.ROSTER).size();
        Operation second = calls.bots().serverMute(call.id(), MuteTarget.BOT_ITSELF, true, BOT, null);
        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(second.status()).isEqualTo(OperationStatus.COMPLETED);
        assertThat(sink.of(call.id(), NotificationKind.ROSTER)).hasSize(rosterUpdates);
        assertThat(calls.bots().participant(call.id(), call.myParticipantId(), BOT).rosterSequenceNumber()).isEqualTo(2);
        Operation unmute = calls.bots().serverMute(call.id(), MuteTarget.BOT_ITSELF, false, BOT, "u");
        assertThat(unmute.kind()).isEqualTo(OperationKind.UNMUTE);
        assertThat(calls.bots().participant(call.id(), call.myParticipantId(), BOT).serverMuted()).isFalse();
        assertThat(media.leg(call.myParticipantId()).serverMuted()).isFalse();
        assertThat(sink.of(call.id(), NotificationKind.ROSTER)).hasSize(rosterUpdates + 1);
    }

    @Test
    void peerToPeerCallsRefuseTheMuteFamilyAndInvite() {
        CallView call = calls.bots().create(Calls.p2p("alice"), BOT);
        assertThat(call.peerToPeer()).isTrue();
        assertThat(call.joinMeetingId()).isNull();
        String group = "group calls only";
        assertCode(() -> calls.bots().serverMute(call.id(), MuteTarget.BOT_ITSELF, true, BOT, null), ErrorCode.NOT_SUPPORTED_IN_P2P, group);
        assertCode(() -> calls.bots().serverMute(call.id(), MuteTarget.BOT_ITSELF, false, BOT, null), ErrorCode.NOT_SUPPORTED_IN_P2P, group);
        assertCode(() -> calls.bots().serverMute(call.id(), MuteTarget.participant(call.myParticipantId()), true, BOT, null), ErrorCode.NOT_SUPPORTED_IN_P2P, group);
        assertCode(() -> calls.bots().invite(call.id(), List.of(ParticipantIdentity.user("bob", null, null)), BOT, null),
                ErrorCode.NOT_SUPPORTED_IN_P2P, group);
        assertThat(media.leg(call.myParticipantId()).serverMuted()).isFalse();
        // P2P: call-state notifications only (facts §4.1)
        assertThat(sink.of(call.id(), NotificationKind.ROSTER)).isEmpty();
    }

    @Test
    void anotherAppOrTenantSeesExactlyWhatAnUnknownIdSees() {
        CallView call = calls.bots().create(Calls.group(), BOT);
        String unknown = messageOf(() -> calls.bots().get("no-such-call", BOT));
        for (Caller stranger : List.of(OTHER_BOT, FOREIGN_BOT, ALICE)) {
            String seen = messageOf(() -> calls.bots().get(call.id(), stranger));
            assertThat(seen.replace(call.id(), "X")).isEqualTo(unknown.replace("no-such-call", "X"));
            assertCode(() -> calls.bots().serverMute(call.id(), MuteTarget.BOT_ITSELF, true, stranger, null), ErrorCode.ITEM_NOT_FOUND, "was not found");
            assertCode(() -> calls.bots().hangUp(call.id(), stranger), ErrorCode.ITEM_NOT_FOUND, "was not found");
        }
        assertCode(() -> calls.participants().join(call.id(), MALLORY, OFFER, Calls.FROM), ErrorCode.ITEM_NOT_FOUND, "was not found");
        assertThat(media.leg(call.myParticipantId()).serverMuted()).isFalse();
    }

    private static String messageOf(Runnable r) {
        try {
            r.run();
        } catch (SwitchboardException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.ITEM_NOT_FOUND);
            return e.getMessage();
        }
        throw new AssertionError("expected itemNotFound");
    }

    @Test
    void clientContextIsLimitedTo256Characters() {
        CallView call = calls.bots().create(Calls.group(), BOT);
        assertThat(calls.bots().serverMute(call.id(), MuteTarget.BOT_ITSELF, true, BOT, "x".repeat(256)).clientContext()).hasSize(256);
        assertCode(() -> calls.bots().serverMute(call.id(), MuteTarget.BOT_ITSELF, true, BOT, "x".repeat(257)), ErrorCode.BAD_REQUEST, "256");
    }

    @Test
    void aClientUnmuteNeverLiftsAServerMuteByDefault() {
        CallView call = calls.bots().create(Calls.group(), BOT);
        JoinResult alice = calls.participants().join(call.id(), ALICE, OFFER, Calls.FROM);
        assertThat(alice.sdpAnswer()).contains(alice.participantId());
        calls.bots().serverMute(call.id(), MuteTarget.participant(alice.participantId()), true, BOT, null);
        assertThat(media.leg(alice.participantId()).serverMuted()).isTrue();
        ParticipantView after = calls.participants().setClientMuted(call.id(), alice.participantId(), false, ALICE);
        assertThat(after.serverMuted()).isTrue();
        assertThat(after.isMuted()).isTrue();
        assertThat(media.leg(alice.participantId()).serverMuted()).isTrue();
        calls.participants().setClientMuted(call.id(), alice.participantId(), true, ALICE);
        calls.bots().serverMute(call.id(), MuteTarget.participant(alice.participantId()), false, BOT, null);
        ParticipantView stillSelfMuted = calls.bots().participant(call.id(), alice.participantId(), BOT);
        assertThat(stillSelfMuted.serverMuted()).isFalse();
        assertThat(stillSelfMuted.clientMuted()).isTrue();
        assertThat(stillSelfMuted.isMuted()).isTrue();
        assertCode(() -> calls.participants().setClientMuted(call.id(), alice.participantId(), false, BOB), ErrorCode.FORBIDDEN, "itself");
    }

    @Test
    void thePerCallOptionLetsAClientUnmuteLiftTheServerMute() {
        CallView call = calls.bots().create(Calls.request(null, true, false, null, "alice", "bob"), BOT);
        JoinResult alice = calls.participants().join(call.id(), ALICE, OFFER, Calls.FROM);
        calls.bots().serverMute(call.id(), MuteTarget.participant(alice.participantId()), true, BOT, null);
        ParticipantView after = calls.participants().setClientMuted(call.id(), alice.participantId(), false, ALICE);
        assertThat(after.serverMuted()).isFalse();
        assertThat(after.isMuted()).isFalse();
        assertThat(media.leg(alice.participantId()).serverMuted()).isFalse();
    }

    @Test
    void joiningAgainReplacesTheLegAndKeepsIdAndServerMute() {
        CallView call = calls.bots().create(Calls.group(), BOT);
        JoinResult first = calls.participants().join(call.id(), ALICE, OFFER, Calls.FROM);
        calls.bots().serverMute(call.id(), MuteTarget.participant(first.participantId()), true, BOT, null);
        var oldLeg = media.leg(first.participantId());
        long seq = calls.participants().roster(call.id(), ALICE).sequenceNumber();
        JoinResult again = calls.participants().join(call.id(), ALICE, OFFER, Calls.FROM);
        assertThat(again.replaced()).isTrue();
        assertThat(again.participantId()).isEqualTo(first.participantId());
        assertThat(oldLeg.closed()).isTrue();
        var newLeg = media.leg(first.participantId());
        assertThat(newLeg).isNotSameAs(oldLeg);
        assertThat(newLeg.serverMuted()).isTrue();
        assertThat(calls.bots().participants(call.id(), BOT)).hasSize(2);
        assertThat(calls.participants().roster(call.id(), ALICE).sequenceNumber()).isEqualTo(seq);
    }

    @Test
    void aRefusedOfferChangesNothing() {
        CallView call = calls.bots().create(Calls.group(), BOT);
        rosterUpdates.clear();
        List<RosterUpdate> updates = rosterUpdates;
        assertCode(() -> calls.participants().join(call.id(), ALICE, "bad offer", Calls.FROM), ErrorCode.BAD_REQUEST, "codec");
        assertThat(calls.bots().participants(call.id(), BOT)).hasSize(1);
        assertThat(updates).isEmpty();
        assertCode(() -> calls.participants().roster(call.id(), ALICE), ErrorCode.FORBIDDEN, "participants");
    }

    @Test
    void onlyTheTargetMayJoinAPeerToPeerCallAndItsLeavingEndsTheCall() {
        CallView call = calls.bots().create(Calls.p2p("alice"), BOT);
        assertCode(() -> calls.participants().join(call.id(), BOB, OFFER, Calls.FROM), ErrorCode.FORBIDDEN, "target");
        JoinResult alice = calls.participants().join(call.id(), ALICE, OFFER, Calls.FROM);
        assertThat(calls.bots().participants(call.id(), BOT)).hasSize(2);
        calls.participants().leave(call.id(), alice.participantId(), ALICE);
        assertCode(() -> calls.bots().get(call.id(), BOT), ErrorCode.ITEM_NOT_FOUND, "was not found");
        Recorded last = sink.of(call.id(), NotificationKind.CALL_STATE).getLast();
        assertThat(last.commsNotification().get("changeType").asText()).isEqualTo("deleted");
        assertThat(last.commsNotification().at("/resourceData/resultInfo/subcode").asInt()).isEqualTo(4521);
        assertThat(media.openRooms()).isZero();
    }

    @Test
    void aCallWithoutKeepAliveFor45MinutesEndsWith408And8537() {
        CallView call = calls.bots().create(Calls.group(), BOT);
        clock.advance(Duration.ofMinutes(44));
        calls.sweep();
        calls.bots().keepAlive(call.id(), BOT);
        clock.advance(Duration.ofMinutes(44));
        calls.sweep();
        assertThat(calls.bots().get(call.id(), BOT).state()).isEqualTo(CallState.ESTABLISHED);
        clock.advance(Duration.ofMinutes(1));
        calls.sweep();
        assertCode(() -> calls.bots().get(call.id(), BOT), ErrorCode.ITEM_NOT_FOUND, "was not found");
        assertCode(() -> calls.bots().keepAlive(call.id(), BOT), ErrorCode.ITEM_NOT_FOUND, "was not found");
        List<Recorded> state = sink.of(call.id(), NotificationKind.CALL_STATE);
        assertThat(states(state)).containsExactly("establishing", "established", "terminating", "terminated");
        JsonNode result = state.getLast().commsNotification().at("/resourceData/resultInfo");
        assertThat(result.get("code").asInt()).isEqualTo(408);
        assertThat(result.get("subcode").asInt()).isEqualTo(8537);
        assertThat(media.openRooms()).isZero();
    }

    @Test
    void hangingUpLeavesAGroupCallToTheOthersAndTheLastOneOutEndsIt() {
        CallView call = calls.bots().create(Calls.group(), BOT);
        JoinResult alice = calls.participants().join(call.id(), ALICE, OFFER, Calls.FROM);
        calls.bots().hangUp(call.id(), BOT);
        assertCode(() -> calls.bots().get(call.id(), BOT), ErrorCode.ITEM_NOT_FOUND, "was not found");
        assertThat(media.leg(call.myParticipantId()).closed()).isTrue();
        assertThat(media.openRooms()).isEqualTo(1);
        RosterUpdate roster = calls.participants().roster(call.id(), ALICE);
        assertThat(roster.roster()).extracting(ParticipantView::id).containsExactly(alice.participantId());
        assertThat(sink.of(call.id(), NotificationKind.CALL_STATE).getLast().commsNotification()
                .at("/resourceData/resultInfo/subcode").asInt()).isEqualTo(5001);
        calls.participants().leave(call.id(), alice.participantId(), ALICE);
        assertThat(media.openRooms()).isZero();
        assertThat(media.leg(alice.participantId()).closed()).isTrue();
    }

    @Test
    void anInvitationRunsUntilTheInviteeJoins() {
        CallView call = calls.bots().create(Calls.group(), BOT);
        Operation invite = calls.bots().invite(call.id(), List.of(ParticipantIdentity.user("bob", "Bob", null)), BOT, "inv");
        assertThat(invite.status()).isEqualTo(OperationStatus.RUNNING);
        assertThat(calls.bots().operation(call.id(), invite.id(), BOT).status()).isEqualTo(OperationStatus.RUNNING);
        calls.participants().join(call.id(), BOB, OFFER, Calls.FROM);
        assertThat(calls.bots().operation(call.id(), invite.id(), BOT).status()).isEqualTo(OperationStatus.COMPLETED);
        List<Recorded> ops = sink.of(call.id(), NotificationKind.OPERATION);
        assertThat(ops).hasSize(1);
        JsonNode n = ops.getFirst().commsNotification();
        assertThat(n.get("changeType").asText()).isEqualTo("deleted");
        assertThat(n.get("resourceUrl").asText()).isEqualTo("/communications/calls/" + call.id() + "/operations/" + invite.id());
        assertThat(n.at("/resourceData/status").asText()).isEqualTo("Completed");
        assertThat(n.at("/resourceData/clientContext").asText()).isEqualTo("inv");
    }

    @Test
    void anUnansweredInvitationFailsAfterItsTimeout() {
        CallView call = calls.bots().create(Calls.group(), BOT);
        Operation invite = calls.bots().invite(call.id(), List.of(ParticipantIdentity.user("carol", null, null)), BOT, null);
        clock.advance(Duration.ofSeconds(59));
        calls.sweep();
        assertThat(calls.bots().operation(call.id(), invite.id(), BOT).status()).isEqualTo(OperationStatus.RUNNING);
        clock.advance(Duration.ofSeconds(1));
        calls.sweep();
        Operation failed = calls.bots().operation(call.id(), invite.id(), BOT);
        assertThat(failed.status()).isEqualTo(OperationStatus.FAILED);
        assertThat(failed.resultInfo().code()).isEqualTo(408);
        assertThat(sink.of(call.id(), NotificationKind.OPERATION)).hasSize(1);
    }

    @Test
    void aSecondBotJoinsAGroupCallByItsMeetingIdAndSharesTheRoster() {
        CallView first = calls.bots().create(Calls.group(), BOT);
        CallView second = calls.bots().create(Calls.withSource(Calls.meeting(first.joinMeetingId(), null),
                ParticipantIdentity.application("other-app", "Other", Calls.TENANT)), OTHER_BOT);
        assertThat(second.callChainId()).isEqualTo(first.callChainId());
        assertThat(calls.bots().participants(first.id(), BOT)).hasSize(2);
        // bot B mutes bot A; both bots hear the roster update
        sink.clear();
        calls.bots().serverMute(second.id(), MuteTarget.participant(first.myParticipantId()), true, OTHER_BOT, null);
        assertThat(media.leg(first.myParticipantId()).serverMuted()).isTrue();
        assertThat(sink.of(first.id(), NotificationKind.ROSTER)).hasSize(1);
        assertThat(sink.of(second.id(), NotificationKind.ROSTER)).hasSize(1);
        // the same identity cannot be in it twice; another tenant with the same id gets a meeting of its own
        assertCode(() -> calls.bots().create(Calls.meeting(first.joinMeetingId(), null), BOT), ErrorCode.CONFLICT, "already");
        CallView foreign = calls.bots().create(Calls.meeting(first.joinMeetingId(), null), FOREIGN_BOT);
        assertThat(foreign.callChainId()).isNotEqualTo(first.callChainId());
        // bot A leaves; bot B remains, the call goes on
        calls.bots().hangUp(first.id(), BOT);
        assertThat(calls.bots().participants(second.id(), OTHER_BOT)).hasSize(1);
    }

    @Test
    void aMeetingPasscodeMustMatch() {
        calls.bots().create(Calls.meeting("1234567", "psw123"), BOT);
        assertCode(() -> calls.bots().create(Calls.withSource(Calls.meeting("1234567", "wrong"),
                ParticipantIdentity.application("other-app", null, null)), OTHER_BOT), ErrorCode.FORBIDDEN, "passcode");
    }

    @Test
    void removingAParticipantClosesItsLegAndUpdatesTheRoster() {
        CallView call = calls.bots().create(Calls.request(null, false, true, null, "alice", "bob"), BOT);
        JoinResult alice = calls.participants().join(call.id(), ALICE, OFFER, Calls.FROM);
        sink.clear();
        calls.bots().removeParticipant(call.id(), alice.participantId(), BOT);
        assertThat(media.leg(alice.participantId()).closed()).isTrue();
        assertCode(() -> calls.bots().participant(call.id(), alice.participantId(), BOT), ErrorCode.ITEM_NOT_FOUND, "Participant");
        JsonNode delta = sink.of(call.id(), NotificationKind.ROSTER).getFirst().commsNotification().get("resourceData");
        assertThat(delta).hasSize(1);
        assertThat(delta.at("/0/id").asText()).isEqualTo(alice.participantId());
        assertThat(delta.at("/0/removedState/reason").asText()).isEqualTo("removed");
        assertCode(() -> calls.bots().removeParticipant(call.id(), call.myParticipantId(), BOT), ErrorCode.BAD_REQUEST, "DELETE the call");
        CallView p2p = calls.bots().create(Calls.p2p("alice"), BOT);
        assertCode(() -> calls.bots().removeParticipant(p2p.id(), p2p.myParticipantId(), BOT), ErrorCode.NOT_SUPPORTED_IN_P2P, "group calls only");
    }

    @Test
    void aRosterSnapshotIsForParticipantsAndTheEventsContinueItWithoutAGap() {
        CallView call = calls.bots().create(Calls.group(), BOT);
        JoinResult alice = calls.participants().join(call.id(), ALICE, OFFER, Calls.FROM);
        assertCode(() -> calls.participants().roster(call.id(), BOB), ErrorCode.FORBIDDEN, "participants");
        RosterUpdate initial = calls.participants().roster(call.id(), ALICE);
        rosterUpdates.clear();
        List<RosterUpdate> seen = rosterUpdates;
        assertThat(initial.roster()).hasSize(2);
        calls.bots().serverMute(call.id(), MuteTarget.participant(alice.participantId()), true, BOT, null);
        calls.participants().join(call.id(), BOB, OFFER, Calls.FROM);
        assertThat(seen).extracting(RosterUpdate::sequenceNumber)
                .containsExactly(initial.sequenceNumber() + 1, initial.sequenceNumber() + 2);
        assertThat(seen.getFirst().changed()).singleElement().satisfies(p -> assertThat(p.serverMuted()).isTrue());
        assertThat(seen.getFirst().callIds()).containsExactly(call.id());
    }

    @Test
    void finishedOperationsAreRetainedUpToTheLimit() {
        CallView call = calls.bots().create(Calls.group(), BOT);
        Operation first = calls.bots().serverMute(call.id(), MuteTarget.BOT_ITSELF, true, BOT, null);
        for (int i = 0; i < CallSettings.DEFAULTS.operationRetention() - 1; i++) {
            calls.bots().serverMute(call.id(), MuteTarget.BOT_ITSELF, true, BOT, null);
        }
        assertThat(calls.bots().operation(call.id(), first.id(), BOT)).isEqualTo(first);
        calls.bots().serverMute(call.id(), MuteTarget.BOT_ITSELF, true, BOT, null);
        assertCode(() -> calls.bots().operation(call.id(), first.id(), BOT), ErrorCode.ITEM_NOT_FOUND, "Operation");
    }
}
