package dev.switchboard.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.error.ErrorCode;
import dev.switchboard.graph.GraphWire;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.eclipse.jetty.http.HttpException;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The one place where failures become HTTP answers: status plus a Graph error body
 * {@code {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}}.
 * Internal exception text never reaches the client. Every 429 and 503 carries {@code Retry-After}: the wait the
 * exception names, else {@link #DEFAULT_RETRY_AFTER}.
 */
public final class GraphErrors {
    private static final Logger log = LoggerFactory.getLogger(GraphErrors.class);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    /** The {@code Retry-After} of a 429 or 503 whose cause named no wait of its own. */
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(10);

    private GraphErrors() {
    }

    /** Registers the exception mappers on the server's routes. */
    public static void register(RoutesConfig routes) {
        routes.exception(SwitchboardException.class, (e, ctx) -> write(ctx, e.code(), e.getMessage(), e.retryAfter()));
        routes.exception(HttpResponseException.class, (e, ctx) -> {
            ErrorCode code = fromStatus(e.getStatus());
            write(ctx, code, messageFor(code, ctx));
        });
        routes.exception(HttpException.RuntimeException.class, (e, ctx) -> {
            // the HTTP layer refused what the client sent (e.g. a malformed chunked body): the client's fault
            log.info("bad request from the HTTP layer method={} path={} status={}", ctx.method(), ctx.path(), e.getCode());
            write(ctx, fromStatus(e.getCode()), messageForStatus(e.getCode()));
        });
        routes.exception(Exception.class, (e, ctx) -> {
            log.error("unhandled error method={} path={}", ctx.method(), ctx.path(), e);
            write(ctx, ErrorCode.INTERNAL, "An internal server error occurred.");
        });
    }

    /** Writes a Graph error answer. */
    public static void write(Context ctx, ErrorCode code, String message) {
        write(ctx, code, message, null);
    }

    /** Writes a Graph error answer; {@code retryAfter} (may be null) is the wait a 429 or 503 asks for. */
    public static void write(Context ctx, ErrorCode code, String message, Duration retryAfter) {
        if (code == ErrorCode.INVALID_AUTHENTICATION_TOKEN) {
            ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\"" + message.replace("\"", "'") + "\"");
        }
        String retry = retryAfter(code, retryAfter);
        if (retry != null) {
            ctx.header("Retry-After", retry);
        }
        ctx.status(code.httpStatus());
        ctx.contentType("application/json");
        String body = body(code, message, RequestIds.requestId(ctx), RequestIds.clientRequestId(ctx));
        if ("websocket".equalsIgnoreCase(ctx.header("Upgrade"))) {
            writeRefusedUpgrade(ctx, body);
        } else {
            ctx.result(body);
        }
    }

    /** Javalin sends no result for a refused WebSocket upgrade, so the error body goes straight to the response. */
    private static void writeRefusedUpgrade(Context ctx, String body) {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            ctx.res().setContentLength(bytes.length);
            ctx.res().getOutputStream().write(bytes);
            ctx.res().flushBuffer();
        } catch (java.io.IOException e) {
            log.debug("refused upgrade: the client went away before the error body", e);
        }
    }

    /** The Graph error body as a string. */
    public static String body(ErrorCode code, String message, String requestId, String clientRequestId) {
        ObjectNode root = GraphWire.JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", code.graphCode());
        error.put("message", message);
        ObjectNode inner = error.putObject("innerError");
        inner.put("date", DATE.format(Instant.now().truncatedTo(ChronoUnit.SECONDS)));
        inner.put("request-id", requestId);
        inner.put("client-request-id", clientRequestId);
        return root.toString();
    }

    /**
     * The {@code Retry-After} value (whole seconds, at least 1) for an answer with this code: the wanted wait, else the
     * default for 429 and 503; null for every other code.
     */
    public static String retryAfter(ErrorCode code, Duration wanted) {
        if (code != ErrorCode.TOO_MANY_REQUESTS && code != ErrorCode.SERVICE_UNAVAILABLE) {
            return null;
        }
        Duration wait = wanted != null ? wanted : DEFAULT_RETRY_AFTER;
        return Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000));
    }

    /** The error code for an HTTP status the server did not choose itself (the framework's or the HTTP layer's). */
    public static ErrorCode fromStatus(int status) {
        return switch (status) {
            case 400 -> ErrorCode.BAD_REQUEST;
            case 401 -> ErrorCode.INVALID_AUTHENTICATION_TOKEN;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.ITEM_NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 408 -> ErrorCode.REQUEST_TIMEOUT;
            case 409 -> ErrorCode.CONFLICT;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 414 -> ErrorCode.URI_TOO_LONG;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 429 -> ErrorCode.TOO_MANY_REQUESTS;
            case 431 -> ErrorCode.HEADERS_TOO_LARGE;
            case 501 -> ErrorCode.NOT_IMPLEMENTED;
            case 503 -> ErrorCode.SERVICE_UNAVAILABLE;
            default -> status >= 500 ? ErrorCode.INTERNAL : ErrorCode.BAD_REQUEST;
        };
    }

    /**
     * The message for an error the HTTP layer produced before any route ran (the layer's own text is never sent:
     * it may quote the request).
     */
    public static String messageForStatus(int status) {
        return switch (fromStatus(status)) {
            case BAD_REQUEST -> "The request is malformed (request line, path, or headers).";
            case REQUEST_TIMEOUT -> "The request was not received in time.";
            case PAYLOAD_TOO_LARGE -> "The request body is too large.";
            case URI_TOO_LONG -> "The request URL is too long.";
            case HEADERS_TOO_LARGE -> "The request headers are too large.";
            case METHOD_NOT_ALLOWED -> "The method is not allowed here.";
            case SERVICE_UNAVAILABLE -> "The service is not available; try again later.";
            case INTERNAL -> "An internal server error occurred.";
            default -> "The request could not be processed.";
        };
    }

    private static String messageFor(ErrorCode code, Context ctx) {
        return switch (code) {
            case ITEM_NOT_FOUND -> "No resource at " + ctx.method() + " " + ctx.path() + ".";
            case METHOD_NOT_ALLOWED -> "The method " + ctx.method() + " is not allowed on " + ctx.path() + ".";
            case PAYLOAD_TOO_LARGE -> "The request body is too large.";
            case UNSUPPORTED_MEDIA_TYPE -> "The request's Content-Type is not supported here.";
            default -> "The request could not be processed.";
        };
    }
}
