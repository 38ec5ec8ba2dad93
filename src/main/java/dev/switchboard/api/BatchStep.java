package dev.switchboard.api;

import java.util.List;
import java.util.Map;

/**
 * One request of a JSON batch, read and checked ({@link BatchSteps}).
 *
 * @param id        the batch's correlation id, as sent
 * @param method    {@code GET}, {@code POST}, {@code PATCH}, {@code PUT} or {@code DELETE}
 * @param target    the path and query it runs on, under {@code /v1.0} (e.g. {@code /v1.0/communications/calls/x/mute})
 * @param headers   its own headers, in order, without the ones the batch sets ({@link BatchSteps#IGNORED_HEADERS})
 * @param body      its body's bytes, or null for none
 * @param dependsOn the ids of the requests that must succeed before it runs, as ids of this batch (case as sent)
 */
record BatchStep(String id, String method, String target, Map<String, String> headers, byte[] body,
                 List<String> dependsOn) {
}
