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
import static dev.switchboard.core.Calls.BOB;
import static dev.switchboard.core.Calls.BOT;
import static dev.switchboard.core.Calls.FROM;
import static dev.switchboard.core.Calls.OFFER;
import static dev.switchboard.core.Calls.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Simultaneous ring (docs/inbound-calls.md): a redirect to two bots and a user rings all three; the first to answer
 * wins, a target that refuses drops out, and the call ends only when the last one has or the timeout passed.
 */
class SimultaneousRingTest {
    static final CallingBot DIALED = new CallingBot("bot-app", TENANT, "Bot", URI.create("https://bot.example/calling"));
    static final CallingBot SECOND = new CallingBot("second-app", TENANT, "Second", URI.create("https://second.example/calling"));
    static final CallingBot THIRD = new CallingBot("third-app", TENANT, "Third", URI.create("https://third.example/calling"));
    static final ParticipantIdentity BOB_USER = ParticipantIdentity.user("bob", "Bob", TENANT);
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    final RecordingMediaEngine media = new RecordingMediaEngine();
    final RecordingNotificationSink sink = new RecordingNotificationSink(media);
    final CallJournalingTest.RecordingJournal journal = new CallJournalingTest.RecordingJournal();
    final MutableClock clock = new MutableClock();
    final CallEngine calls = new CallEngine(media, new BotNotifications(sink), clock, CallSettings.DEFAULTS, journal);

    @AfterEach
    void close() {
        calls.close();
    }

    /** Dials, redirects to SECOND, THIRD and bob; returns the dial and the two targets' call ids. */
    private Redirected ringAll() {
        IncomingCalls.Dialed d = calls.incoming().dial(Ids.next(), ALICE, DIALED, OFFER, FROM, Duration.ofSeconds(15));
        calls.incoming().redirectToAll(d.callId(), BOT, List.of(SECOND, THIRD), List.of(BOB_USER), TIMEOUT, null);
        List<JournaledCall> created = journal.created;
        String second = created.stream().filter(c -> c.appId().equals("second-app")).findFirst().orElseThrow().callId();
        String third = created.stream().filter(c -> c.appId().equals("third-app")).findFirst().orElseThrow().callId();
        return new Redirected(d, second, third);
    }

    record Redirected(IncomingCalls.Dialed dial, String second, String third) {
    }

    private LegStatus caller(Redirected r) {
        return calls.incoming().legStatus(r.dial().callId(), r.dial().participantId(), ALICE);
    }

    @Test
    void theFirstBotToAnswerWinsAndTheOtherTargetsStopRinging() {
        Redirected r = ringAll();
        calls.incoming().answer(r.second(), Caller.app(TENANT, "second-app"),
                new AnswerRequest(URI.create("https://second.example/cb"), List.of("audio"), false, null, null, false, null));
        assertThat(journal.events).contains("ended " + r.third());
        assertThatThrownBy(() -> calls.incoming().answer(r.third(), Caller.app(TENANT, "third-app"),
                new AnswerRequest(URI.create("https://third.example/cb"), List.of("audio"), false, null, null, false, null)))
                .as("the loser's late answer").isInstanceOf(SwitchboardException.class)
                .satisfies(e -> assertThat(((SwitchboardException) e).code()).isEqualTo(ErrorCode.ITEM_NOT_FOUND));
        assertThatThrownBy(() -> calls.incoming().decline(r.dial().callId(), BOB, RejectReason.BUSY))
                .as("bob is no longer rung").isInstanceOf(SwitchboardException.class);
        assertThat(caller(r).state()).isEqualTo(LegStatus.CONNECTED);
    }

    @Test
    void targetsThatRefuseDropOutAndTheLastOnesReasonEndsTheCall() {
        Redirected r = ringAll();
        calls.incoming().reject(r.second(), Caller.app(TENANT, "second-app"), RejectReason.BUSY, null);
        assertThat(caller(r).state()).as("third and bob still ring").isEqualTo(LegStatus.RINGING);
        calls.incoming().reject(r.third(), Caller.app(TENANT, "third-app"), RejectReason.NONE, null);
        assertThat(caller(r).state()).as("bob still rings").isEqualTo(LegStatus.RINGING);
        calls.incoming().decline(r.dial().callId(), BOB, RejectReason.FORBIDDEN);
        LegStatus ended = caller(r);
        assertThat(ended.state()).isEqualTo(LegStatus.ENDED);
        assertThat(ended.endReason().code()).isEqualTo(403);
    }

    @Test
    void nobodyAnsweringInTimeEndsTheCallWith408Subcode10057() {
        Redirected r = ringAll();
        clock.advance(TIMEOUT.plusSeconds(1));
        calls.incoming().expireUnanswered();
        LegStatus ended = caller(r);
        assertThat(ended.state()).isEqualTo(LegStatus.ENDED);
        assertThat(ended.endReason().code()).isEqualTo(408);
        assertThat(ended.endReason().subcode()).isEqualTo(10057);
        assertThat(journal.events).contains("ended " + r.second(), "ended " + r.third());
    }
}
