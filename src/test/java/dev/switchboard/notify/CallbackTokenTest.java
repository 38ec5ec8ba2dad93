package dev.switchboard.notify;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link CallbackToken#renewAt()} is half way through the token's life, to the nanosecond, computed without BigDecimal. */
class CallbackTokenTest {
    private static void halfWay(Instant issued, Duration life) {
        CallbackToken t = new CallbackToken("x.y.z", issued, issued.plus(life));
        assertThat(t.renewAt()).as(life.toString()).isEqualTo(issued.plus(life.dividedBy(2)));
    }

    @Test
    void renewsHalfWayThroughItsLife() {
        Instant issued = Instant.parse("2026-12-02T17:00:00.123456789Z");
        halfWay(issued, Duration.ofMinutes(5));
        halfWay(issued, Duration.ofSeconds(301));
        halfWay(issued, Duration.ofSeconds(1, 1));
        halfWay(issued, Duration.ofNanos(1));
        halfWay(issued, Duration.ofNanos(3));
        halfWay(issued, Duration.ofSeconds(3, 999_999_999));
        halfWay(issued, Duration.ofDays(365 * 400L)); // beyond a long of nanoseconds
        assertThat(new CallbackToken("x.y.z", issued, issued.plusSeconds(300)).renewAt()).isEqualTo(issued.plusSeconds(150));
    }
}
