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
    /** Its notifications; those that cannot be rendered leave it when the body is built ({@link #body()}). */
    volatile List<Pending> items;
    /** Notifications that could not be rendered, once, for the notifier to give up ({@link #takeUnrenderable()}). */
    private List<Pending> unrenderable = List.of();
    final long sequence;
    final long deadlineNanos;
    /** Whether it carries the call's last notification (kept when that one leaves it unrendered). */
    private final boolean terminal;
    private byte[] body;
    private String signature;
    int attempts;
    /** Whether its number was handed to the {@link SequenceStore} (once, before the first attempt). */
    private boolean reserved;
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
        this.terminal = items.stream().anyMatch(p -> p.terminal);
    }

    /**
     * The request body, built on first use (by the delivery chain, outside the queue's lock): this is where an item
     * rendered lazily ({@link NotificationItem#later}) is rendered, once, into one exact-size array. In a POST of
     * several notifications an item whose renderer fails leaves the POST (the others go;
     * {@link #takeUnrenderable()} hands it to the notifier to give up), so one broken notification never takes its
     * neighbours with it.
     *
     * @throws RuntimeException when every item's renderer fails (nothing is kept; the next call tries again)
     */
    byte[] body() {
        if (body == null && items.size() == 1) {
            body = items.getFirst().item.framed(PREFIX, SUFFIX); // a lazy item renders in place: no copy
        }
        if (body == null) {
            List<Pending> all = items;
            byte[][] parts = new byte[all.size()][];
            List<Pending> kept = new java.util.ArrayList<>(all.size());
            List<Pending> failed = new java.util.ArrayList<>(0);
            RuntimeException firstFailure = null;
            int size = PREFIX.length + SUFFIX.length;
            for (int i = 0; i < parts.length; i++) {
                try {
                    parts[i] = all.get(i).item.bytes();
                    size += parts[i].length + (kept.isEmpty() ? 0 : 1);
                    kept.add(all.get(i));
                } catch (RuntimeException e) {
                    failed.add(all.get(i));
                    firstFailure = firstFailure == null ? e : firstFailure;
                }
            }
            if (kept.isEmpty()) {
                throw firstFailure;
            }
            byte[] out = new byte[size];
            System.arraycopy(PREFIX, 0, out, 0, PREFIX.length);
            int at = PREFIX.length;
            boolean first = true;
            for (byte[] part : parts) {
                if (part == null) {
                    continue;
                }
                if (!first) {
                    out[at++] = ',';
                }
                first = false;
                System.arraycopy(part, 0, out, at, part.length);
                at += part.length;
            }
            System.arraycopy(SUFFIX, 0, out, at, SUFFIX.length);
            if (!failed.isEmpty()) {
                items = List.copyOf(kept);
                unrenderable = List.copyOf(failed);
            }
            body = out;
        }
        return body;
    }

    /** The notifications {@link #body()} left out because they could not be rendered; empty after the first call. */
    List<Pending> takeUnrenderable() {
        List<Pending> out = unrenderable;
        unrenderable = List.of();
        return out;
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

    /**
     * Hands its number to {@code store}, once, before the first attempt; a retry does not ask again.
     *
     * @throws RuntimeException when the store fails (the POST goes anyway, and is not reserved again)
     */
    void reserveSequence(SequenceStore store) {
        if (!reserved) {
            reserved = true;
            store.reserve(callId(), sequence);
        }
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

    /** Whether it was made with the call's last notification, even if that one could not be rendered. */
    boolean terminal() {
        return terminal;
    }
}
