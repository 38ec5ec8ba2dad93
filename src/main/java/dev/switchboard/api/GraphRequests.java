package dev.switchboard.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.auth.BearerAuthenticator;
import dev.switchboard.auth.PublicOrigins;
import dev.switchboard.auth.CallsPermission;
import dev.switchboard.auth.Principal;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.core.Caller;
import dev.switchboard.core.Operation;
import dev.switchboard.graph.CallJson;
import dev.switchboard.graph.GraphWire;
import dev.switchboard.error.ErrorCode;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * What every Graph handler does with a request: authenticate the bot, read an optional or required JSON body
 * (415 for a non-JSON body, 400 for malformed JSON, a non-object, content after the value, nesting deeper than
 * {@value #MAX_NESTING_DEPTH} or a number longer than {@value #MAX_NUMBER_LENGTH} digits, 413 above the server's size
 * limit), and build
 * absolute URLs on this server's base. Thread-safe.
 *
 * <p>Threads and locks: docs/concurrency.md.
 */
public final class GraphRequests {
    /** Graph's one wire mapper: shared buffer pool, strict reads (see {@link GraphWire}). */
    private static final ObjectMapper JSON = GraphWire.JSON;
    static final int MAX_NESTING_DEPTH = GraphWire.MAX_NESTING_DEPTH;
    static final int MAX_NUMBER_LENGTH = GraphWire.MAX_NUMBER_LENGTH;

    private final BearerAuthenticator authenticator;
    private final PublicOrigins origins;
    private final int maxBodyBytes;
    private final GraphRequestThrottle throttle;

    /**
     * @param authenticator verifies bearer tokens
     * @param origins       the base URL each client used (for {@code Location})
     * @param maxBodyBytes  the largest request body accepted (413 above)
     * @param throttle      counts each request of an app for a tenant ({@code --graph-request-limit})
     */
    public GraphRequests(BearerAuthenticator authenticator, PublicOrigins origins, int maxBodyBytes,
                         GraphRequestThrottle throttle) {
        this.authenticator = authenticator;
        this.origins = origins;
        this.maxBodyBytes = maxBodyBytes;
        this.throttle = throttle;
    }

    /**
     * The verified app principal of the request (401 for a bad token, 403 for a user token), the request counted
     * against its app's and tenant's limit (429 past it). Every Graph route calls this (or {@link #app}) once, first.
     */
    Principal appPrincipal(Context ctx) {
        Principal p = uncountedAppPrincipal(ctx);
        throttle.count(p);
        return p;
    }

    /**
     * {@link #appPrincipal} without counting the request: a JSON batch, whose requests are each counted when they run
     * (as Graph evaluates them one by one).
     */
    Principal uncountedAppPrincipal(Context ctx) {
        Principal p = authenticator.authenticate(ctx.header("Authorization"));
        CallsPermission.requireApp(p);
        return p;
    }

    /** The request's bot, as the engine sees it. */
    Caller app(Context ctx) {
        return caller(appPrincipal(ctx));
    }

    /** The request's remote address (the TCP peer; proxies' headers are not trusted), or null if it is not an IP literal. */
    static java.net.InetAddress remoteAddress(Context ctx) {
        return ipLiteral(ctx.req().getRemoteAddr());
    }

    /**
     * An IP literal as an address, without a name lookup; null for anything else. An IPv6 literal may come in
     * brackets (as a forwarded client address does: a JSON batch's requests, {@link BatchHandler}).
     */
    static java.net.InetAddress ipLiteral(String text) {
        if (text != null && text.length() > 2 && text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1);
        }
        if (text == null || text.isEmpty() || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            return null;
        }
        try {
            return java.net.InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    static Caller caller(Principal p) {
        return Caller.app(p.tenantId(), p.appId());
    }

    /**
     * The JSON object body, or null when the body is empty (with or without a Content-Type).
     *
     * @throws SwitchboardException UNSUPPORTED_MEDIA_TYPE, BAD_REQUEST, PAYLOAD_TOO_LARGE
     */
    ObjectNode optionalBody(Context ctx) {
        byte[] bytes = jsonBytes(ctx);
        return bytes == null ? null : parseObject(bytes);
    }

    /**
     * The {@code clientContext} of an optional action body ({@code mute}, {@code unmute}), read with a streaming parser
     * instead of a tree (the mute path, issue 17): the same answer and the same errors, in the same order, as
     * {@code clientContext(optionalBody(ctx))} — other members are skipped, the last {@code clientContext} wins, and
     * a body that is not an object is left to the tree path for its error.
     *
     * @throws SwitchboardException UNSUPPORTED_MEDIA_TYPE, BAD_REQUEST, PAYLOAD_TOO_LARGE
     */
    String actionClientContext(Context ctx) {
        byte[] bytes = jsonBytes(ctx);
        return bytes == null ? null : clientContextOf(bytes);
    }

    /** The body's bytes when it has any (415 unless it is JSON), or null for an empty or blank body. */
    private byte[] jsonBytes(Context ctx) {
        byte[] bytes = body(ctx);
        if (bytes.length == 0 || isBlank(bytes)) {
            return null;
        }
        String type = ctx.contentType();
        String mime = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!mime.equals("application/json")) {
            throw new SwitchboardException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "The request body must be JSON with Content-Type "
                    + "application/json" + (type == null ? "; none was sent." : ", not '" + abbreviate(type) + "'."));
        }
        return bytes;
    }

    /** {@link #clientContext}({@link #parseObject}) without the tree; see {@link #actionClientContext}. */
    static String clientContextOf(byte[] bytes) {
        String context = null;
        boolean notText = false;
        try (JsonParser p = JSON.getFactory().createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return clientContext(parseObject(bytes)); // its error (invalid JSON or not an object), as the tree says it
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                boolean ours = "clientContext".equals(p.currentName());
                t = p.nextToken();
                if (ours) {
                    notText = t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NULL;
                    context = t == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                p.skipChildren();
            }
            if (p.nextToken() != null) {
                return clientContext(parseObject(bytes)); // content after the object: the tree's error and location
            }
        } catch (StreamConstraintsException e) {
            throw nestingTooDeep();
        } catch (JsonProcessingException e) {
            throw SwitchboardException.badRequest("The request body is not valid JSON" + at(e) + ".");
        } catch (IOException e) {
            throw SwitchboardException.badRequest("The request body could not be read.");
        }
        if (notText) {
            throw SwitchboardException.badRequest("'clientContext' must be a string.");
        }
        return context;
    }

    private static SwitchboardException nestingTooDeep() {
        return SwitchboardException.badRequest("The request body is not acceptable JSON: it nests deeper than "
                + MAX_NESTING_DEPTH + " levels or has a number longer than " + MAX_NUMBER_LENGTH + " digits.");
    }

    /**
     * A non-empty JSON body as an object.
     *
     * @throws SwitchboardException BAD_REQUEST for malformed JSON, a non-object, content after the value, too deep
     */
    static ObjectNode parseObject(byte[] bytes) {
        JsonNode node;
        try {
            node = JSON.readTree(bytes);
        } catch (StreamConstraintsException e) {
            throw nestingTooDeep();
        } catch (MismatchedInputException e) {
            throw SwitchboardException.badRequest("The request body is not valid JSON: it has content after its JSON value"
                    + at(e) + ".");
        } catch (JsonProcessingException e) {
            throw SwitchboardException.badRequest("The request body is not valid JSON" + at(e) + ".");
        } catch (IOException e) {
            throw SwitchboardException.badRequest("The request body could not be read.");
        }
        if (node == null || node.isMissingNode()) {
            return null;
        }
        if (!node.isObject()) {
            throw SwitchboardException.badRequest("The request body must be a JSON object.");
        }
        return (ObjectNode) node;
    }

    private static String at(JsonProcessingException e) {
        JsonLocation where = e.getLocation();
        return where == null ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
    }

    /** Like {@link #optionalBody} but an empty body is a 400. */
    ObjectNode requiredBody(Context ctx) {
        ObjectNode body = optionalBody(ctx);
        if (body == null) {
            throw SwitchboardException.badRequest("A JSON request body is required.");
        }
        return body;
    }

    /** The optional {@code clientContext} of an action body; at most 256 characters is checked by the engine. */
    static String clientContext(ObjectNode body) {
        return body == null ? null : Json.optionalString(body, "clientContext");
    }

    /** {@code https://host:port/v1.0}: this server's Graph base, as the client reached it. */
    String graphBase(Context ctx) {
        return base(ctx) + "/v1.0";
    }

    String base(Context ctx) {
        return origins.of(ctx);
    }

    /**
     * The request body, at most {@code maxBodyBytes}. Read here rather than by the framework so that a body of known
     * length costs one array of exactly its size (the framework copies through growing buffers).
     *
     * @throws SwitchboardException PAYLOAD_TOO_LARGE above the limit, BAD_REQUEST when the body cannot be read
     */
    private byte[] body(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBodyBytes) {
            throw tooLarge();
        }
        try (InputStream in = ctx.req().getInputStream()) {
            if (declared >= 0) {
                byte[] bytes = in.readNBytes((int) declared);
                if (bytes.length < declared) {
                    throw SwitchboardException.badRequest("The request body ended before its Content-Length.");
                }
                return bytes;
            }
            byte[] bytes = in.readNBytes(maxBodyBytes + 1);
            if (bytes.length > maxBodyBytes) {
                throw tooLarge();
            }
            return bytes;
        } catch (IOException e) {
            throw SwitchboardException.badRequest("The request body could not be read.");
        }
    }

    private SwitchboardException tooLarge() {
        return new SwitchboardException(ErrorCode.PAYLOAD_TOO_LARGE, "The request body is larger than " + maxBodyBytes + " bytes.");
    }

    /**
     * Writes a JSON answer straight to the response (the framework's result path copies every answer through a
     * fresh 8 KiB buffer, which was most of this server's garbage under load).
     */
    static void json(Context ctx, int status, JsonNode body) {
        json(ctx, status, GraphWire.bytes(body));
    }

    /** Writes JSON bytes already rendered straight to the response, like {@link #json(Context, int, JsonNode)}. */
    static void json(Context ctx, int status, byte[] bytes) {
        ctx.status(status).contentType("application/json");
        ctx.res().setContentLength(bytes.length);
        try {
            ctx.res().getOutputStream().write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("the client went away", e);
        }
    }

    /** 200 + {@code Location} of the operation + the operation: the answer of every action that makes one. */
    void answerOperation(Context ctx, Operation op) {
        String base = graphBase(ctx);
        ctx.header("Location", base + "/communications/calls/" + op.callId() + "/operations/" + op.id());
        json(ctx, 200, CallJson.operationBytes(op, base));
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
