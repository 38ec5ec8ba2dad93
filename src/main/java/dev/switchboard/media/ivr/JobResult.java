package dev.switchboard.media.ivr;

/**
 * How a media job ended.
 *
 * @param ending    why
 * @param failure   what went wrong ({@link Ending#PROMPT_FAILED}, {@link Ending#STORAGE_FULL}), else null
 * @param recording what a record job captured, on its way to disk: mono 16-bit at {@link RecordJob#RATE} Hz (trailing
 *                  silence that ended it trimmed); the receiver stores it ({@link RecordingStore#adopt}) or
 *                  {@link SpooledRecording#discard() discards} it. Null for a play job, and for a record job
 *                  whose call ended before it began recording.
 */
public record JobResult(Ending ending, String failure, SpooledRecording recording) {
}
