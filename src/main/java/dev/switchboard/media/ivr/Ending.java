package dev.switchboard.media.ivr;

/** Why a media job ended. Core maps each to Graph's status, resultInfo and completionReason. */
public enum Ending {
    /** Every prompt played (a play job), or hold music started (a hold). */
    COMPLETED,
    /** cancelMediaProcessing, or a barge-in record job took over. */
    CANCELED,
    /** A prompt could not be fetched or decoded. */
    PROMPT_FAILED,
    /** The call's media ended (hang-up) before the job did. */
    HANG_UP,
    STOP_TONE,
    MAX_DURATION,
    INITIAL_SILENCE,
    MAX_SILENCE,
    /** The recordings' disk budget refused the recording's next bytes (the failure says how full it is). */
    STORAGE_FULL
}
