package dev.switchboard.api;

import io.javalin.http.Context;
import org.slf4j.MDC;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@code request-id} / {@code client-request-id} pair Graph puts on every response. The client's
 * {@code client-request-id} is echoed (the Java SDK sends one per client, not per request, so it is
 * never assumed unique); a fresh one is made when the client sent none. The request id is also put into the
 * logging context (MDC {@code requestId}) for every log line written while the request is handled.
 */
public final class RequestIds {
    private static final String REQUEST_ID = "request-id";
    private static final String CLIENT_REQUEST_ID = "client-request-id";
    private static final int MAX_CLIENT_ID_LENGTH = 128;

    private RequestIds() {
    }

    /** A before-handler: assigns the ids and sets both response headers. */
    public static void assign(Context ctx) {
        String requestId = newRequestId();
        String clientRequestId = clientRequestId(ctx.header(CLIENT_REQUEST_ID), requestId);
        ctx.attribute(REQUEST_ID, requestId);
        ctx.attribute(CLIENT_REQUEST_ID, clientRequestId);
        ctx.header(REQUEST_ID, requestId);
        ctx.header(CLIENT_REQUEST_ID, clientRequestId);
        MDC.put("requestId", requestId);
    }

    /**
     * A random version-4 UUID from {@link ThreadLocalRandom}: a request id names a request in logs and answers and
     * needs no secrecy, while {@link UUID#randomUUID()} reads the JDK's shared {@code NativePRNG} under one lock (a
     * measured hot spot of the mute path at thousands of requests per second, issue 17).
     */
    static String newRequestId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;                      // version 4
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new UUID(high, low).toString();
    }

    /**
     * A before-matched handler: a request addressed to a call or a participant puts its {@code callId} and
     * {@code participantId} path parameters into the logging context too.
     */
    public static void tagCall(Context ctx) {
        java.util.Map<String, String> params = ctx.pathParamMap();
        String callId = params.get("callId");
        if (callId != null) {
            MDC.put("callId", callId);
        }
        String participantId = params.get("participantId");
        if (participantId != null) {
            MDC.put("participantId", participantId);
        }
    }

    /** An after-handler: the request's thread forgets its ids (threads are pooled or virtual and reused). */
    public static void release(Context ctx) {
        MDC.remove("requestId");
        MDC.remove("callId");
        MDC.remove("participantId");
    }

    /** The {@code client-request-id} to echo: the client's when it is short printable ASCII, else {@code fallback}. */
    public static String clientRequestId(String sent, String fallback) {
        if (sent == null || sent.isBlank() || sent.length() > MAX_CLIENT_ID_LENGTH
                || !sent.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            return fallback;
        }
        return sent;
    }

    public static String requestId(Context ctx) {
        String id = ctx.attribute(REQUEST_ID);
        return id != null ? id : UUID.randomUUID().toString();
    }

    public static String clientRequestId(Context ctx) {
        String id = ctx.attribute(CLIENT_REQUEST_ID);
        return id != null ? id : requestId(ctx);
    }
}
