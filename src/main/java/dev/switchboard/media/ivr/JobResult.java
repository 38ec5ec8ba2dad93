package dev.switchboard.media.ivr;

/**
 * How a media job ended.
 *
 * @param ending    why
 * @param failure   what went wrong ({@link Ending#PROMPT_FAILED}), else null
 * @param recording what a record job captured: mono 16-bit at {@link RecordJob#RATE} Hz (trailing silence that ended
 *                  it trimmed), or null for a play job
 */
public record JobResult(Ending ending, String failure, short[] recording) {
}
