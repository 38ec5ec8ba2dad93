package dev.switchboard.core;

/**
 * What a finished service-hosted media operation adds to {@code commsOperation}.
 *
 * @param completionReason     the beta-style reason ({@code maxSilenceTimeout}, {@code operationCanceled}, ...), sent
 *                             as an extra property because v1.0 has no typed one (docs/ivr-media.md)
 * @param recordingLocation    where the recording is downloaded (recordOperation only), else null
 * @param recordingAccessToken the bearer token that reads it, else null
 */
public record MediaOutcome(String completionReason, String recordingLocation, String recordingAccessToken) {
}
