package dev.switchboard.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.graph.GraphWire;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /admin/v1/feed[?callId=...]}: the dashboard's live feed as Server-Sent Events ({@code text/event-stream}),
 * read by the page with {@code fetch} (so the bearer token travels in the {@code Authorization} header). Events:
 * {@code calls} (the list) and {@code server} (the numbers) once a second; without {@code callId} the {@code calls} list once a second;
 * with one, that call ({@code call}: roster, operations, deliveries) once a second and its {@code levels}
 * {@link #LEVEL_HZ} times a second.
 *
 * <p>Each feed runs on its own request (virtual) thread that reads on demand and sleeps between events: nothing is
 * sampled when no feed is open, and nothing of the packet path changes when one is. At most {@link #MAX_FEEDS} feeds at
 * once (503 beyond). A feed ends when the client goes away (a write fails) or after {@link #MAX_FEED_TIME} (the page
 * reconnects), and re-checks the token's administrator on every full round.
 */
final class LiveFeed {
    static final int LEVEL_HZ = 5;
    static final int MAX_FEEDS = 64;
    static final Duration MAX_FEED_TIME = Duration.ofMinutes(30);
    private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);
    private static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);

    private final AdminHandler admin;
    private final AdminView view;
    private final AtomicInteger open = new AtomicInteger();
    /** The server numbers and the calls list per scope as last rendered, shared by the feeds for a second. */
    private final java.util.concurrent.ConcurrentHashMap<String, Rendered> lists = new java.util.concurrent.ConcurrentHashMap<>();

    private record Rendered(long atNanos, byte[] json) {
    }

    LiveFeed(AdminHandler admin, AdminView view) {
        this.admin = admin;
        this.view = view;
    }

    /** Feeds open now. */
    int open() {
        return open.get();
    }

    void serve(Context ctx) {
        AdminAccess.Admin who = admin.admin(ctx);
        String callId = ctx.queryParam("callId");
        if (open.incrementAndGet() > MAX_FEEDS) {
            open.decrementAndGet();
            throw new SwitchboardException(ErrorCode.SERVICE_UNAVAILABLE, "Too many live feeds are open.", Duration.ofSeconds(10));
        }
        try {
            ctx.status(200);
            ctx.res().setContentType("text/event-stream");
            ctx.res().setCharacterEncoding("UTF-8");
            ctx.res().setHeader("Cache-Control", "no-store");
            ctx.res().setHeader("X-Accel-Buffering", "no");
            OutputStream out = ctx.res().getOutputStream();
            out.write(PING);
            out.flush();
            long end = System.nanoTime() + MAX_FEED_TIME.toNanos();
            long period = 1_000_000_000L / LEVEL_HZ;
            long next = System.nanoTime();
            for (int tick = 0; System.nanoTime() < end; tick++) {
                if (tick % LEVEL_HZ == 0) {
                    who = admin.admin(ctx); // a revoked role or an expired token ends the feed
                    send(out, "server", shared("server", () -> view.server()));
                    if (callId == null) {
                        send(out, "calls", list(who));
                    } else {
                        sendCall(out, who, callId);
                    }
                }
                if (callId != null) {
                    send(out, "levels", view.levels(who, callId));
                }
                out.flush();
                next += period;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(Duration.ofNanos(sleep));
                } else {
                    next = System.nanoTime();
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            log.debug("live feed closed by the client callId={}", callId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SwitchboardException e) {
            log.debug("live feed ended callId={} reason={}", callId, e.code());
        } finally {
            open.decrementAndGet();
        }
    }

    /** The unfiltered calls list of the admin's scope, rendered at most once a second however many feeds show it. */
    private byte[] list(AdminAccess.Admin who) {
        String key = "calls:" + (who.scope().tenantId() == null ? "*" : who.scope().tenantId());
        return shared(key, () -> view.calls(who, new AdminView.Filter(null, null, null)));
    }

    /** {@code render}'s JSON, rendered at most once a second under {@code key} however many feeds send it. */
    private byte[] shared(String key, java.util.function.Supplier<JsonNode> render) {
        long now = System.nanoTime();
        Rendered r = lists.get(key);
        if (r == null || now - r.atNanos() > 900_000_000L) {
            r = new Rendered(now, GraphWire.bytes(render.get()));
            lists.put(key, r);
        }
        return r.json();
    }

    private void sendCall(OutputStream out, AdminAccess.Admin who, String callId) throws IOException {
        try {
            send(out, "call", view.call(who, callId));
        } catch (SwitchboardException e) {
            if (e.code() != ErrorCode.ITEM_NOT_FOUND) {
                throw e;
            }
            send(out, "gone", GraphWire.JSON.createObjectNode().put("callId", callId));
        }
    }

    private static void send(OutputStream out, String event, JsonNode data) throws IOException {
        send(out, event, GraphWire.bytes(data));
    }

    private static void send(OutputStream out, String event, byte[] json) throws IOException {
        out.write(("event: " + event + "\ndata: ").getBytes(StandardCharsets.US_ASCII));
        out.write(json);
        out.write('\n');
        out.write('\n');
    }
}
