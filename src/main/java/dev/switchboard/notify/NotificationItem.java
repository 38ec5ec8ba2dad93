package dev.switchboard.notify;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * One {@code #microsoft.graph.commsNotification} object as UTF-8 JSON: either rendered already ({@link #of}) or
 * rendered on first use ({@link #later}) from an immutable snapshot the renderer captured when the notification was
 * queued (issue 17: a roster notification of a big room is ~60–250 KB, and rendering it where the roster changed ran
 * on the mute's request thread, inside the conference lock). The notifier asks for the bytes only when it freezes a
 * POST (its first attempt), on a notifier thread; a roster coalesced away before that is never rendered.
 *
 * <p>Thread-safe: {@link #bytes()} renders at most once (callers racing on the first use wait for that one render)
 * and always returns the same array afterwards; {@link #framed} renders into the caller's frame and keeps nothing
 * (the notifier calls it once per POST and never asks for the bytes as well). The renderer must depend only on what
 * it captured, never on state that changes later, so the bytes show the notification's own moment whenever they are
 * rendered. The array is shared: never change it.
 */
public final class NotificationItem {
    /**
     * Renders an item between two given byte runs, into one array: {@code before}, the item's JSON, {@code after}.
     * Lets the notifier have a single-item POST body rendered in place, without copying the item into it.
     */
    @FunctionalInterface
    public interface Renderer {
        byte[] render(byte[] before, byte[] after);
    }

    private static final byte[] NONE = new byte[0];
    private final int estimatedLength;
    private Renderer render;
    private volatile byte[] bytes;

    private NotificationItem(byte[] bytes, Renderer render, int estimatedLength) {
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
        Objects.requireNonNull(render, "render");
        return new NotificationItem(null, (before, after) -> frame(before, render.get(), after), Math.max(0, estimatedLength));
    }

    /** As {@link #later(Supplier, int)}, with a renderer that can also render straight into a frame ({@link #framed}). */
    public static NotificationItem later(Renderer render, int estimatedLength) {
        return new NotificationItem(null, Objects.requireNonNull(render, "render"), Math.max(0, estimatedLength));
    }

    /**
     * {@code before}, the item, {@code after} in one new array. An item not rendered yet is rendered straight into it
     * and keeps nothing (the notifier's single-item POST, which is built once: {@code Delivery.body}); its own
     * {@link #bytes()}, if ever asked for later, are rendered then from the same snapshot.
     *
     * @throws RuntimeException whatever the renderer threw
     */
    public byte[] framed(byte[] before, byte[] after) {
        byte[] b = bytes;
        if (b == null) {
            synchronized (this) {
                if (bytes == null) {
                    return Objects.requireNonNull(render.render(before, after), "rendered item");
                }
                b = bytes;
            }
        }
        return frame(before, b, after);
    }

    private static byte[] frame(byte[] before, byte[] item, byte[] after) {
        if (before.length == 0 && after.length == 0) {
            return item;
        }
        byte[] out = new byte[before.length + item.length + after.length];
        System.arraycopy(before, 0, out, 0, before.length);
        System.arraycopy(item, 0, out, before.length, item.length);
        System.arraycopy(after, 0, out, before.length + item.length, after.length);
        return out;
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
                byte[] rendered = Objects.requireNonNull(render.render(NONE, NONE), "rendered item");
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
