package dev.switchboard.notify;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.DoubleSupplier;

/**
 * The retry clock arithmetic: exponential backoff with "equal jitter" and the {@code Retry-After} header.
 * Pure functions of their inputs (time and randomness are passed in), so tests can drive them exactly.
 */
final class RetryTiming {
    private final long firstNanos;
    private final long maxNanos;
    private final DoubleSupplier random;

    /** @param random a source of doubles in [0, 1) */
    RetryTiming(Duration firstRetryDelay, Duration maxRetryDelay, DoubleSupplier random) {
        this.firstNanos = firstRetryDelay.toNanos();
        this.maxNanos = maxRetryDelay.toNanos();
        this.random = random;
    }

    /**
     * The wait before the next attempt after {@code failures} consecutive failures (1 = the first retry):
     * base = min(max, first * 2^(failures-1)), result uniformly in [base/2, base). So the first retry comes
     * within {@code firstRetryDelay} and no wait exceeds {@code maxRetryDelay}.
     */
    long backoffNanos(int failures) {
        int exponent = Math.max(0, Math.min(failures - 1, 40));
        long base = firstNanos;
        for (int i = 0; i < exponent && base < maxNanos; i++) {
            base = base * 2;
        }
        base = Math.min(base, maxNanos);
        long half = base / 2;
        return half + (long) (random.getAsDouble() * (base - half));
    }

    /**
     * The wait before the next attempt, or -1 to give up because it would start after the deadline (the TTL).
     *
     * @param failures        consecutive failures of the call so far, at least 1
     * @param retryAfterNanos what a {@code Retry-After} asked for, or -1; when present it wins over the backoff, but
     *                        is never shorter than half the first retry delay (a {@code Retry-After: 0} from a bot
     *                        that keeps failing must not become a busy loop)
     */
    long nextDelayNanos(int failures, long retryAfterNanos, long nowNanos, long deadlineNanos) {
        long delay = retryAfterNanos >= 0 ? Math.max(retryAfterNanos, firstNanos / 2) : backoffNanos(failures);
        return delay > deadlineNanos - nowNanos ? -1 : delay;
    }

    /**
     * The wait a {@code Retry-After} value asks for, in nanoseconds, or -1 when the header is absent or
     * unreadable. Accepts delta-seconds and an HTTP-date (a date in the past means "now", 0).
     */
    static long retryAfterNanos(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return -1;
        }
        String v = header.trim();
        if (v.chars().allMatch(Character::isDigit)) {
            try {
                return Duration.ofSeconds(Long.parseLong(v)).toNanos();
            } catch (NumberFormatException | ArithmeticException e) {
                return Long.MAX_VALUE; // absurdly large: the caller's TTL check gives up
            }
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Math.max(0, Duration.between(now, at).toNanos());
        } catch (DateTimeParseException | ArithmeticException e) {
            return -1;
        }
    }
}
