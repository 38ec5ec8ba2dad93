package dev.switchboard.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Publishes the engine's {@link CallEvent}s from its mutable state. Called with the conference lock held, so a
 * call's events reach the sink in the order they happened; a failing sink is logged and never fails the action.
 *
 * <p>Threads and locks: docs/concurrency.md.
 */
final class CallEvents {
    private static final Logger log = LoggerFactory.getLogger(CallEvents.class);
    private final CallEventSink sink;

    CallEvents(CallEventSink sink) {
        this.sink = sink;
    }

    /** The bot's call is now in {@code call.state}. */
    void callState(Call call) {
        publish(new CallEvent.CallStateChanged(call.address(), call.conference.id, call.myParticipantId, call.state,
                call.state == CallState.TERMINATED ? call.resultInfo : null));
    }

    /** The bot's call is now in {@code call.state}, with {@code result} (a failed transfer's call back to established). */
    void callState(Call call, ResultInfo result) {
        publish(new CallEvent.CallStateChanged(call.address(), call.conference.id, call.myParticipantId, call.state, result));
    }

    /** A user's call rings at the bot (docs/inbound-calls.md). */
    void incoming(Call call) {
        publish(new CallEvent.IncomingCall(call.address(), call.view(call.conference.roster())));
    }

    /** A user is rung for a call of {@code c}. */
    void ringing(Conference c, String callId, String userId, ParticipantIdentity from, java.time.Instant deadline) {
        publish(new CallEvent.Ringing(c.tenantId, userId, callId, c.id, from, deadline));
    }

    /** A user's ring for a call of {@code c} is over. */
    /** User {@code p} moved from call {@code fromCallId} into {@code c}, addressed as {@code callId}; lock of {@code c} held. */
    void participantMoved(Conference c, Participant p, String fromCallId, String callId) {
        publish(new CallEvent.ParticipantMoved(c.tenantId, p.identity.id(), p.id, fromCallId, callId, c.id));
    }

    void ringEnded(Conference c, String callId, String userId, boolean answered, ResultInfo why) {
        publish(new CallEvent.RingEnded(c.tenantId, userId, callId, answered, why));
    }

    /** A roster change of {@code c}; the live bots of a group call hear about it unless the call ended with it. */
    void rosterChanged(Conference c, RosterUpdate update) {
        List<CallEvent.BotAddress> bots = new ArrayList<>(c.botCalls.size());
        if (!c.peerToPeer && !update.ended()) {
            for (Call bot : c.botCalls) {
                if (bot.live()) {
                    bots.add(bot.address());
                }
            }
        }
        publish(new CallEvent.RosterChanged(update, bots));
    }

    /** A key press for a bot that subscribed to tones. */
    void tone(Call call, dev.switchboard.media.DtmfTone tone, long sequenceId) {
        publish(new CallEvent.ToneReceived(call.address(), call.conference.id, call.myParticipantId, call.state, tone,
                sequenceId));
    }

    void operationFinished(Call call, Operation op) {
        publish(new CallEvent.OperationFinished(call.address(), op));
    }

    private void publish(CallEvent event) {
        try {
            sink.publish(event);
        } catch (RuntimeException e) {
            log.error("call event not published event={}", event.getClass().getSimpleName(), e);
        }
    }
}
