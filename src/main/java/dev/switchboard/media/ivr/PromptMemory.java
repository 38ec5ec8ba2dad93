package dev.switchboard.media.ivr;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bound on prompt audio held in memory at once, across every call: bodies being downloaded and decoded clips
 * (cached, queued or playing). A download or decode that would pass it is refused with {@link #full}, so a bot that
 * asks for more prompts than the server can hold gets a failed operation, never an {@code OutOfMemoryError}.
 *
 * <p>What each tenant holds is counted too, so that the cache can make a tenant holding more give way to one holding
 * less ({@link #largerThan}); a tenant holding nothing has no entry. Lock-free; thread-safe.
 */
public final class PromptMemory {
    /** How a refusal's message starts (the operation's resultInfo maps it to 503). */
    public static final String FULL = "The server's memory for prompts is full";
    /**
     * Why a queued prompt lost its memory to another tenant's prompt: it starts as {@link #FULL} does, so that its
     * operation fails with 503 as a refused prompt's does.
     */
    public static final String GAVE_WAY = FULL + ": this queued prompt gave its memory to a prompt of a tenant"
            + " holding less (when the memory is spent, the tenant holding the most gives way). Play it again later.";
    private final long limit;
    private final AtomicLong used = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();
    private final Map<String, Long> held = new ConcurrentHashMap<>();

    public PromptMemory(long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit " + limit);
        }
        this.limit = limit;
    }

    /** Takes {@code bytes} for {@code tenant} if they fit; false (nothing taken) if they do not. */
    public boolean tryTake(String tenant, long bytes) {
        long now;
        do {
            now = used.get();
            if (bytes > limit - now) {
                return false;
            }
        } while (!used.compareAndSet(now, now + bytes));
        held.merge(tenant, bytes, Long::sum);
        return true;
    }

    /** Gives back bytes {@code tenant} took before. */
    public void give(String tenant, long bytes) {
        held.computeIfPresent(tenant, (t, b) -> b - bytes <= 0 ? null : b - bytes);
        used.addAndGet(-bytes);
    }

    /** What {@code tenant} holds now. */
    public long heldBy(String tenant) {
        return held.getOrDefault(tenant, 0L);
    }

    /**
     * The tenant holding the most, when it holds more than {@code tenant} would with {@code bytes} more; else null.
     * A tenant alone never finds one.
     */
    public String largerThan(String tenant, long bytes) {
        return TenantBytes.holdingMoreThan(held, tenant, heldBy(tenant) + bytes);
    }

    public long used() {
        return used.get();
    }

    public long limit() {
        return limit;
    }

    /** How many prompts were refused for want of room so far. */
    public long refusals() {
        return refusals.get();
    }

    /** The refusal of {@code wanted} more bytes (503); counted. */
    public SwitchboardException full(long wanted) {
        refusals.incrementAndGet();
        return new SwitchboardException(ErrorCode.SERVICE_UNAVAILABLE, FULL + ": " + mib(used.get()) + " of its "
                + mib(limit) + " are in use and this prompt needs " + mib(wanted) + " more. Play it again later, or use"
                + " shorter prompts (16 kHz mono takes 32 KiB a second).");
    }

    /** Counts a refusal that is not {@link #full}'s (a queued prompt that {@link #GAVE_WAY gave way}). */
    public void refused() {
        refusals.incrementAndGet();
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
