package dev.switchboard.auth;

import dev.switchboard.testsupport.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The ordinary users' sign-in limit on a clock moved by hand (over HTTP: {@code UserSignInLimitTest}). */
class UserSignInThrottleTest {
    private final MutableClock clock = new MutableClock();
    private final UserSignInThrottle t = new UserSignInThrottle(clock);

    /** {@code times} checked failures: the password was checked each time. */
    private void fail(String user, String address, int times) {
        for (int i = 0; i < times; i++) {
            assertThat(t.blocked(user, address, "test")).as("failure %d", i + 1).isNull();
            t.failed(user, address);
        }
    }

    /** Failures recorded without asking first (as a guesser ignoring the waits would, were it let). */
    private void failRegardless(String user, String address, int times) {
        for (int i = 0; i < times; i++) {
            t.failed(user, address);
        }
    }

    @Test
    void afterTenFailuresEachFurtherTryWaitsTwiceAsLongUpToFiveMinutes() {
        fail("alice", "10.0.0.9", UserSignInThrottle.FREE_FAILURES);
        assertThat(t.blocked("ALICE ", "10.0.0.8", "test")).isEqualTo(Duration.ofSeconds(1)); // names without case, any address
        long expected = 1;
        for (int i = 0; i < 12; i++) {
            Duration wait = t.blocked("alice", "10.0.0.9", "test");
            assertThat(wait).isEqualTo(Duration.ofSeconds(Math.min(expected, 300)));
            clock.advance(wait);
            fail("alice", "10.0.0.9", 1);
            expected *= 2;
        }
        assertThat(t.blocked("bob", "10.0.0.9", "test")).as("another name from the same address").isNull();
        clock.advance(UserSignInThrottle.QUIET);
        assertThat(t.blocked("alice", "10.0.0.9", "test")).as("an hour without a failure forgives").isNull();
    }

    @Test
    void aFamiliarAddressIsNotHeldBackByGuessesFromElsewhereAndHasItsOwnCount() {
        t.succeeded("alice", "10.0.0.1");
        failRegardless("alice", "203.0.113.7", 30);
        assertThat(t.blocked("alice", "203.0.113.7", "test")).isNotNull();
        assertThat(t.blocked("alice", "10.0.0.1", "test")).isNull();
        t.succeeded("alice", "10.0.0.1");
        assertThat(t.blocked("alice", "203.0.113.7", "test")).as("a success does not clear others' failures").isNotNull();
        fail("alice", "10.0.0.1", UserSignInThrottle.FREE_FAILURES);
        assertThat(t.blocked("alice", "10.0.0.1", "test")).as("guessing from the familiar address is limited too").isNotNull();
        clock.advance(Duration.ofSeconds(1));
        t.succeeded("alice", "10.0.0.1");
        fail("alice", "10.0.0.1", UserSignInThrottle.FREE_FAILURES); // cleared by the success
        clock.advance(UserSignInThrottle.FAMILIAR_FOR);
        assertThat(t.blocked("alice", "10.0.0.1", "test")).as("a month later it is a stranger again, and alice is quiet").isNull();
    }

    @Test
    void failingWithManyOtherNamesDoesNotForgetANameBeingGuessed() {
        failRegardless("alice", "203.0.113.7", UserSignInThrottle.FREE_FAILURES + 3);
        for (int i = 0; i < UserSignInThrottle.MAX_KEYS * 2; i++) {
            t.failed("name" + i, "203.0.113.7");
        }
        assertThat(t.blocked("alice", "203.0.113.7", "test")).isNotNull();
    }
}
