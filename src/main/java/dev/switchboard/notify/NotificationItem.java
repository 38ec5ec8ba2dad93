package dev.switchboard.notify;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * One {@code #microsoft.graph.commsNotification} object as UTF-8 JSON: either rendered already ({@link #of}) or
 * rendered on first use ({@link #later}) from an immutable snapshot the renderer captured when the notification was
 * queued (issue 17: a roster notification of a big room is ~60–250 KB; rendering it on the request thread, inside the
 * conference lock, was most of a mute's cost there). The notifier asks for the bytes only when it freezes a POST
 * (its first attempt), on a notifier thread; a roster coalesced away before that is never rendered.
 *
 * <p>Thread-safe: {@link #bytes()} renders at most once (callers racing on the first use wait for that one render)
 * and always returns the same array afterwards. The renderer must depend only on what it captured, never on state
 * that changes later, so the bytes show the notification's own moment whenever they are rendered. The array is
 * shared: never change it.
 */
public final class NotificationItem {
    private final int estimatedLength;
    private Supplier<byte[]> render;
    private volatile byte[] bytes;

    private NotificationItem(byte[] bytes, Supplier<byte[]> render, int estimatedLength) {
        this.bytes = bytes;
        this.render = render;
        this.estimatedLength = estimatedLength;
    }

    /** An item rendered already; {@code json} is handed over, never changed afterwards. */
    public static NotificationItem of(byte[] json) {
        Objects.requireNonNull(json, "json");
        return new NotificationItem(json, null, json.length);
    }

    /**
     * An item rendered on first use by {@code render} (which must return a non-null array and depend only on an
     * immutable snapshot); {@code estimatedLength} stands for its size until then (the notifier's batch limit).
     */
    public static NotificationItem later(Supplier<byte[]> render, int estimatedLength) {
        return new NotificationItem(null, Objects.requireNonNull(render, "render"), Math.max(0, estimatedLength));
    }

    /**
     * The item's bytes, rendered now if not yet (on the calling thread).
     *
     * @throws RuntimeException whatever the renderer threw (the next call tries again)
     */
    public byte[] bytes() {
        byte[] b = bytes;
        if (b != null) {
            return b;
        }
        synchronized (this) {
            if (bytes == null) {
                byte[] rendered = Objects.requireNonNull(render.get(), "rendered item");
                bytes = rendered;
                render = null; // drop the snapshot
            }
            return bytes;
        }
    }

    /** Whether the bytes exist already (for tests and metrics). */
    public boolean isRendered() {
        return bytes != null;
    }

    /** The exact length once rendered, else the estimate given to {@link #later}. Never renders. */
    public int length() {
        byte[] b = bytes;
        return b != null ? b.length : estimatedLength;
    }
}
