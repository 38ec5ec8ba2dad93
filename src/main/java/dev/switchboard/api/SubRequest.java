package dev.switchboard.api;

import java.util.List;
import java.util.Map;

/**
 * One request of a JSON batch as the server is to run it: a whole HTTP request, with the batch's token and the
 * scheme, host and client address the batch itself came with (docs/api.md#json-batching).
 *
 * @param method  the HTTP method
 * @param target  the path and query, e.g. {@code /v1.0/communications/calls/x/mute}
 * @param headers its header lines in order (names as sent), without framing headers
 * @param body    its body, or null for none
 */
public record SubRequest(String method, String target, List<Map.Entry<String, String>> headers, byte[] body) {
}
