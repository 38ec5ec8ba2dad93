package dev.switchboard.server;

import dev.switchboard.api.GraphErrors;
import dev.switchboard.api.RequestIds;
import dev.switchboard.error.ErrorCode;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The answers Jetty writes itself, before any route runs (a {@code %00} or invalid UTF-8 in the path, a bad
 * {@code Host}, a URL or headers too large, ...): the Graph error JSON with a fresh {@code request-id}, never Jetty's
 * HTML page. One handler for the server (errors while parsing a request) and one for the servlet context (errors
 * while the servlet layer reads the request); both render through {@link GraphErrors}. Called on Jetty's threads;
 * stateless. Logged at DEBUG only: the client's fault, and free for it to repeat.
 */
final class GraphErrorPages {
    private static final Logger log = LoggerFactory.getLogger(GraphErrorPages.class);

    private GraphErrorPages() {
    }

    /** For {@code Server.setErrorHandler}. */
    static org.eclipse.jetty.server.handler.ErrorHandler forServer() {
        return new org.eclipse.jetty.server.handler.ErrorHandler() {
            @Override
            public boolean errorPageForMethod(String method) {
                return true;
            }

            @Override
            protected void generateResponse(Request request, Response response, int code, String message,
                                            Throwable cause, Callback callback) {
                writeGraphError(request, response, code, callback);
            }
        };
    }

    /** For the servlet context's {@code setErrorHandler}. */
    static org.eclipse.jetty.ee10.servlet.ErrorHandler forServlets() {
        return new org.eclipse.jetty.ee10.servlet.ErrorHandler() {
            @Override
            public boolean errorPageForMethod(String method) {
                return true;
            }

            @Override
            protected void generateResponse(Request request, Response response, int code, String message,
                                            Throwable cause, Callback callback) {
                writeGraphError(request, response, code, callback);
            }
        };
    }

    private static void writeGraphError(Request request, Response response, int status, Callback callback) {
        ErrorCode code = GraphErrors.fromStatus(status);
        String requestId = UUID.randomUUID().toString();
        String clientRequestId = RequestIds.clientRequestId(request.getHeaders().get("client-request-id"), requestId);
        log.debug("refused by the HTTP layer status={} requestId={}", status, requestId);
        byte[] body = GraphErrors.body(code, GraphErrors.messageForStatus(status), requestId, clientRequestId)
                .getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put("request-id", requestId);
        response.getHeaders().put("client-request-id", clientRequestId);
        String retry = GraphErrors.retryAfter(code, null);
        if (retry != null) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, retry);
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
