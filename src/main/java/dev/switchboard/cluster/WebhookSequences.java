package dev.switchboard.cluster;

import dev.switchboard.notify.SequenceStore;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Webhook sequence numbers in cluster mode (docs/cluster.md): the owner writes each POST's number into the call's
 * record ({@code seq}) before the POST is first sent, and a survivor that takes a dead node's call over numbers its
 * {@code terminated} POST {@code seq + 1}. The bot therefore never sees a number twice, and sees every number unless
 * the dead node had reserved it for a POST that never reached the bot (then exactly that POST is missing, as a gap).
 *
 * <p>Thread-safe. {@link #reserve} runs on a notifier delivery chain (a virtual thread) (one Redis round trip; skipped while this node's
 * heartbeats fail, the number is then written when Redis is back); {@link #firstSequence} is a map lookup.
 */
public final class WebhookSequences implements SequenceStore {
    private final CallDirectory directory;
    private final BooleanSupplier redisHealthy;
    /** Calls taken over here whose next POST continues the dead owner's numbering: call id → next number. */
    private final Map<String, Long> continuing = new ConcurrentHashMap<>();

    WebhookSequences(CallDirectory directory, BooleanSupplier redisHealthy) {
        this.directory = directory;
        this.redisHealthy = redisHealthy;
    }

    /** The survivor's next POST for {@code callId} is numbered {@code lastReserved + 1}. */
    void continueAfter(String callId, long lastReserved) {
        continuing.put(callId, lastReserved + 1);
    }

    @Override
    public long firstSequence(String callId) {
        Long next = continuing.remove(callId);
        return next == null ? 1 : next;
    }

    @Override
    public void reserve(String callId, long sequence) {
        directory.reserveSequence(callId, sequence, redisHealthy.getAsBoolean());
    }
}
