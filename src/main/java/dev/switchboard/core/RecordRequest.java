package dev.switchboard.core;

import java.util.List;

/**
 * The parameters of {@code recordResponse}, Graph's defaults filled in by the parser (null means "not given").
 *
 * @param prompts                 at most one prompt, played before the beep
 * @param bargeInAllowed          cancel the queued and playing media operations instead of waiting behind them
 * @param initialSilenceSeconds   1-120, default 5
 * @param maxSilenceSeconds       1-120, default 5
 * @param maxRecordSeconds        1-120, default 5
 * @param playBeep                default true
 * @param stopTones               DTMF characters ending the recording
 * @param clientContext           echoed
 * @param downloadBase            the URL the recording will be served under (the request's origin + {@code /recordings/})
 */
public record RecordRequest(List<MediaPrompt> prompts, boolean bargeInAllowed, Integer initialSilenceSeconds,
                            Integer maxSilenceSeconds, Integer maxRecordSeconds, Boolean playBeep, List<String> stopTones,
                            String clientContext, String downloadBase) {
    public RecordRequest {
        prompts = prompts == null ? List.of() : List.copyOf(prompts);
        stopTones = stopTones == null ? List.of() : List.copyOf(stopTones);
    }
}
