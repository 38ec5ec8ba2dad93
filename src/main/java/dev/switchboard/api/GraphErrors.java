package dev.switchboard.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.error.ErrorCode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The one place where failures become HTTP answers: status plus a Graph error body
 * {@code {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}}.
 * Internal exception text never reaches the client.
 */
public final class GraphErrors {
    private static final Logger log = LoggerFactory.getLogger(GraphErrors.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    private GraphErrors() {
    }

    /** Registers the exception mappers on the server's routes. */
    public static void register(RoutesConfig routes) {
        routes.exception(SwitchboardException.class, (e, ctx) -> write(ctx, e.code(), e.getMessage()));
        routes.exception(HttpResponseException.class, (e, ctx) -> {
            ErrorCode code = fromStatus(e.getStatus());
            write(ctx, code, messageFor(code, ctx));
        });
        routes.exception(Exception.class, (e, ctx) -> {
            log.error("unhandled error method={} path={}", ctx.method(), ctx.path(), e);
            write(ctx, ErrorCode.INTERNAL, "An internal server error occurred.");
        });
    }

    /** Writes a Graph error answer. */
    public static void write(Context ctx, ErrorCode code, String message) {
        if (code == ErrorCode.INVALID_AUTHENTICATION_TOKEN) {
            ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\"" + message.replace("\"", "'") + "\"");
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
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", code.graphCode());
        error.put("message", message);
        ObjectNode inner = error.putObject("innerError");
        inner.put("date", DATE.format(Instant.now().truncatedTo(ChronoUnit.SECONDS)));
        inner.put("request-id", requestId);
        inner.put("client-request-id", clientRequestId);
        return root.toString();
    }

    static ErrorCode fromStatus(int status) {
        return switch (status) {
            case 400 -> ErrorCode.BAD_REQUEST;
            case 401 -> ErrorCode.INVALID_AUTHENTICATION_TOKEN;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.ITEM_NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 409 -> ErrorCode.CONFLICT;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 429 -> ErrorCode.TOO_MANY_REQUESTS;
            case 503 -> ErrorCode.SERVICE_UNAVAILABLE;
            default -> status >= 500 ? ErrorCode.INTERNAL : ErrorCode.BAD_REQUEST;
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
