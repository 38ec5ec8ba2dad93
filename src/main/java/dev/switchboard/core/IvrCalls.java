package dev.switchboard.core;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.media.ivr.IvrChannel;
import dev.switchboard.media.ivr.JobResult;
import dev.switchboard.media.ivr.PcmClip;
import dev.switchboard.media.ivr.PlayJob;
import dev.switchboard.media.ivr.PromptMemory;
import dev.switchboard.media.ivr.PromptSlot;
import dev.switchboard.media.ivr.RecordJob;
import dev.switchboard.media.ivr.RecordingStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * What a bot with service-hosted media asks of the media plane: playPrompt, recordResponse, cancelMediaProcessing,
 * and a participant's hold music. Actions validate, queue the job on the call's {@link IvrChannel} as the asking bot's
 * (its call's id: a bot cancels or takes with it only its own, docs/ivr-media.md) and answer a
 * {@code running} operation; the job's end comes back from the mixer thread, is handed to a worker and finishes the
 * operation under the conference lock (stored, then published as {@link CallEvent.OperationFinished}); one call's
 * endings are finished one at a time in the order they ended ({@link InOrder}).
 * How endings map to Graph's status, resultInfo and completionReason: {@link MediaEndings}.
 *
 * <p>Thread-safe: request threads, IVR workers (prompt downloads, job endings) and the DTMF path call in.
 */
public final class IvrCalls {
    private static final Logger log = LoggerFactory.getLogger(IvrCalls.class);
    static final int MAX_PROMPTS = 20;
    static final int MAX_SECONDS = 120;
    static final int DEFAULT_SECONDS = 5;
    private static final PcmClip BEEP = PcmClip.tone(1000, 250);

    private final CallAccess access;
    private final CallRegistry registry;
    private final CallEvents events;
    private final Clock clock;
    private final int retention;
    private final PromptMemory promptMemory;
    private final PromptCache prompts;
    private final RecordingStore recordings;
    private final Executor workers;

    private final ToneRelay tones;
    private final Rosters rosters;
    private final CallCapacity capacity;

    IvrCalls(CallAccess access, CallRegistry registry, CallEvents events, Clock clock, int retention, IvrSettings settings,
             PromptFetcher fetcher, RecordingStore recordings, Executor workers, ToneRelay tones, CallCapacity capacity) {
        this.capacity = capacity;
        this.access = access;
        this.tones = tones;
        this.registry = registry;
        this.events = events;
        this.clock = clock;
        this.retention = retention;
        this.promptMemory = new PromptMemory(settings.promptMemoryBytes());
        this.prompts = new PromptCache(settings.promptCacheBytes(), promptMemory, fetcher, workers);
        this.recordings = recordings;
        this.workers = workers;
        this.rosters = new Rosters(events);
    }

    /** {@code call: playPrompt}: 1-20 prompts, played in order behind anything queued before. */
    public Operation playPrompt(String callId, List<MediaPrompt> list, Caller app, String clientContext) {
        CallRules.checkClientContext(clientContext);
        if (list == null || list.isEmpty() || list.size() > MAX_PROMPTS) {
            throw SwitchboardException.badRequest("prompts must list 1 to " + MAX_PROMPTS + " mediaPrompt values.");
        }
        return access.withCall(callId, app, call -> {
            IvrChannel ivr = channel(call);
            checkUris(list);
            Operation op = start(call, OperationKind.PLAY_PROMPT, clientContext);
            List<PromptSlot> slots = slots(call, list);
            InOrder endings = endings(call);
            ivr.enqueue(call.id, new PlayJob(slots, r -> endings.execute(() -> finish(call, op, MediaEndings.play(r)))));
            return op;
        });
    }

    /** {@code call: recordResponse}. */
    public Operation recordResponse(String callId, RecordRequest r, Caller app) {
        CallRules.checkClientContext(r.clientContext());
        if (r.prompts().size() > 1) {
            throw SwitchboardException.badRequest("recordResponse takes at most 1 prompt.");
        }
        int initial = seconds("initialSilenceTimeoutInSeconds", r.initialSilenceSeconds());
        int silence = seconds("maxSilenceTimeoutInSeconds", r.maxSilenceSeconds());
        int max = seconds("maxRecordDurationInSeconds", r.maxRecordSeconds());
        StringBuilder stops = new StringBuilder();
        for (String t : r.stopTones()) {
            if (t == null || t.length() != 1 || "0123456789*#ABCDabcd".indexOf(t.charAt(0)) < 0) {
                throw SwitchboardException.badRequest("stopTones takes DTMF characters (0-9, *, #, A-D); '" + t
                        + "' is not one.");
            }
            stops.append(Character.toUpperCase(t.charAt(0)));
        }
        if (!recordings.fits(app.tenantId(), max)) {
            throw recordings.full(RecordingStore.bytesFor(max));
        }
        return access.withCall(callId, app, call -> {
            IvrChannel ivr = channel(call);
            if (!stops.isEmpty()) {
                tones.ensureAttached(call.conference); // key presses reach onDigit from now on (RFC 4733, docs/dtmf.md)
            }
            checkUris(r.prompts());
            Operation op = start(call, OperationKind.RECORD_RESPONSE, r.clientContext());
            InOrder endings = endings(call);
            RecordJob job = new RecordJob(slots(call, r.prompts()), r.playBeep() == null || r.playBeep() ? BEEP : null,
                    stops.toString(), initial * 1000, silence * 1000, max * 1000, recordings.spool(call.tenantId),
                    result -> endings.execute(() -> finishRecording(call, op, result, r.downloadBase())));
            if (r.bargeInAllowed()) {
                ivr.enqueueBargingIn(call.id, job);
            } else {
                ivr.enqueue(call.id, job);
            }
            return op;
        });
    }

    /**
     * {@code serviceHostedMediaConfig.preFetchMedia} at create or answer: every entry with a {@code resourceId} starts
     * downloading and decoding into the prompt cache now, on a worker, under the same address, size and time policy
     * as a play; a later playPrompt of the same {@code (resourceId, uri)} plays from the cache. Entries without a
     * resourceId are skipped (nothing could reuse them). A prefetch that fails is logged and forgotten: the call goes
     * on, and the play that later asks for that prompt fetches it again (and fails as a play fails if it still
     * cannot). Ignored for app-hosted calls. Request thread; returns at once.
     */
    public void preFetch(String callId, List<MediaPrompt> media, Caller app) {
        if (media.isEmpty()) {
            return;
        }
        access.withCall(callId, app, call -> {
            if (call.request.appHostedMedia()) {
                return null;
            }
            for (MediaPrompt p : media) {
                if (p.resourceId() == null || p.resourceId().isEmpty()) {
                    continue;
                }
                prompts.prefetch(call, p).whenComplete((clip, e) -> {
                    if (e != null) {
                        log.warn("prompt prefetch failed callId={} resourceId={} reason={}", call.id, p.resourceId(),
                                PromptCache.message(e));
                    }
                });
            }
            return null;
        });
    }

    /**
     * {@code call: cancelMediaProcessing}: every prompt and recording this bot queued or is playing ends as cancelled;
     * another bot's in the same group call go on.
     */
    public Operation cancelMediaProcessing(String callId, Caller app, String clientContext) {
        CallRules.checkClientContext(clientContext);
        return access.withCall(callId, app, call -> {
            channel(call).cancel(call.id);
            Operation op = new Operation(Ids.next(), call.id, OperationKind.CANCEL_MEDIA_PROCESSING,
                    OperationStatus.COMPLETED, clientContext, ResultInfo.SUCCESS, List.of(), clock.instant());
            call.remember(op, retention);
            return op;
        });
    }

    /**
     * {@code participant: startHoldMusic}: the participant hears {@code prompt} (or the built-in music) in a loop
     * instead of the call, and nobody hears it. One participant at a time, as Graph documents.
     */
    public Operation startHoldMusic(String callId, String participantId, MediaPrompt prompt, Caller app,
                                    String clientContext) {
        CallRules.checkClientContext(clientContext);
        return access.withCall(callId, app, call -> {
            Participant p = CallRules.participantOf(call.conference, participantId);
            IvrChannel ivr = channel(call);
            if (p.botCall != null) {
                throw SwitchboardException.badRequest("Only a user participant can be put on hold; '" + participantId
                        + "' is a bot.");
            }
            String other = ivr.heldParticipant();
            if (other != null && !other.equals(p.id)) {
                throw new SwitchboardException(ErrorCode.CONFLICT, "Participant '" + other + "' is on hold already; "
                        + "only one participant can be on hold at a time (stopHoldMusic first).");
            }
            if (prompt != null) {
                checkUris(List.of(prompt));
            }
            Operation op = start(call, OperationKind.START_HOLD_MUSIC, clientContext);
            PromptSlot music = prompt == null ? PromptSlot.of(PcmClip.HOLD_MUSIC) : prompts.slot(call, prompt);
            InOrder endings = endings(call);
            ivr.hold(call.id, p.id, music, res -> endings.execute(() -> finish(call, op, MediaEndings.hold(res))));
            if (!p.onHold) { // the roster shows it (docs/ivr-media.md, "Hold music")
                p.onHold = true;
                rosters.changed(call.conference, List.of(p), List.of());
            }
            return op;
        });
    }

    /** {@code participant: stopHoldMusic}: completed when it returns (the participant hears the call again). */
    public Operation stopHoldMusic(String callId, String participantId, Caller app, String clientContext) {
        CallRules.checkClientContext(clientContext);
        return access.withCall(callId, app, call -> {
            Participant p = CallRules.participantOf(call.conference, participantId);
            IvrChannel ivr = channel(call);
            if (!ivr.unhold(p.id)) {
                throw SwitchboardException.badRequest("Participant '" + participantId + "' is not on hold.");
            }
            if (p.onHold) {
                p.onHold = false;
                rosters.changed(call.conference, List.of(p), List.of());
            }
            Operation op = new Operation(Ids.next(), call.id, OperationKind.STOP_HOLD_MUSIC, OperationStatus.COMPLETED,
                    clientContext, ResultInfo.SUCCESS, List.of(), clock.instant());
            call.remember(op, retention);
            return op;
        });
    }

    /**
     * A DTMF digit a participant sent in a call (any of its ids): a running recordResponse whose stopTones include
     * it ends. Called by the DTMF receive path; unknown calls are ignored.
     */
    public void onDigit(String callId, String participantId, char digit) {
        Conference c = registry.conference(callId);
        if (c != null && c.room != null && c.room.ivr() != null) {
            c.room.ivr().digit(Character.toUpperCase(digit));
        }
    }

    /** The file of a recording, for the holder of its token (401 without it). */
    public Path recording(String recordingId, String token) {
        return recordings.open(recordingId, token);
    }

    /** Deletes expired recordings (the server's sweeper runs it). */
    public int sweepRecordings() {
        return recordings.sweep();
    }

    /** Prompt audio in memory now, and its bound (for metrics). */
    public PromptMemory promptMemory() {
        return promptMemory;
    }

    /** Downloads of prompts so far (a cached prompt costs none). */
    public long promptFetches() {
        return prompts.fetches();
    }

    private static IvrChannel channel(Call call) {
        CallRules.requireAnswered(call);
        if (call.request.appHostedMedia()) {
            throw SwitchboardException.badRequest("This action is supported only for calls with serviceHostedMediaConfig; "
                    + "this call has app-hosted media.");
        }
        IvrChannel ivr = call.conference.room.ivr();
        if (ivr == null) {
            throw new SwitchboardException(ErrorCode.NOT_IMPLEMENTED, "This server's media plane has no service-hosted media.");
        }
        return ivr;
    }

    /**
     * Where the call's job endings are finished: one at a time, in the order the mixer thread ends them (queue order),
     * so a cancel or a hang-up that ends several jobs in one tick notifies the bot in that order. Conference lock held.
     */
    private InOrder endings(Call call) {
        if (call.mediaEndings == null) {
            call.mediaEndings = new InOrder(workers);
        }
        return call.mediaEndings;
    }

    /** A new running operation of the call (429 when it has the most it may have). */
    private Operation start(Call call, OperationKind kind, String clientContext) {
        capacity.checkOperation(call);
        Operation op = new Operation(Ids.next(), call.id, kind, OperationStatus.RUNNING, clientContext, null, List.of(),
                clock.instant());
        call.remember(op, retention);
        return op;
    }

    /** Every prompt has an http(s) {@code mediaInfo.uri}; checked before anything is started. */
    private static void checkUris(List<MediaPrompt> list) {
        for (MediaPrompt p : list) {
            if (p == null || p.uri() == null) {
                throw SwitchboardException.badRequest("Every prompt needs mediaInfo.uri.");
            }
            String scheme = p.uri().getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                throw SwitchboardException.badRequest("mediaInfo.uri must be an absolute http or https URL: '" + p.uri() + "'.");
            }
        }
    }

    /** The prompts' slots, filling from the cache or the network (after {@link #checkUris}). */
    private List<PromptSlot> slots(Call call, List<MediaPrompt> list) {
        List<PromptSlot> slots = new ArrayList<>(list.size());
        for (MediaPrompt p : list) {
            slots.add(prompts.slot(call, p));
        }
        return slots;
    }

    private static int seconds(String name, Integer value) {
        if (value == null) {
            return DEFAULT_SECONDS;
        }
        if (value < 1 || value > MAX_SECONDS) {
            throw SwitchboardException.badRequest(name + " must be 1 to " + MAX_SECONDS + " seconds, not " + value + ".");
        }
        return value;
    }

    /** Worker thread: stores the recording, then finishes the operation. */
    private void finishRecording(Call call, Operation op, JobResult result, String downloadBase) {
        MediaEndings.Finished f = MediaEndings.record(result);
        if (result.recording() != null && f.status() == OperationStatus.COMPLETED) {
            try {
                RecordingStore.Stored s = recordings.adopt(result.recording());
                f = f.withRecording(downloadBase + s.id(), s.token());
            } catch (SwitchboardException e) {
                f = MediaEndings.storageFailed(e.getMessage());
            }
        } else if (result.recording() != null) {
            result.recording().discard();
        }
        finish(call, op, f);
    }

    /** Worker thread: the operation finishes and the bot hears about it (also after the call ended). */
    private void finish(Call call, Operation op, MediaEndings.Finished f) {
        Conference c = call.conference;
        c.lock.lock();
        try {
            Operation done = op.finish(f.status(), f.resultInfo(), f.outcome());
            call.remember(done, retention);
            events.operationFinished(call, done);
        } catch (RuntimeException e) {
            log.error("media operation not finished callId={} operationId={}", call.id, op.id(), e);
        } finally {
            c.lock.unlock();
        }
    }
}
