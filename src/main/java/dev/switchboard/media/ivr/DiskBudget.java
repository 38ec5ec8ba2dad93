package dev.switchboard.media.ivr;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The disk the recordings may take, counted as they are written: the recordings kept for download and the ones
 * being recorded, so that any number of recordings running at once stay within the bound together (before, only kept
 * recordings counted, and 1,880 calls recording at once could write 7 GB before the first was refused). Bytes are
 * taken before they are written and given back when a file shrinks or is deleted. Lock-free; any thread.
 */
public final class DiskBudget {
    private final long maxBytes;
    private final String advice;
    private final AtomicLong used = new AtomicLong();

    /**
     * @param maxBytes the bound
     * @param advice   what a bot can do when it is reached (the last sentence of {@link #fullMessage})
     */
    public DiskBudget(long maxBytes, String advice) {
        this.maxBytes = maxBytes;
        this.advice = advice;
    }

    /** Takes {@code bytes} if they fit within the bound; false (and nothing taken) if they do not. */
    public boolean take(long bytes) {
        long now;
        do {
            now = used.get();
            if (now + bytes > maxBytes) {
                return false;
            }
        } while (!used.compareAndSet(now, now + bytes));
        return true;
    }

    /** Gives back {@code bytes} taken before. */
    public void give(long bytes) {
        used.addAndGet(-bytes);
    }

    /** Whether {@code bytes} more would fit now. */
    public boolean fits(long bytes) {
        return used.get() + bytes <= maxBytes;
    }

    public long used() {
        return used.get();
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** What a bot is told when {@code wanted} more bytes do not fit. */
    public String fullMessage(long wanted) {
        return "Recording storage is full: " + used.get() + " of " + maxBytes + " bytes in use (recordings kept and "
                + "being recorded), " + wanted + " more needed. " + advice;
    }
}
