package dev.switchboard.api;

import dev.switchboard.auth.Principal;
import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.testsupport.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The counting of {@code --graph-request-limit}, on a clock the test moves (the server's answers: GraphRequestLimitTest). */
class GraphRequestThrottleTest {
    private final MutableClock clock = new MutableClock();

    @Test
    void aWindowOpensWithTheFirstRequestAndRefusesPastTheLimitUntilItEnds() {
        GraphRequestThrottle throttle = new GraphRequestThrottle(new GraphRequestLimit(3, Duration.ofSeconds(10)), clock);
        clock.advance(Duration.ofMillis(2_500)); // nothing counted yet: the window opens with the first request
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.admit("t1", "a1")).isZero();
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(throttle.admit("t1", "a1")).as("3 s into the window").isEqualTo(7_000);
        clock.advance(Duration.ofMillis(6_999));
        assertThat(throttle.admit("t1", "a1")).as("refusals are not counted: still the same window").isEqualTo(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(throttle.admit("t1", "a1")).as("the window ended").isZero();
        assertThat(throttle.admit("t1", "a1")).isZero();
        assertThat(throttle.admit("t1", "a1")).isZero();
        assertThat(throttle.admit("t1", "a1")).isEqualTo(10_000);
    }

    @Test
    void aClockSetBackOpensANewWindowInsteadOfLockingTheKeyOut() {
        GraphRequestThrottle throttle = new GraphRequestThrottle(new GraphRequestLimit(1, Duration.ofSeconds(10)), clock);
        clock.advance(Duration.ofHours(2));
        assertThat(throttle.admit("t1", "a1")).isZero();
        assertThat(throttle.admit("t1", "a1")).isEqualTo(10_000);
        clock.advance(Duration.ofHours(-1)); // the wall clock corrected by an hour
        assertThat(throttle.admit("t1", "a1")).isZero();
        assertThat(throttle.admit("t1", "a1")).isEqualTo(10_000);
    }

    @Test
    void eachAppOfEachTenantIsCountedApart() {
        GraphRequestThrottle throttle = new GraphRequestThrottle(new GraphRequestLimit(1, Duration.ofSeconds(15)), clock);
        assertThat(throttle.admit("t1", "a1")).isZero();
        assertThat(throttle.admit("t1", "a1")).isPositive();
        assertThat(throttle.admit("t1", "a2")).isZero();
        assertThat(throttle.admit("t2", "a1")).isZero();
        assertThat(throttle.admit("t2", "a1")).isPositive();
    }

    @Test
    void aRefusalIs429WithTheWaitInWholeSecondsAndNamesTheLimit() {
        GraphRequestThrottle throttle = new GraphRequestThrottle(new GraphRequestLimit(1, Duration.ofSeconds(15)), clock);
        Principal bot = Principal.app("t1", "a1", "Bot", Set.of());
        throttle.count(bot);
        clock.advance(Duration.ofMillis(4_200));
        SwitchboardException e = catchThrowableOfType(SwitchboardException.class, () -> throttle.count(bot));
        assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS);
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(11)); // 10.8 s, rounded up: the window has room then
        assertThat(e.getMessage()).contains("1 requests in 15 s", "--graph-request-limit 1/15s", "11 s");
        assertThat(throttle.refusals().refused()).isEqualTo(1);
    }

    @Test
    void idsInTheLogLineAreCutAndCleaned() {
        assertThat(GraphRequestThrottle.safe("00000000-0000-4000-8000-000000000001")).isEqualTo("00000000-0000-4000-8000-000000000001");
        assertThat(GraphRequestThrottle.safe("bot\nrefused x=1 é")).isEqualTo("bot?refused?x?1??");
        assertThat(GraphRequestThrottle.safe("a".repeat(100))).hasSize(64);
    }

    @Test
    void offCountsNothing() {
        GraphRequestThrottle throttle = GraphRequestThrottle.off();
        Principal bot = Principal.app("t1", "a1", "Bot", Set.of());
        for (int i = 0; i < 100_000; i++) {
            throttle.count(bot);
        }
        assertThat(throttle.keys()).isZero();
    }

    @Test
    void keysAreBoundedAndEndedWindowsMakeRoom() {
        GraphRequestThrottle throttle = new GraphRequestThrottle(new GraphRequestLimit(2, Duration.ofSeconds(10)), clock);
        for (int i = 0; i < GraphRequestThrottle.MAX_KEYS; i++) {
            assertThat(throttle.admit("t", "app" + i)).isZero();
        }
        assertThat(throttle.keys()).isEqualTo(GraphRequestThrottle.MAX_KEYS);
        // no room while every window is open: the newcomers share one window of the limit
        assertThat(throttle.admit("t", "new1")).isZero();
        assertThat(throttle.admit("t", "new2")).isZero();
        assertThat(throttle.admit("t", "new3")).isPositive();
        assertThat(throttle.keys()).isEqualTo(GraphRequestThrottle.MAX_KEYS);
        assertThat(throttle.admit("t", "app0")).as("a known key keeps its own window").isZero();

        clock.advance(Duration.ofSeconds(10));
        assertThat(throttle.admit("t2", "later")).isZero();
        assertThat(throttle.keys()).as("the ended windows were forgotten").isEqualTo(1);
        assertThat(throttle.admit("t2", "later")).isZero();
        assertThat(throttle.admit("t2", "later")).isPositive();
    }

    @Test
    void threadsRacingOnOneWindowAdmitExactlyTheLimit() throws Exception {
        int limit = 20_000;
        GraphRequestThrottle throttle = new GraphRequestThrottle(new GraphRequestLimit(limit, Duration.ofSeconds(60)), clock);
        AtomicInteger admitted = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 5_000; i++) {
                    if (throttle.admit("t1", "a1") == 0) {
                        admitted.incrementAndGet();
                    }
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(admitted.get()).isEqualTo(limit);
    }
}
