package dev.switchboard.core;

import dev.switchboard.media.DtmfSender;
import dev.switchboard.media.DtmfTone;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What bots do with DTMF (docs/dtmf.md): {@code subscribeToTone} (from then on every key a participant presses reaches
 * the bot as a call update with {@code toneInfo}, through the {@link ToneRelay}) and {@code sendDtmfTones} (the tones
 * go to every other participant whose media negotiated RFC 4733 telephone-events; the operation completes, with a
 * notification, once the last end packet went out).
 *
 * <p>Thread-safe; called on request threads, each action under one conference lock (docs/concurrency.md).
 */
public final class DtmfCalls {
    private static final Logger log = LoggerFactory.getLogger(DtmfCalls.class);
    /** Most tones in one {@code sendDtmfTones} (Graph states no limit). */
    public static final int MAX_TONES = 64;
    /** Largest {@code delayBetweenTonesMs} (Graph states none). */
    public static final int MAX_DELAY_MS = 5000;
    /** The gap between tones when {@code delayBetweenTonesMs} is absent (Graph states no default). */
    public static final int DEFAULT_DELAY_MS = 100;
    static final String COMPLETED_SUCCESSFULLY = "completedSuccessfully";
    static final String UNKNOWN = "unknown";
    static final ResultInfo NO_RECEIVER = new ResultInfo(400, 0, "No other participant's media negotiated RFC 4733 "
            + "telephone-event; no tone was sent.");
    static final ResultInfo NOT_ALL_SENT = new ResultInfo(410, 0, "A participant's media closed before every tone "
            + "was sent to it.");

    static final String CANCELED = "mediaOperationCanceled";
    static final ResultInfo BOT_LEFT = new ResultInfo(410, 8501, "The bot left the call before every tone was sent.");

    private final CallAccess access;
    private final ToneRelay relay;
    private final CallEvents events;
    private final Clock clock;
    private final int retention;

    private final CallCapacity capacity;

    DtmfCalls(CallAccess access, ToneRelay relay, CallEvents events, Clock clock, int retention, CallCapacity capacity) {
        this.capacity = capacity;
        this.access = access;
        this.relay = relay;
        this.events = events;
        this.clock = clock;
        this.retention = retention;
    }

    /**
     * {@code subscribeToTone}: a completed operation; every later key press of another participant reaches the bot.
     * Service-hosted media only, as in Graph (an app-hosted bot has its own media).
     */
    public Operation subscribeToTone(String callId, Caller app, String clientContext) {
        CallRules.checkClientContext(clientContext);
        return access.withCall(callId, app, call -> {
            CallRules.requireAnswered(call);
            if (call.request.appHostedMedia()) {
                throw dev.switchboard.error.SwitchboardException.badRequest("subscribeToTone is for calls with "
                        + "service-hosted media; this call has app-hosted media.");
            }
            relay.ensureAttached(call.conference);
            call.toneSubscribed = true;
            Operation op = new Operation(Ids.next(), call.id, OperationKind.SUBSCRIBE_TO_TONE, OperationStatus.COMPLETED,
                    clientContext, null, List.of(), clock.instant());
            call.remember(op, retention);
            log.debug("tones subscribed callId={} operationId={}", call.id, op.id());
            return op;
        });
    }

    /**
     * {@code sendDtmfTones}: a running operation, completed (with a notification) once every receiving leg has sent
     * the last tone's end packets; completed at once, with {@code completionReason: unknown}, when no other
     * participant negotiated telephone-event.
     *
     * @param delayMs {@code delayBetweenTonesMs}, or null for {@link #DEFAULT_DELAY_MS}
     */
    public Operation sendDtmfTones(String callId, List<DtmfTone> tones, Integer delayMs, Caller app, String clientContext) {
        CallRules.checkClientContext(clientContext);
        if (tones.isEmpty() || tones.size() > MAX_TONES) {
            throw dev.switchboard.error.SwitchboardException.badRequest("tones must list 1 to " + MAX_TONES + " tones.");
        }
        if (delayMs != null && (delayMs < 0 || delayMs > MAX_DELAY_MS)) {
            throw dev.switchboard.error.SwitchboardException.badRequest("delayBetweenTonesMs must be 0 to " + MAX_DELAY_MS
                    + ", not " + delayMs + ".");
        }
        List<DtmfTone> sequence = List.copyOf(tones);
        int gap = delayMs == null ? DEFAULT_DELAY_MS : delayMs;
        return access.withCall(callId, app, call -> {
            CallRules.requireAnswered(call);
            capacity.checkOperation(call);
            List<Participant> receivers = new ArrayList<>();
            for (Participant p : call.conference.participants.values()) {
                if (!p.id.equals(call.myParticipantId) && p.leg != null && p.leg.receivesDtmf()) {
                    receivers.add(p);
                }
            }
            Operation op = new Operation(Ids.next(), call.id, OperationKind.SEND_DTMF_TONES, OperationStatus.RUNNING,
                    clientContext, null, List.of(), clock.instant());
            if (receivers.isEmpty()) {
                op = op.finish(OperationStatus.COMPLETED, NO_RECEIVER, UNKNOWN);
                call.remember(op, retention);
                return op;
            }
            call.remember(op, retention);
            String opId = op.id();
            AtomicInteger pending = new AtomicInteger(receivers.size());
            AtomicReference<DtmfSender.Outcome> worst = new AtomicReference<>(DtmfSender.Outcome.SENT);
            for (Participant p : receivers) {
                p.leg.sendDtmf(call.id, sequence, gap, outcome -> {
                    worst.accumulateAndGet(outcome, (a, b) -> a.ordinal() >= b.ordinal() ? a : b);
                    if (pending.decrementAndGet() == 0) {
                        finished(call, opId, worst.get());
                    }
                });
            }
            log.debug("sending tones callId={} operationId={} tones={} receivers={}", call.id, opId, sequence.size(),
                    receivers.size());
            return op;
        });
    }

    /**
     * Every receiver is done (on the media's DTMF thread): the operation completes and the bot hears it — also when
     * the call ended meanwhile (its legs closed: 410/0 after the call's {@code terminated}), or the bot left a call
     * that goes on (its tones stopped: {@code mediaOperationCanceled}, 410/8501, as its prompts end), as a play or a
     * recording the call's end stops does, so no operation the bot started is left running.
     *
     * @param worst {@code STOPPED} if any receiver's tones were stopped, else {@code CLOSED} if any leg closed first
     */
    private void finished(Call call, String opId, DtmfSender.Outcome worst) {
        Conference c = call.conference;
        c.lock.lock();
        try {
            Operation running = call.runningOperations.get(opId);
            if (running == null) {
                return;
            }
            Operation done = switch (worst) {
                case SENT -> running.finish(OperationStatus.COMPLETED, ResultInfo.SUCCESS, COMPLETED_SUCCESSFULLY);
                case CLOSED -> running.finish(OperationStatus.COMPLETED, NOT_ALL_SENT, UNKNOWN);
                case STOPPED -> running.finish(OperationStatus.COMPLETED, BOT_LEFT, CANCELED);
            };
            call.remember(done, retention);
            events.operationFinished(call, done);
        } finally {
            c.lock.unlock();
        }
    }
}
