package dev.switchboard.core;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.graph.BotNotifications;
import dev.switchboard.journal.JournaledCall;
import dev.switchboard.testsupport.MutableClock;
import dev.switchboard.testsupport.RecordingMediaEngine;
import dev.switchboard.testsupport.RecordingNotificationSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static dev.switchboard.core.Calls.ALICE;
import static dev.switchboard.core.Calls.BOT;
import static dev.switchboard.core.Calls.FROM;
import static dev.switchboard.core.Calls.OFFER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A ringing incoming call is journaled when it starts ringing (a crash announces it to the bot's calling webhook; in
 * cluster mode the journal point writes its Redis record, so any node finds it), and its end is journaled too.
 */
class IncomingCallsJournalingTest {
    static final URI HOOK = URI.create("https://bot.example/calling");
    static final CallingBot DIALED = new CallingBot("bot-app", Calls.TENANT, "Bot", HOOK);
    static final CallingBot TARGET = new CallingBot("other-app", Calls.TENANT, "Other", URI.create("https://other.example/calling"));

    final RecordingMediaEngine media = new RecordingMediaEngine();
    final RecordingNotificationSink sink = new RecordingNotificationSink(media);
    final CallJournalingTest.RecordingJournal journal = new CallJournalingTest.RecordingJournal();
    final CallEngine calls = new CallEngine(media, new BotNotifications(sink), new MutableClock(), CallSettings.DEFAULTS,
            journal);

    @AfterEach
    void close() {
        calls.close();
    }

    private IncomingCalls.Dialed dial() {
        return calls.incoming().dial(Ids.next(), ALICE, DIALED, OFFER, FROM, Duration.ofSeconds(15));
    }

    @Test
    void aDialJournalsTheRingingCallWithTheCallingWebhookAndTheAnswerRewritesIt() {
        IncomingCalls.Dialed d = dial();
        JournaledCall ringing = journal.created.getFirst();
        assertThat(ringing.callId()).isEqualTo(d.callId());
        assertThat(ringing.callbackUri()).isEqualTo(HOOK);
        assertThat(ringing.participantIds()).containsExactly(d.participantId());

        URI callback = URI.create("https://bot.example/callback");
        calls.incoming().answer(d.callId(), BOT, new AnswerRequest(callback, List.of("audio"), false, null, null, false, null));
        JournaledCall answered = journal.created.getLast();
        assertThat(answered.callId()).isEqualTo(d.callId());
        assertThat(answered.callbackUri()).as("the answer's callback URI hears a crash").isEqualTo(callback);
        assertThat(answered.participantIds()).hasSize(2).contains(d.participantId(), answered.myParticipantId());
    }

    @Test
    void aRejectEndsTheRingingCallInTheJournal() {
        IncomingCalls.Dialed d = dial();
        calls.incoming().reject(d.callId(), BOT, RejectReason.BUSY, null);
        assertThat(journal.events.getLast()).isEqualTo("ended " + d.callId());
    }

    @Test
    void aRedirectJournalsTheNewRingingCallBeforeTheOldOneEnds() {
        IncomingCalls.Dialed d = dial();
        calls.incoming().redirect(d.callId(), BOT, TARGET, Duration.ofSeconds(15), null);
        JournaledCall next = journal.created.getLast();
        assertThat(next.callId()).isNotEqualTo(d.callId());
        assertThat(next.appId()).isEqualTo("other-app");
        assertThat(journal.events).endsWith("created " + next.callId() + " [" + d.participantId() + "]",
                "ended " + d.callId());
    }

    @Test
    void aRefusedRedirectLeavesTheCallbackWhereItWas() {
        IncomingCalls.Dialed d = dial();
        URI moved = URI.create("https://bot.example/moved");
        CallingBot foreign = new CallingBot("far-app", Calls.OTHER_TENANT, "Far", URI.create("https://far.example/calling"));
        assertThatThrownBy(() -> calls.incoming().redirect(d.callId(), BOT, foreign, Duration.ofSeconds(15), moved))
                .satisfies(e -> assertThat(((SwitchboardException) e).code()).isEqualTo(ErrorCode.ITEM_NOT_FOUND));
        assertThatThrownBy(() -> calls.incoming().redirectToAll(d.callId(), BOT, List.of(TARGET, foreign), List.of(),
                Duration.ofSeconds(15), moved)).isInstanceOf(SwitchboardException.class);
        journal.refuse = true;
        assertThatThrownBy(() -> calls.incoming().redirect(d.callId(), BOT, TARGET, Duration.ofSeconds(15), moved))
                .isInstanceOf(SwitchboardException.class);
        journal.refuse = false;
        sink.clear();

        calls.incoming().reject(d.callId(), BOT, RejectReason.BUSY, null);
        assertThat(sink.all()).as("the call's end goes where the bot's callback was").isNotEmpty()
                .allSatisfy(n -> assertThat(n.callbackUri()).isEqualTo(HOOK));
    }

    @Test
    void aRedirectWithACallbackUriMovesItForTheRestOfTheCall() {
        IncomingCalls.Dialed d = dial();
        URI moved = URI.create("https://bot.example/moved");
        sink.clear();
        calls.incoming().redirect(d.callId(), BOT, TARGET, Duration.ofSeconds(15), moved);
        assertThat(sink.all().stream().filter(n -> n.callId().equals(d.callId())).toList())
                .as("the redirected call's end goes to the new callback").isNotEmpty()
                .allSatisfy(n -> assertThat(n.callbackUri()).isEqualTo(moved));
    }

    @Test
    void whenTheJournalRefusesADialNoCallRingsAndNothingIsLeftOpen() {
        journal.refuse = true;
        assertThatThrownBy(this::dial).isInstanceOf(SwitchboardException.class)
                .satisfies(e -> assertThat(((SwitchboardException) e).code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
        assertThat(calls.liveCalls()).isZero();
        assertThat(sink.all()).as("the bot hears nothing").isEmpty();
        assertThat(media.events()).anyMatch(e -> e.startsWith("closeLeg ")).anyMatch(e -> e.startsWith("closeRoom "));
    }
}
