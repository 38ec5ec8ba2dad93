package dev.switchboard.notify;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * One POST: consecutive notifications of one call, frozen when first attempted, so every retry sends the same
 * body with the same {@code X-Switchboard-Notification-Id} and {@code X-Switchboard-Sequence}.
 * Its deadline is the latest of its notifications' (each is retried for at least its own TTL).
 * {@code attempts} and the body are touched only by the call's one delivery chain.
 */
final class Delivery {
    private static final byte[] PREFIX = ("{\"@odata.type\":\"" + WebhookNotifier.ENVELOPE_TYPE + "\",\"value\":[")
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] SUFFIX = "]}".getBytes(StandardCharsets.UTF_8);

    /**
     * A random version-4 UUID from {@link java.util.concurrent.ThreadLocalRandom}: a bot deduplicates on it, so it must
     * be unique, not secret (the body signature covers it); {@link UUID#randomUUID()} would take the JDK's shared
     * {@code NativePRNG} lock once per POST.
     */
    final String id = newId();
    final List<Pending> items;
    final long sequence;
    final long deadlineNanos;
    private byte[] body;
    private String signature;
    int attempts;
    /** Whether its number was handed to the {@link SequenceStore} (once, before the first attempt). */
    boolean reserved;
    /** The last attempt's answer for the delivery observer: HTTP status (-1 for none) and latency (-1 for none). */
    int lastStatus = -1;
    long lastLatencyNanos = -1;

    private static String newId() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        return new UUID((random.nextLong() & ~0xF000L) | 0x4000L,
                (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L).toString();
    }

    /** @param items not empty, all with the same address */
    Delivery(List<Pending> items, long sequence) {
        this.items = List.copyOf(items);
        this.sequence = sequence;
        long deadline = items.get(0).deadlineNanos;
        for (Pending p : items) {
            if (p.deadlineNanos - deadline > 0) {
                deadline = p.deadlineNanos;
            }
        }
        this.deadlineNanos = deadline;
    }

    /**
     * The request body, built on first use (by the delivery chain, outside the queue's lock): this is where an item
     * rendered lazily ({@link NotificationItem#later}) is rendered, once, into one exact-size array.
     *
     * @throws RuntimeException when an item's renderer fails (nothing is kept; the next call tries again)
     */
    byte[] body() {
        if (body == null && items.size() == 1) {
            body = items.getFirst().item.framed(PREFIX, SUFFIX); // a lazy item renders in place: no copy
        }
        if (body == null) {
            byte[][] parts = new byte[items.size()][];
            int size = PREFIX.length + SUFFIX.length + Math.max(0, items.size() - 1);
            for (int i = 0; i < parts.length; i++) {
                parts[i] = items.get(i).item.bytes();
                size += parts[i].length;
            }
            byte[] out = new byte[size];
            System.arraycopy(PREFIX, 0, out, 0, PREFIX.length);
            int at = PREFIX.length;
            for (int i = 0; i < parts.length; i++) {
                if (i > 0) {
                    out[at++] = ',';
                }
                System.arraycopy(parts[i], 0, out, at, parts[i].length);
                at += parts[i].length;
            }
            System.arraycopy(SUFFIX, 0, out, at, SUFFIX.length);
            body = out;
        }
        return body;
    }

    /** The body for a report: as {@link #body()}, or empty when an item cannot be rendered. */
    byte[] bodyForReport() {
        try {
            return body();
        } catch (RuntimeException e) {
            return new byte[0];
        }
    }

    /** The body signature header, computed once (every retry and redirect hop sends the same frozen POST). */
    String signature(CallbackCredentials credentials) {
        if (signature == null) {
            signature = credentials.bodySignature(first().tenantId, first().botAppId, id, sequence, body());
        }
        return signature;
    }

    Pending first() {
        return items.get(0);
    }

    String callId() {
        return first().callId;
    }

    URI callbackUri() {
        return first().callbackUri;
    }

    boolean terminal() {
        for (Pending p : items) {
            if (p.terminal) {
                return true;
            }
        }
        return false;
    }
}
