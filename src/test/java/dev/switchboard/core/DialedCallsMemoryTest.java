package dev.switchboard.core;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.graph.BotNotifications;
import dev.switchboard.testsupport.MutableClock;
import dev.switchboard.testsupport.RecordingMediaEngine;
import dev.switchboard.testsupport.RecordingNotificationSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static dev.switchboard.core.Calls.ALICE;
import static dev.switchboard.core.Calls.BOB;
import static dev.switchboard.core.Calls.BOT;
import static dev.switchboard.core.Calls.FROM;
import static dev.switchboard.core.Calls.MALLORY;
import static dev.switchboard.core.Calls.OFFER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the server keeps of the calls users dialed once they end: why each of the last {@value DialedCalls#ENDED_MEMORY}
 * ended, and nothing older, even while a long call dialed before them is still live (it kept every later ended call,
 * conference and all, for as long as it lasted: memory without bound).
 */
class DialedCallsMemoryTest {
    static final CallingBot DIALED = new CallingBot("bot-app", Calls.TENANT, "Bot",
            URI.create("https://bot.example/calling"));

    final RecordingMediaEngine media = new RecordingMediaEngine();
    final CallEngine calls = new CallEngine(media, new BotNotifications(new RecordingNotificationSink(media)),
            new MutableClock(), CallSettings.DEFAULTS, new CallJournalingTest.RecordingJournal());

    @AfterEach
    void close() {
        calls.close();
    }

    private IncomingCalls.Dialed dial() {
        return calls.incoming().dial(Ids.next(), ALICE, DIALED, OFFER, FROM, Duration.ofSeconds(15));
    }

    @Test
    void aLongLiveCallDoesNotKeepTheEndedOnesBehindItAndTheLastOnesStillTellWhy() {
        IncomingCalls.Dialed longCall = dial(); // rings on (the clock stands still) while every later one ends
        IncomingCalls.Dialed first = dial();
        calls.incoming().reject(first.callId(), BOT, RejectReason.BUSY, null);
        IncomingCalls.Dialed last = null;
        for (int i = 0; i < DialedCalls.ENDED_MEMORY + 200; i++) {
            last = dial();
            calls.incoming().reject(last.callId(), BOT, RejectReason.BUSY, null);
        }

        assertThat(calls.incoming().isDialed(first.callId())).as("the oldest ended call is forgotten").isFalse();
        assertThatThrownBy(() -> calls.incoming().legStatus(first.callId(), first.participantId(), ALICE))
                .isInstanceOfSatisfying(SwitchboardException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ITEM_NOT_FOUND));

        LegStatus ended = calls.incoming().legStatus(last.callId(), last.participantId(), ALICE);
        assertThat(ended.state()).isEqualTo(LegStatus.ENDED);
        assertThat(ended.endReason()).as("why it ended, still").isNotNull();
        String lastId = last.callId();
        String lastParticipant = last.participantId();
        assertThatThrownBy(() -> calls.incoming().legStatus(lastId, lastParticipant, BOB))
                .isInstanceOfSatisfying(SwitchboardException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
        assertThatThrownBy(() -> calls.incoming().legStatus(lastId, lastParticipant, MALLORY))
                .isInstanceOfSatisfying(SwitchboardException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ITEM_NOT_FOUND));

        assertThat(calls.incoming().legStatus(longCall.callId(), longCall.participantId(), ALICE).state())
                .as("the long call is still the caller's to read").isEqualTo(LegStatus.RINGING);
    }
}
