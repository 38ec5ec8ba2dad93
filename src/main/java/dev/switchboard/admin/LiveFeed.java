package dev.switchboard.admin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.auth.AdminRoles;
import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /admin/v1/feed[?callId=...]}: the dashboard's live feed as Server-Sent Events ({@code text/event-stream}),
 * read by the page with {@code fetch} (so the bearer token travels in the {@code Authorization} header). A feed
 * subscribes to the {@link FeedHub}'s shared topics: the server's numbers, and either its scope's calls list (without
 * {@code callId}) or that call and its legs' levels. Each topic sends its whole state first ({@code "reset": true}),
 * then only what changed: the numbers, the list and the call at most once a second, the levels up to
 * {@link #LEVEL_HZ} times a second (docs/admin-api.md).
 *
 * <p>Each feed holds its request (virtual) thread, which only writes the frames the hub hands it. Nothing is read or
 * rendered while no feed is open, and nothing of the packet path changes when one is. At most {@link #MAX_FEEDS}
 * feeds at once (503 beyond), shared fairly between the administrators' tenants ({@link FeedShares}: a tenant holding
 * fewer takes the place of the oldest feed of the tenant holding the most, which ends within a second). A feed ends
 * when the client goes away (a write fails; a comment line is written after
 * {@link #KEEPALIVE} of silence), when it falls {@link FeedHub#VIEWER_QUEUE} frames behind, after
 * {@link #MAX_FEED_TIME} (the page reconnects), or when the token's administrator changes (checked once a second).
 */
final class LiveFeed {
    static final int LEVEL_HZ = 5;
    static final int MAX_FEEDS = 64;
    static final Duration MAX_FEED_TIME = Duration.ofMinutes(30);
    static final Duration KEEPALIVE = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);
    private static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final int SLOW = 5; // ticks: the numbers, the list and a call are rendered once a second

    private final AdminHandler admin;
    private final AdminView view;
    private final FeedHub hub;
    private final FeedShares places = new FeedShares(MAX_FEEDS);

    LiveFeed(AdminHandler admin, AdminView view, Clock clock) {
        this.admin = admin;
        this.view = view;
        this.hub = new FeedHub(clock);
    }

    /** Feeds open now. */
    int open() {
        return places.open();
    }

    /** The shared topics (for tests: none are rendered while no feed is open). */
    FeedHub hub() {
        return hub;
    }

    void serve(Context ctx) {
        AdminAccess.Admin who = admin.admin(ctx);
        String callId = ctx.queryParam("callId");
        FeedShares.Place place = places.open(who.tenantId());
        if (place == null) {
            throw new SwitchboardException(ErrorCode.SERVICE_UNAVAILABLE, "Too many live feeds are open.", Duration.ofSeconds(10));
        }
        FeedHub.Viewer viewer = null;
        try {
            List<FeedHub.Want> wants = new ArrayList<>();
            wants.add(new FeedHub.Want("server", () -> new FeedTopic("server", "server", SLOW, FeedTopic.Shape.FIELDS,
                    JsonNodeFactory.instance.objectNode(), view::feedServer, null)));
            boolean gone = false;
            if (callId == null) {
                wants.add(calls(who.scope()));
            } else if (view.visible(who, callId)) {
                wants.addAll(call(callId));
            } else {
                gone = true;
            }
            ctx.status(200);
            ctx.res().setContentType("text/event-stream");
            ctx.res().setCharacterEncoding("UTF-8");
            ctx.res().setHeader("Cache-Control", "no-store");
            ctx.res().setHeader("X-Accel-Buffering", "no");
            OutputStream out = ctx.res().getOutputStream();
            out.write(PING);
            if (gone) {
                out.write(FeedTopic.sse("gone", JsonNodeFactory.instance.objectNode().put("callId", callId)));
            }
            out.flush();
            viewer = hub.subscribe(wants);
            pump(ctx, who, place, viewer, out);
        } catch (IOException | java.io.UncheckedIOException e) {
            log.debug("live feed closed by the client callId={}", callId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SwitchboardException e) {
            log.debug("live feed ended callId={} reason={}", callId, e.code());
        } finally {
            if (viewer != null) {
                hub.unsubscribe(viewer);
            }
            places.close(place);
        }
    }

    /** Writes the viewer's frames as they come until the feed ends. */
    private void pump(Context ctx, AdminAccess.Admin who, FeedShares.Place place, FeedHub.Viewer viewer, OutputStream out)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        long lastWrite = start;
        long lastCheck = start;
        while (System.nanoTime() - start < MAX_FEED_TIME.toNanos() && !viewer.overflowed() && !place.ended()) {
            byte[] frame = viewer.next(Duration.ofSeconds(1));
            long now = System.nanoTime();
            if (frame != null) {
                do {
                    out.write(frame);
                } while ((frame = viewer.poll()) != null);
                out.flush();
                lastWrite = now;
            } else if (now - lastWrite > KEEPALIVE.toNanos()) {
                out.write(PING); // finds a client that went away while nothing changed
                out.flush();
                lastWrite = now;
            }
            if (now - lastCheck >= 1_000_000_000L) {
                lastCheck = now;
                if (!admin.admin(ctx).scope().equals(who.scope())) { // a revoked role or an expired token throws
                    return; // another scope sees other things: the page reconnects and subscribes afresh
                }
            }
        }
    }

    private FeedHub.Want calls(AdminRoles.Scope scope) {
        String key = "calls:" + (scope.tenantId() == null ? "*" : scope.tenantId());
        ObjectNode extra = JsonNodeFactory.instance.objectNode().put("endedRetentionSeconds", EndedCalls.RETENTION.toSeconds());
        return new FeedHub.Want(key, () -> new FeedTopic(key, "calls", SLOW, FeedTopic.Shape.ITEMS, extra,
                () -> view.feedCalls(scope), null));
    }

    private List<FeedHub.Want> call(String callId) {
        ObjectNode extra = JsonNodeFactory.instance.objectNode().put("callId", callId);
        return List.of(
                new FeedHub.Want("call:" + callId, () -> new FeedTopic("call:" + callId, "call", SLOW,
                        FeedTopic.Shape.FIELDS, extra, () -> view.feedCall(callId), callId)),
                new FeedHub.Want("levels:" + callId, () -> new FeedTopic("levels:" + callId, "levels", 1,
                        FeedTopic.Shape.ITEMS, extra, () -> view.feedLevels(callId), null)));
    }
}
