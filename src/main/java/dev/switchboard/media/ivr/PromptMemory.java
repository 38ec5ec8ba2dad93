package dev.switchboard.media.ivr;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bound on prompt audio held in memory at once, across every call: bodies being downloaded and decoded clips
 * (cached, queued or playing). A download or decode that would pass it is refused with {@link #full}, so a bot that
 * asks for more prompts than the server can hold gets a failed operation, never an {@code OutOfMemoryError}.
 * Lock-free; thread-safe.
 */
public final class PromptMemory {
    /** How a refusal's message starts (the operation's resultInfo maps it to 503). */
    public static final String FULL = "The server's memory for prompts is full";
    private final long limit;
    private final AtomicLong used = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();

    public PromptMemory(long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit " + limit);
        }
        this.limit = limit;
    }

    /** Takes {@code bytes} if they fit; false (nothing taken) if they do not. */
    public boolean tryTake(long bytes) {
        long now;
        do {
            now = used.get();
            if (bytes > limit - now) {
                return false;
            }
        } while (!used.compareAndSet(now, now + bytes));
        return true;
    }

    /** Gives back bytes taken before. */
    public void give(long bytes) {
        used.addAndGet(-bytes);
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

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
