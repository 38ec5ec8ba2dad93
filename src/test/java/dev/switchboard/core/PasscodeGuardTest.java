package dev.switchboard.core;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.testsupport.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The guessing limit's rules on a clock moved by hand (the HTTP side: {@code MeetingPasscodeGuessingTest}). */
class PasscodeGuardTest {
    private final MutableClock clock = new MutableClock();
    private final PasscodeGuard guard = new PasscodeGuard("s3cret", clock);

    private static Caller user(int n) {
        return Caller.user("t", "app", "user-" + n, null);
    }

    private void refused(Caller c, long atLeastSeconds) {
        assertThatThrownBy(() -> guard.admits("s3cret", c, "m"))
                .isInstanceOfSatisfying(SwitchboardException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS);
                    assertThat(e.retryAfter()).isPositive().isLessThanOrEqualTo(PasscodeGuard.WINDOW);
                    assertThat(e.retryAfter().toSeconds()).isGreaterThanOrEqualTo(atLeastSeconds);
                });
    }

    @Test
    void aCallerWaitsUntilItsOldestFailureIsAWindowOldThenTheRightPasscodeIsChecked() {
        for (int i = 0; i < PasscodeGuard.PER_CALLER; i++) {
            assertThat(guard.admits("guess" + i, user(1), "m")).isFalse();
            clock.advance(Duration.ofSeconds(1));
        }
        refused(user(1), 50);
        clock.advance(PasscodeGuard.WINDOW.minusSeconds(PasscodeGuard.PER_CALLER));
        assertThat(guard.admits("s3cret", user(1), "m")).isTrue();
        assertThat(guard.admits(null, user(1), "m")).isFalse();
    }

    @Test
    void theMeetingLimitStopsCallersWhoFailedButNeverOneWhoHasNot() {
        for (int n = 0; n < PasscodeGuard.PER_MEETING; n++) {
            assertThat(guard.admits("wrong", user(n), "m")).isFalse();
        }
        refused(user(0), 1);
        assertThat(guard.admits("s3cret", user(999), "m")).isTrue();
        assertThat(guard.admits("s3cret", Caller.app("t", "bot"), "m")).isTrue();
        clock.advance(PasscodeGuard.WINDOW);
        assertThat(guard.admits("s3cret", user(0), "m")).isTrue();
    }

    @Test
    void withTheMostCallersRememberedAStrangerCountsAsOneWhoFailed() {
        for (int n = 0; n < PasscodeGuard.MAX_CALLERS + 50; n++) {
            try {
                assertThat(guard.admits("wrong", user(n), "m")).isFalse();
            } catch (SwitchboardException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS);
                assertThat(n).isGreaterThanOrEqualTo(PasscodeGuard.MAX_CALLERS); // only once the memory is full
            }
        }
        refused(user(100_000), 1); // unknown, memory full, meeting over its limit
        clock.advance(PasscodeGuard.WINDOW);
        assertThat(guard.admits("s3cret", user(100_000), "m")).isTrue(); // expired callers are forgotten
    }
}
