package dev.switchboard.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.graph.GraphWire;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code POST /v1.0/$batch}: Graph's JSON batching (docs/api.md#json-batching). The batch's token is checked first
 * (401/403 as for any request, before anything runs); its body is read and checked ({@link BatchSteps}, 400 for the
 * whole batch); then each request runs exactly as the same request sent alone would, through the server's own HTTP
 * stack ({@link Dispatch}) with the batch's token, scheme, host and client address, so that routing, limits, errors
 * and URLs in answers ({@code Location}) are those of a request sent alone. Requests without {@code dependsOn} run
 * at the same time; one with {@code dependsOn} runs after those it names, and only if each of them answered 2xx
 * (else it is answered {@code 424 FailedDependency} without running). The answer is 200 with every request's status,
 * headers and body, in the order the requests were sent. Request threads (virtual); each request runs on a virtual
 * thread of its own, and one not answered within {@link #REQUEST_TIMEOUT} is {@code 504 GatewayTimeout} (it may have
 * run), whatever holds it up.
 */
public final class BatchHandler {
    /**
     * How long one request of a batch may run before it is answered {@code 504 GatewayTimeout} (it may still run, and
     * may have had its effect): longer than any route takes (a cluster hop gives up after 10 s).
     */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Marks a batch's own requests (a request's {@code X-Switchboard-*} headers are ignored, so only here). */
    static final String STEP_HEADER = "X-Switchboard-Batch-Step";
    /** Each request of a batch runs on a virtual thread of its own, which nothing waits to end (a late one is a 504). */
    private static final Executor STEP_THREADS = r -> Thread.ofVirtual().name("batch-request").start(r);
    /** Response headers that describe the inner exchange's framing, not the request's answer. */
    private static final Set<String> FRAMING = Set.of("content-length", "transfer-encoding", "connection",
            "keep-alive", "date", "server");

    /** Runs one request of a batch through the server's HTTP stack, as if a client had sent it. */
    @FunctionalInterface
    public interface Dispatch {
        /** The server's answer to {@code request}; never throws (a request not answered in time is a 504). */
        SubResponse send(SubRequest request);
    }

    private static final Logger log = LoggerFactory.getLogger(BatchHandler.class);

    private final GraphRequests requests;
    private final Dispatch dispatch;

    public BatchHandler(GraphRequests requests, Dispatch dispatch) {
        this.requests = requests;
        this.dispatch = dispatch;
    }

    public void post(Context ctx) {
        // 401 or 403 for the batch as a whole, before anything runs; each request is counted against the app's
        // --graph-request-limit when it runs, not the batch
        requests.uncountedAppPrincipal(ctx);
        if (ctx.header(STEP_HEADER) != null) { // however its URL was spelled (BatchSteps refuses the plain ones)
            throw SwitchboardException.badRequest("A request of a batch cannot be a batch; batches cannot be nested.");
        }
        List<BatchStep> steps = BatchSteps.parse(requests.requiredBody(ctx));
        List<BatchStep> order = BatchSteps.runOrder(steps);
        List<Map.Entry<String, String>> common = commonHeaders(ctx);
        Map<String, SubResponse> answers = answers(order, step -> send(step, common), REQUEST_TIMEOUT);
        ObjectNode root = GraphWire.JSON.createObjectNode();
        ArrayNode out = root.putArray("responses");
        for (BatchStep step : steps) {
            write(out.addObject(), step.id(), answers.get(step.id()));
        }
        ctx.status(200).contentType("application/json").result(GraphWire.bytes(root));
    }

    /**
     * Every request's answer, by id: each {@code send} on a virtual thread of its own once the requests it depends on
     * answered 2xx ({@code 424} without running otherwise), and {@code 504} for one that has not answered
     * {@code timeout} after it started (its thread is left to finish; nothing waits for it).
     *
     * @param order the requests, each after those it depends on ({@link BatchSteps#runOrder})
     */
    static Map<String, SubResponse> answers(List<BatchStep> order, Function<BatchStep, SubResponse> send, Duration timeout) {
        Map<String, CompletableFuture<SubResponse>> answers = new HashMap<>();
        for (BatchStep step : order) {
            List<CompletableFuture<SubResponse>> before = step.dependsOn().stream().map(answers::get).toList();
            answers.put(step.id(), CompletableFuture.allOf(before.toArray(CompletableFuture[]::new))
                    .thenCompose(done -> {
                        SubResponse failed = failedDependency(step, before);
                        return failed != null ? CompletableFuture.completedFuture(failed)
                                : CompletableFuture.supplyAsync(() -> send.apply(step), STEP_THREADS)
                                        .completeOnTimeout(timedOut(step, timeout), timeout.toNanos(), TimeUnit.NANOSECONDS);
                    }));
        }
        Map<String, SubResponse> done = new HashMap<>();
        answers.forEach((id, answer) -> done.put(id, answer.join()));
        return done;
    }

    /** Runs one request through {@link Dispatch}; an unexpected failure is logged and answered 500. */
    private SubResponse send(BatchStep step, List<Map.Entry<String, String>> common) {
        List<Map.Entry<String, String>> headers = new ArrayList<>(common);
        headers.addAll(step.headers().entrySet());
        try {
            return dispatch.send(new SubRequest(step.method(), step.target(), headers, step.body()));
        } catch (RuntimeException e) {
            log.error("unhandled error running request '{}' of a batch method={} path={}", step.id(), step.method(),
                    step.target().split("\\?", 2)[0], e);
            return error(step, ErrorCode.INTERNAL, "Request '" + step.id() + "' of the batch could not be run.");
        }
    }

    /** {@code 424} naming the first request {@code step} depends on that did not answer 2xx, or null when all did. */
    private static SubResponse failedDependency(BatchStep step, List<CompletableFuture<SubResponse>> before) {
        for (int i = 0; i < before.size(); i++) {
            int status = before.get(i).join().status();
            if (status < 200 || status > 299) {
                return failedDependency(step, step.dependsOn().get(i), status);
            }
        }
        return null;
    }

    private static SubResponse timedOut(BatchStep step, Duration timeout) {
        return error(step, ErrorCode.GATEWAY_TIMEOUT, "Request '" + step.id() + "' was not answered within "
                + timeout.toSeconds() + " s; it may have run.");
    }

    /** What every request of the batch carries from the batch: its token, and how the client reached the server. */
    private List<Map.Entry<String, String>> commonHeaders(Context ctx) {
        URI base = URI.create(requests.base(ctx));
        List<Map.Entry<String, String>> h = new ArrayList<>();
        h.add(Map.entry("Authorization", ctx.header("Authorization")));
        h.add(Map.entry("Host", base.getRawAuthority()));
        h.add(Map.entry("X-Forwarded-Proto", base.getScheme()));
        h.add(Map.entry("X-Forwarded-Host", base.getRawAuthority()));
        h.add(Map.entry(STEP_HEADER, "1"));
        String client = ctx.req().getRemoteAddr();
        if (client != null && GraphRequests.ipLiteral(client) != null) {
            h.add(Map.entry("X-Forwarded-For", client.contains(":") ? "[" + client + "]" : client));
        }
        return h;
    }

    private static SubResponse failedDependency(BatchStep step, String failed, int status) {
        return error(step, ErrorCode.FAILED_DEPENDENCY, "Request '" + step.id() + "' was not run: request '" + failed
                + "', which it depends on, failed with status " + status + ".");
    }

    private static SubResponse error(BatchStep step, ErrorCode code, String message) {
        return SubResponse.error(code, message, header(step, "client-request-id"));
    }

    private static String header(BatchStep step, String name) {
        return step.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    /** One entry of {@code responses}: id, status, headers, and the body as JSON (or base64 when it is not JSON). */
    private static void write(ObjectNode o, String id, SubResponse r) {
        o.put("id", id);
        o.put("status", r.status());
        Map<String, String> headers = new LinkedHashMap<>();
        String type = null;
        for (Map.Entry<String, String> h : r.headers()) {
            if (FRAMING.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                continue;
            }
            headers.merge(h.getKey(), h.getValue(), (a, b) -> a + ", " + b);
            if (h.getKey().equalsIgnoreCase("Content-Type")) {
                type = h.getValue();
            }
        }
        ObjectNode ho = o.putObject("headers");
        headers.forEach(ho::put);
        if (r.body().length == 0) {
            return;
        }
        String json = type != null && type.toLowerCase(Locale.ROOT).startsWith("application/json") ? oneJsonValue(r.body())
                : null;
        if (json != null) {
            o.putRawValue("body", new RawValue(json)); // as the server wrote it, not read into a tree and written again
            return;
        }
        o.put("body", Base64.getEncoder().encodeToString(r.body()));
    }

    /**
     * The one JSON value {@code body} holds, as written (without white space around it), or null when reading it into a
     * tree would not find exactly one (strict: nothing after it but white space, the wire's nesting and number limits,
     * strings decoded); without building the tree.
     */
    static String oneJsonValue(byte[] body) {
        try (JsonParser p = GraphWire.JSON.createParser(body)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return null;
            }
            int start = Math.toIntExact(p.currentTokenLocation().getByteOffset());
            while (t != null) {
                if (t == JsonToken.VALUE_STRING || t == JsonToken.FIELD_NAME) {
                    p.getTextCharacters(); // decodes it (malformed UTF-8 is an error), as the tree would
                }
                if (p.getParsingContext().inRoot()) {
                    int end = Math.toIntExact(p.currentLocation().getByteOffset());
                    return p.nextToken() == null ? new String(body, start, end - start, StandardCharsets.UTF_8) : null;
                }
                t = p.nextToken();
            }
            return null;
        } catch (IOException notJson) {
            return null;
        }
    }
}
