package dev.switchboard.auth;

import dev.switchboard.testsupport.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The limit on failed administrator sign-ins, on a clock the test moves: per name, per address, window, reset. */
class SignInThrottleTest {

    @Test
    void fiveFailuresOfOneNameBlockItUntilTheOldestIsAMinuteOld() {
        MutableClock clock = new MutableClock();
        SignInThrottle t = new SignInThrottle(clock);
        for (int i = 0; i < SignInThrottle.MAX_FAILURES; i++) {
            assertThat(t.blocked("Admin", "10.0.0." + i, "test")).isNull();
            t.failed("Admin", "10.0.0." + i); // five addresses: only the name reaches the limit
            clock.advance(Duration.ofSeconds(10));
        }
        Duration wait = t.blocked("admin", "10.0.0.99", "test"); // names compare without case
        assertThat(wait).isEqualTo(Duration.ofSeconds(10)); // the first failure was 50 s ago
        assertThat(SignInThrottle.seconds(wait)).isEqualTo(10);
        assertThat(t.blocked("someone-else", "10.0.0.99", "test")).isNull();
        clock.advance(Duration.ofSeconds(10));
        assertThat(t.blocked("admin", "10.0.0.99", "test")).isNull(); // the oldest left the window
    }

    @Test
    void fiveFailuresFromOneAddressBlockEveryNameFromIt() {
        MutableClock clock = new MutableClock();
        SignInThrottle t = new SignInThrottle(clock);
        for (int i = 0; i < SignInThrottle.MAX_FAILURES; i++) {
            t.failed("user" + i, "192.0.2.7");
        }
        assertThat(t.blocked("admin", "192.0.2.7", "test")).isEqualTo(SignInThrottle.WINDOW);
        assertThat(t.blocked("admin", "192.0.2.8", "test")).isNull();
        assertThat(t.blocked("admin", null, "test")).isNull();
    }

    @Test
    void aSuccessForgetsTheFailuresOfItsNameAndAddress() {
        MutableClock clock = new MutableClock();
        SignInThrottle t = new SignInThrottle(clock);
        for (int i = 0; i < SignInThrottle.MAX_FAILURES - 1; i++) {
            t.failed("admin", "192.0.2.7");
        }
        t.succeeded("admin", "192.0.2.7");
        for (int i = 0; i < SignInThrottle.MAX_FAILURES - 1; i++) {
            t.failed("admin", "192.0.2.7");
        }
        assertThat(t.blocked("admin", "192.0.2.7", "test")).isNull();
        t.failed("admin", "192.0.2.7");
        assertThat(t.blocked("admin", "192.0.2.7", "test")).isNotNull();
    }

    @Test
    void memoryIsBounded() {
        MutableClock clock = new MutableClock();
        SignInThrottle t = new SignInThrottle(clock);
        for (int i = 0; i < SignInThrottle.MAX_KEYS * 2; i++) {
            t.failed("user" + i, null);
        }
        t.failed("last", null);
        for (int i = 1; i < SignInThrottle.MAX_FAILURES; i++) {
            t.failed("last", null);
        }
        assertThat(t.blocked("last", null, "test")).isNotNull(); // the most recent are kept
    }
}
