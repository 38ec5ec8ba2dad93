package dev.switchboard.notify;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RetryTimingTest {
    private static final NotifierSettings DEFAULTS = NotifierSettings.defaults();

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    @Test
    void theFirstRetryComesWithinOneSecondAndNoWaitExceedsTheCap() {
        RetryTiming low = new RetryTiming(DEFAULTS.firstRetryDelay(), DEFAULTS.maxRetryDelay(), () -> 0.0);
        RetryTiming high = new RetryTiming(DEFAULTS.firstRetryDelay(), DEFAULTS.maxRetryDelay(), () -> 0.999999);
        assertThat(ms(low.backoffNanos(1))).isEqualTo(250);
        assertThat(ms(high.backoffNanos(1))).isBetween(499L, 500L);
        assertThat(ms(low.backoffNanos(2))).isEqualTo(500);
        assertThat(ms(low.backoffNanos(3))).isEqualTo(1_000);
        for (int failures = 1; failures < 200; failures++) {
            assertThat(high.backoffNanos(failures)).isLessThanOrEqualTo(Duration.ofSeconds(60).toNanos());
        }
        assertThat(ms(low.backoffNanos(50))).isEqualTo(30_000); // capped base 60 s, equal jitter: [30 s, 60 s)
    }

    @Test
    void aTenMinuteOutageOnAControlledClockRetriesUntilTheTtlThenGivesUp() {
        SplittableRandom random = new SplittableRandom(42);
        RetryTiming timing = new RetryTiming(DEFAULTS.firstRetryDelay(), DEFAULTS.maxRetryDelay(), random::nextDouble);
        long now = 0;
        long deadline = DEFAULTS.ttl().toNanos();
        int attempts = 1; // the first attempt at t=0 failed
        long lastDelay = 0;
        long delay;
        while ((delay = timing.nextDelayNanos(attempts, -1, now, deadline)) >= 0) {
            assertThat(delay).isLessThanOrEqualTo(Duration.ofSeconds(60).toNanos());
            if (attempts == 1) {
                assertThat(delay).isLessThan(Duration.ofSeconds(1).toNanos());
            }
            now += delay;
            lastDelay = delay;
            attempts++;
        }
        assertThat(now).isLessThanOrEqualTo(deadline);
        // gives up only when the next wait would cross the TTL: the time left is shorter than a capped wait
        assertThat(deadline - now).isLessThan(Duration.ofSeconds(60).toNanos());
        assertThat(lastDelay).isGreaterThanOrEqualTo(Duration.ofSeconds(30).toNanos());
        // ~8 doubling steps to reach the cap, then ~13 capped waits of 30-60 s within 10 min
        assertThat(attempts).isBetween(15, 35);
    }

    @Test
    void retryAfterWinsOverBackoffButNotOverTheTtl() {
        RetryTiming timing = new RetryTiming(Duration.ofMillis(50), Duration.ofMillis(200), () -> 0.5);
        long deadline = Duration.ofSeconds(10).toNanos();
        assertThat(timing.nextDelayNanos(1, Duration.ofSeconds(5).toNanos(), 0, deadline)).isEqualTo(Duration.ofSeconds(5).toNanos());
        assertThat(timing.nextDelayNanos(1, Duration.ofSeconds(11).toNanos(), 0, deadline)).isEqualTo(-1);
        assertThat(timing.nextDelayNanos(1, -1, Duration.ofMillis(9_990).toNanos(), deadline)).isEqualTo(-1);
        assertThat(timing.nextDelayNanos(1, 0, 0, deadline)).as("Retry-After: 0 is not a busy loop")
                .isEqualTo(Duration.ofMillis(25).toNanos());
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        Instant now = Instant.parse("2026-11-29T11:00:00Z");
        assertThat(RetryTiming.retryAfterNanos("7", now)).isEqualTo(Duration.ofSeconds(7).toNanos());
        assertThat(RetryTiming.retryAfterNanos(" 0 ", now)).isZero();
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(30).atOffset(ZoneOffset.UTC));
        assertThat(RetryTiming.retryAfterNanos(date, now)).isEqualTo(Duration.ofSeconds(30).toNanos());
        String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.minusSeconds(30).atOffset(ZoneOffset.UTC));
        assertThat(RetryTiming.retryAfterNanos(past, now)).isZero();
        assertThat(RetryTiming.retryAfterNanos("soon", now)).isEqualTo(-1);
        assertThat(RetryTiming.retryAfterNanos(null, now)).isEqualTo(-1);
        assertThat(RetryTiming.retryAfterNanos("99999999999999999999", now)).isEqualTo(Long.MAX_VALUE);
    }
}
