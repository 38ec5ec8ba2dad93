package dev.switchboard.core;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.graph.BotNotifications;
import dev.switchboard.journal.CallJournal;
import dev.switchboard.journal.JournaledCall;
import dev.switchboard.testsupport.MutableClock;
import dev.switchboard.testsupport.RecordingMediaEngine;
import dev.switchboard.testsupport.RecordingNotificationSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.switchboard.core.Calls.ALICE;
import static dev.switchboard.core.Calls.BOB;
import static dev.switchboard.core.Calls.BOT;
import static dev.switchboard.core.Calls.OFFER;
import static dev.switchboard.core.Calls.OTHER_BOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine writes its journal at creation, participant changes and the end, and nowhere else. */
class CallJournalingTest {
    /** Every journal call, as text. */
    static final class RecordingJournal implements CallJournal {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<JournaledCall> created = new CopyOnWriteArrayList<>();
        volatile boolean refuse;

        @Override
        public void callCreated(JournaledCall call) {
            if (refuse) {
                throw new SwitchboardException(ErrorCode.SERVICE_UNAVAILABLE, "no disk");
            }
            created.add(call);
            events.add("created " + call.callId() + " " + call.participantIds());
        }

        @Override
        public void participantsChanged(String callId, List<String> participantIds) {
            events.add("participants " + callId + " " + participantIds);
        }

        @Override
        public void callEnded(String callId) {
            events.add("ended " + callId);
        }
    }

    final RecordingMediaEngine media = new RecordingMediaEngine();
    final RecordingNotificationSink sink = new RecordingNotificationSink(media);
    final RecordingJournal journal = new RecordingJournal();
    final CallEngine calls = new CallEngine(media, new BotNotifications(sink), new MutableClock(), CallSettings.DEFAULTS,
            journal);

    @AfterEach
    void close() {
        calls.close();
    }

    @Test
    void creationIsJournaledWithWhatTheBotMustBeToldAndTheParticipants() {
        CallView call = calls.bots().create(Calls.group(), BOT);
        JournaledCall j = journal.created.getFirst();
        assertThat(j.callId()).isEqualTo(call.id());
        assertThat(j.callChainId()).isEqualTo(call.callChainId());
        assertThat(j.tenantId()).isEqualTo(Calls.TENANT);
        assertThat(j.appId()).isEqualTo("bot-app");
        assertThat(j.callbackUri()).hasToString("https://bot.example/callback");
        assertThat(j.myParticipantId()).isEqualTo(call.myParticipantId());
        assertThat(j.participantIds()).containsExactly(call.myParticipantId());
    }

    @Test
    void joinsAndLeavesChangeTheParticipantsButMuteNeverTouchesTheJournal() {
        CallView call = calls.bots().create(Calls.group(), BOT);
        String alice = calls.participants().join(call.id(), ALICE, OFFER, Calls.FROM).participantId();
        String bob = calls.participants().join(call.id(), BOB, OFFER, Calls.FROM).participantId();
        int before = journal.events.size();

        calls.bots().serverMute(call.id(), MuteTarget.participant(alice), true, BOT, null);
        calls.bots().serverMute(call.id(), MuteTarget.participant(alice), true, BOT, null);
        calls.bots().serverMute(call.id(), MuteTarget.participant(alice), false, BOT, null);
        calls.bots().serverMute(call.id(), MuteTarget.BOT_ITSELF, true, BOT, null);
        calls.participants().setClientMuted(call.id(), bob, true, BOB);
        calls.participants().join(call.id(), BOB, OFFER, Calls.FROM); // a rejoin keeps bob's id
        assertThat(journal.events).hasSize(before);

        calls.participants().leave(call.id(), alice, ALICE);
        assertThat(journal.events).containsExactly(
                "created " + call.id() + " [" + call.myParticipantId() + "]",
                "participants " + call.id() + " [" + call.myParticipantId() + ", " + alice + "]",
                "participants " + call.id() + " [" + call.myParticipantId() + ", " + alice + ", " + bob + "]",
                "participants " + call.id() + " [" + call.myParticipantId() + ", " + bob + "]");
        calls.bots().hangUp(call.id(), BOT);
        assertThat(journal.events.getLast()).isEqualTo("ended " + call.id());
    }

    @Test
    void aSecondBotInAMeetingChangesTheFirstBotsParticipantsAndEveryBotEndsInTheJournal() {
        CallView first = calls.bots().create(Calls.group(), BOT);
        CallView second = calls.bots().create(Calls.withSource(Calls.meeting(first.joinMeetingId(), null),
                ParticipantIdentity.application("other-app", "Other", Calls.TENANT)), OTHER_BOT);
        assertThat(journal.events).containsExactly(
                "created " + first.id() + " [" + first.myParticipantId() + "]",
                "created " + second.id() + " [" + first.myParticipantId() + ", " + second.myParticipantId() + "]",
                "participants " + first.id() + " [" + first.myParticipantId() + ", " + second.myParticipantId() + "]");
        calls.close();
        assertThat(journal.events).endsWith("ended " + first.id(), "ended " + second.id());
    }

    @Test
    void whenTheJournalRefusesTheCallIsNotCreatedAndNobodyIsTold() {
        journal.refuse = true;
        assertThatThrownBy(() -> calls.bots().create(Calls.group(), BOT)).isInstanceOf(SwitchboardException.class)
                .satisfies(e -> assertThat(((SwitchboardException) e).code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
        assertThat(calls.liveCalls()).isZero();
        assertThat(sink.all()).isEmpty();
        assertThat(media.events()).anyMatch(e -> e.startsWith("closeLeg ")).anyMatch(e -> e.startsWith("closeRoom "));
    }
}
