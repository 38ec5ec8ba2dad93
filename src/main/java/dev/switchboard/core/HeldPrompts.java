package dev.switchboard.core;

import dev.switchboard.media.ivr.PromptMemory;
import dev.switchboard.media.ivr.PromptSlot;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The decoded prompts each tenant holds in {@link dev.switchboard.media.ivr.PromptMemory}, so that when the memory
 * is spent a prompt of the tenant holding the most can give way to a prompt of a tenant holding less
 * ({@link PromptCache}): only one that nothing plays yet (queued or cached), never one that plays. A tenant holding
 * none has no entry. Lock-free; thread-safe.
 */
final class HeldPrompts {
    /** A decoded prompt in memory: one play's own clip, or a cached entry and the plays that hold it. */
    interface Held {
        /** What giving it back frees. */
        long bytes();

        /** No play holding it has started (so it may give way). */
        boolean queued();

        /** Gives its memory back; its plays fail with {@code why} when their jobs reach them. False if it could not. */
        boolean giveWay(String why);
    }

    /** The clip of a prompt played without a resourceId: its one slot holds it. */
    record OwnClip(PromptSlot slot, long bytes) implements Held {
        @Override
        public boolean queued() {
            return slot.queued();
        }

        @Override
        public boolean giveWay(String why) {
            return slot.giveWay(why);
        }
    }

    private final PromptMemory memory;
    private final Map<String, Set<Held>> byTenant = new ConcurrentHashMap<>();

    HeldPrompts(PromptMemory memory) {
        this.memory = memory;
    }

    void add(String tenant, Held h) {
        byTenant.compute(tenant, (t, set) -> {
            Set<Held> s = set == null ? ConcurrentHashMap.newKeySet() : set;
            s.add(h);
            return s;
        });
    }

    void remove(String tenant, Held h) {
        byTenant.computeIfPresent(tenant, (t, s) -> s.remove(h) && s.isEmpty() ? null : s);
    }

    /**
     * A prompt of the tenant holding the most, that nothing plays yet, gives its memory back for {@code n} bytes of
     * {@code tenant}: only when that tenant holds more than {@code tenant} would with them, and only a prompt small
     * enough that it still holds at least as much after (so two tenants never take memory back and forth). False if
     * there is none (a tenant alone never finds one). Counted as a refusal (the prompt that gave way fails).
     */
    boolean giveWayTo(String tenant, long n) {
        String larger = memory.largerThan(tenant, n);
        if (larger == null) {
            return false;
        }
        Held h = toGiveWay(larger, memory.heldBy(larger) - memory.heldBy(tenant) - n);
        if (h == null || !h.giveWay(PromptMemory.GAVE_WAY)) {
            return false;
        }
        memory.refused();
        return true;
    }

    /**
     * The largest prompt of {@code tenant} that nothing plays yet and frees at most {@code most} bytes (so that the
     * tenant still holds at least as much as the one it gives way to); null if there is none.
     */
    private Held toGiveWay(String tenant, long most) {
        Set<Held> set = byTenant.get(tenant);
        Held best = null;
        if (set != null) {
            for (Held h : set) {
                long b = h.bytes();
                if (b <= most && (best == null || b > best.bytes()) && h.queued()) {
                    best = h;
                }
            }
        }
        return best;
    }
}
