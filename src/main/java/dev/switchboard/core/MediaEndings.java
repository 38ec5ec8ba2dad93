package dev.switchboard.core;

import dev.switchboard.media.ivr.Ending;
import dev.switchboard.media.ivr.JobResult;
import dev.switchboard.media.ivr.PromptMemory;

/**
 * How a media job's {@link Ending} becomes Graph's operation status, {@code resultInfo} and beta-style
 * {@code completionReason} (the table in docs/compatibility.md, "Service-hosted media"). Subcodes Graph documents:
 * 8515 (max duration), 8508 (cancelled); the others follow the 85xx media codes Azure Communication Services shares
 * with Graph's media platform. Stateless.
 */
final class MediaEndings {
    private MediaEndings() {
    }

    /** A finished operation's values. */
    record Finished(OperationStatus status, ResultInfo resultInfo, MediaOutcome outcome) {
        Finished withRecording(String location, String token) {
            return new Finished(status, resultInfo, new MediaOutcome(outcome.completionReason(), location, token));
        }
    }

    static Finished play(JobResult r) {
        return switch (r.ending()) {
            case COMPLETED -> done(ResultInfo.SUCCESS, "completedSuccessfully");
            case CANCELED -> failed(400, 8508, "Action failed, the operation was cancelled.", "mediaOperationCanceled");
            case PROMPT_FAILED -> failed(promptCode(r.failure()), promptSubcode(r.failure()), r.failure(), "unknown");
            default -> failed(410, 8501, "The call ended before the prompts finished.", "unknown");
        };
    }

    static Finished record(JobResult r) {
        return switch (r.ending()) {
            case MAX_DURATION -> done(new ResultInfo(200, 8515, "Action completed, max record duration reached."), "maxRecordDurationReached");
            case MAX_SILENCE -> done(new ResultInfo(200, 8509, "Action completed, silence after speech reached the max silence timeout."), "maxSilenceTimeout");
            case INITIAL_SILENCE -> done(new ResultInfo(200, 8510, "Action completed, no speech before the initial silence timeout."), "initialSilenceTimeout");
            case STOP_TONE -> done(new ResultInfo(200, 8514, "Action completed, a stop tone was detected."), "stopToneDetected");
            case HANG_UP -> r.recording() == null
                    ? new Finished(OperationStatus.FAILED, new ResultInfo(410, 8501, "The call ended before the recording started."),
                            new MediaOutcome("mediaReceiveTimeout", "", null))
                    : done(new ResultInfo(200, 8513, "Action completed, the call ended while recording."), "mediaReceiveTimeout");
            case CANCELED -> new Finished(OperationStatus.FAILED, new ResultInfo(400, 8508, "Action failed, the operation was cancelled."),
                    new MediaOutcome("operationCanceled", "", null));
            case PROMPT_FAILED -> failed(promptCode(r.failure()), 8511, r.failure(), "playPromptFailed");
            case COMPLETED -> done(ResultInfo.SUCCESS, "none");
            case STORAGE_FULL -> storageFailed(r.failure());
        };
    }

    static Finished hold(JobResult r) {
        return switch (r.ending()) {
            case COMPLETED -> done(ResultInfo.SUCCESS, null);
            case PROMPT_FAILED -> failed(promptCode(r.failure()), promptSubcode(r.failure()), r.failure(), null);
            case CANCELED -> failed(400, 8508, "Hold music was stopped before it started.", null);
            default -> failed(410, 8501, "The call ended before the hold music started.", null);
        };
    }

    static Finished storageFailed(String message) {
        return failed(507, 8516, message, "unspecifiedError");
    }

    /**
     * 8536 "file download failed" for a fetch, and for a prompt the server had no memory left to hold
     * ({@link PromptMemory#FULL}); 8535 "invalid file format" for a decode.
     */
    private static int promptSubcode(String failure) {
        return failure != null && (failure.startsWith("The media at") || failure.startsWith(PromptMemory.FULL)) ? 8536 : 8535;
    }

    /** 503 when the server had no memory left to hold the prompt (the bot may play it again later), else 400. */
    private static int promptCode(String failure) {
        return failure != null && failure.startsWith(PromptMemory.FULL) ? 503 : 400;
    }

    private static Finished done(ResultInfo info, String reason) {
        return new Finished(OperationStatus.COMPLETED, info, new MediaOutcome(reason, null, null));
    }

    private static Finished failed(int code, int subcode, String message, String reason) {
        return new Finished(OperationStatus.FAILED, new ResultInfo(code, subcode, message), new MediaOutcome(reason, null, null));
    }
}
