package dev.switchboard.api;

import dev.switchboard.error.ErrorCode;

import java.nio.charset.StandardCharsets;
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
    /**
     * A Graph error answered for a request of a batch that the server itself did not answer (not run, or not in time),
     * with a fresh request id; {@code clientRequestId} as the request sent it, or null.
     */
    public static SubResponse error(ErrorCode code, String message, String clientRequestId) {
        String requestId = RequestIds.newRequestId();
        String client = RequestIds.clientRequestId(clientRequestId, requestId);
        return new SubResponse(code.httpStatus(), List.of(Map.entry("Content-Type", "application/json"),
                Map.entry("request-id", requestId), Map.entry("client-request-id", client)),
                GraphErrors.body(code, message, requestId, client).getBytes(StandardCharsets.UTF_8));
    }
}
