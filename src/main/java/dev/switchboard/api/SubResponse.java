package dev.switchboard.api;

import java.util.List;
import java.util.Map;

/**
 * What the server answered one request of a JSON batch.
 *
 * @param status  the HTTP status
 * @param headers its header lines in order, without framing headers
 * @param body    its body (empty for none)
 */
public record SubResponse(int status, List<Map.Entry<String, String>> headers, byte[] body) {
}
