package dev.switchboard.admin;

import dev.switchboard.core.CallEvent;
import dev.switchboard.core.CallState;
import dev.switchboard.core.ResultInfo;
import dev.switchboard.notify.DeliveryReport;
import dev.switchboard.testsupport.MutableClock;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's bounded memories: the delivery history per call and the ended calls kept for an hour. */
class DeliveryLogAndEndedCallsTest {

    @Test
    void aPostKeepsItsLatestStateAndTheLogStaysBounded() {
        DeliveryLog log = new DeliveryLog();
        log.observe(report("c1", "n1", 1, DeliveryReport.State.RETRYING, new byte[10]));
        log.observe(report("c1", "n1", 1, DeliveryReport.State.DELIVERED, new byte[10]));
        assertThat(log.deliveries("c1")).singleElement().satisfies(e -> assertThat(e.report().state())
                .isEqualTo(DeliveryReport.State.DELIVERED));

        byte[] big = new byte[DeliveryLog.MAX_BODY_BYTES + 1];
        log.observe(report("c1", "big", 2, DeliveryReport.State.DELIVERED, big));
        assertThat(log.delivery("c1", "big").truncated()).isTrue();
        assertThat(log.delivery("c1", "big").body()).hasSize(DeliveryLog.MAX_BODY_BYTES);
        assertThat(log.delivery("c1", "big").bodyLength()).isEqualTo(DeliveryLog.MAX_BODY_BYTES);
        assertThat(log.delivery("c1", "big").report().body()).as("the notifier's array, not a copy").isSameAs(big);

        for (int i = 0; i < DeliveryLog.MAX_PER_CALL + 10; i++) {
            log.observe(report("c2", "n" + i, i, DeliveryReport.State.DELIVERED, new byte[1]));
        }
        assertThat(log.deliveries("c2")).hasSize(DeliveryLog.MAX_PER_CALL);
        assertThat(log.deliveries("c2").getFirst().report().sequence()).isEqualTo(10);

        for (int i = 0; i < DeliveryLog.MAX_CALLS + 1; i++) {
            log.observe(report("many-" + i, "n", 1, DeliveryReport.State.DELIVERED, new byte[1]));
        }
        assertThat(log.deliveries("c1")).as("the least recently reported call went first").isEmpty();
        assertThat(log.deliveries("many-" + DeliveryLog.MAX_CALLS)).hasSize(1);
    }

    @Test
    void theBodiesKeptAddUpToTheBudgetTheOldestLosingTheirBodyButNotTheirState() {
        DeliveryLog log = new DeliveryLog();
        int body = 60_000; // a roster notification of a room of 100
        int posts = 2 * (DeliveryLog.MAX_BODIES_BYTES / body); // even: the last one is "other"'s
        for (int i = 0; i < posts; i++) {
            log.observe(report(i % 2 == 0 ? "big-room" : "other", "n" + i, i, DeliveryReport.State.DELIVERED, new byte[body]));
        }
        assertThat(log.bodyBytes()).isLessThanOrEqualTo(DeliveryLog.MAX_BODIES_BYTES)
                .isGreaterThan(DeliveryLog.MAX_BODIES_BYTES - body);
        assertThat(log.deliveries("big-room")).hasSize(posts / 2).allSatisfy(e -> assertThat(e.report().state())
                .isEqualTo(DeliveryReport.State.DELIVERED));
        DeliveryLog.Entry oldest = log.delivery("big-room", "n0");
        assertThat(oldest.report().body()).isEmpty();
        assertThat(oldest.truncated()).isTrue();
        DeliveryLog.Entry newest = log.delivery("other", "n" + (posts - 1));
        assertThat(newest.report().body()).hasSize(body);
        assertThat(newest.truncated()).isFalse();

        log.observe(report("other", "n" + (posts - 1), posts - 1, DeliveryReport.State.DELIVERED, new byte[body]));
        assertThat(log.bodyBytes()).as("a POST reported again is counted once").isLessThanOrEqualTo(DeliveryLog.MAX_BODIES_BYTES);
        log.forget("other");
        assertThat(log.bodyBytes()).as("a forgotten call's bodies leave the budget")
                .isEqualTo(log.deliveries("big-room").stream().mapToLong(e -> e.report().body().length).sum());
    }

    @Test
    void thePostsKeptAreBoundedInAllTheLeastRecentCallLosingItsOldestFirst() {
        DeliveryLog log = new DeliveryLog();
        int perCall = DeliveryLog.MAX_PER_CALL;
        int calls = DeliveryLog.MAX_ENTRIES / perCall + 2;
        for (int c = 0; c < calls; c++) {
            for (int i = 0; i < perCall; i++) {
                log.observe(report("call-" + c, "n" + i, i, DeliveryReport.State.DELIVERED, new byte[1]));
            }
        }
        assertThat(log.entries()).isEqualTo(DeliveryLog.MAX_ENTRIES);
        assertThat(log.deliveries("call-0")).isEmpty();
        assertThat(log.deliveries("call-1")).isEmpty();
        assertThat(log.deliveries("call-2")).hasSize(perCall);
        assertThat(log.deliveries("call-" + (calls - 1))).hasSize(perCall);
        int kept = 0;
        for (int c = 0; c < calls; c++) {
            kept += log.deliveries("call-" + c).size();
        }
        assertThat(kept).isEqualTo(log.entries());
        for (int c = 0; c < calls; c++) {
            log.forget("call-" + c);
        }
        assertThat(log.entries()).isZero();
        assertThat(log.bodyBytes()).isZero();
    }

    @Test
    void endedCallsAreKeptWithTheirResultForTheRetentionThenForgottenWithTheirDeliveries() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        List<String> forgotten = new ArrayList<>();
        EndedCalls ended = new EndedCalls(clock, forgotten::add);
        ended.publish(terminated("a", new ResultInfo(200, 5010, "ended")));
        ended.publish(new CallEvent.CallStateChanged(address("live"), "chain", "p", CallState.ESTABLISHED, null));
        assertThat(ended.list()).extracting(EndedCalls.Ended::id).containsExactly("a");
        assertThat(ended.get("a").resultInfo().subcode()).isEqualTo(5010);

        clock.advance(EndedCalls.RETENTION.minus(Duration.ofSeconds(1)));
        ended.publish(terminated("b", ResultInfo.BOT_HUNG_UP));
        assertThat(ended.list()).extracting(EndedCalls.Ended::id).containsExactly("b", "a");
        clock.advance(Duration.ofSeconds(2));
        assertThat(ended.list()).extracting(EndedCalls.Ended::id).containsExactly("b");
        assertThat(forgotten).containsExactly("a");
    }

    @Test
    void aPostIsReadBackEqualInEveryFieldWhateverTheShapeOfItsId() {
        DeliveryLog log = new DeliveryLog();
        String uuid = "0f8e3c2a-1b4d-4e6f-9a7b-5c3d2e1f0a9b";
        DeliveryReport retrying = new DeliveryReport("c", uuid, 7, List.of("callstate", "roster"), DeliveryReport.State.RETRYING,
                2, 503, 12, Instant.ofEpochSecond(1_800_000_000L, 123_456_789), "status 503",
                Instant.ofEpochSecond(1_799_999_999L, 987_654_321), new byte[] {1, 2, 3});
        log.observe(retrying);
        assertThat(log.delivery("c", uuid).report()).isEqualTo(retrying);
        assertThat(log.delivery("c", uuid.toUpperCase())).as("ids are compared exactly").isNull();

        DeliveryReport delivered = new DeliveryReport("c", uuid, 7, List.of("callstate", "roster"), DeliveryReport.State.DELIVERED,
                3, 202, 4, null, null, Instant.ofEpochSecond(1_800_000_001L, 1), retrying.body());
        log.observe(delivered);
        String upper = "0F8E3C2A-1B4D-4E6F-9A7B-5C3D2E1F0A9B"; // not canonical: kept as it came
        DeliveryReport other = new DeliveryReport("c", upper, 8, List.of("operation"), DeliveryReport.State.GAVE_UP,
                1, 400, 1, null, "rejected_4xx: status 400", Instant.ofEpochSecond(5), new byte[0]);
        log.observe(other);
        assertThat(log.deliveries("c")).extracting(DeliveryLog.Entry::report).containsExactly(delivered, other);
        assertThat(log.deliveries("c")).extracting(DeliveryLog.Entry::truncated).containsExactly(false, false);
        assertThat(log.entries()).isEqualTo(2);
        assertThat(log.bodyBytes()).isEqualTo(3);

        log.forget("c");
        log.observe(other);
        assertThat(log.deliveries("c")).extracting(DeliveryLog.Entry::report).containsExactly(other);
        assertThat(log.bodyBytes()).isZero();
    }

    @Test
    void manyCallsAndPostsComingAndGoingKeepTheCountsExact() {
        DeliveryLog log = new DeliveryLog();
        java.util.Random random = new java.util.Random(17);
        for (int i = 0; i < 60_000; i++) {
            String call = "call-" + random.nextInt(3_000);
            String id = new java.util.UUID(random.nextLong(), random.nextInt(50)).toString();
            int length = random.nextInt(3);
            log.observe(report(call, id, i, DeliveryReport.State.DELIVERED, new byte[length]));
            if (random.nextInt(1_000) == 0) {
                log.forget(call);
            }
        }
        int kept = 0;
        long bodies = 0;
        for (int c = 0; c < 3_000; c++) {
            List<DeliveryLog.Entry> posts = log.deliveries("call-" + c);
            assertThat(posts.size()).isLessThanOrEqualTo(DeliveryLog.MAX_PER_CALL);
            kept += posts.size();
            for (DeliveryLog.Entry e : posts) {
                bodies += e.report().body().length;
                assertThat(log.delivery("call-" + c, e.report().notificationId()).report()).isEqualTo(e.report());
            }
        }
        assertThat(kept).isEqualTo(log.entries()).isLessThanOrEqualTo(DeliveryLog.MAX_ENTRIES);
        assertThat(bodies).isEqualTo(log.bodyBytes());
    }

    private static DeliveryReport report(String call, String id, long seq, DeliveryReport.State state, byte[] body) {
        return new DeliveryReport(call, id, seq, List.of("roster"), state, 1, 200, 3,
                state == DeliveryReport.State.RETRYING ? Instant.now() : null, null, Instant.now(), body);
    }

    private static CallEvent.CallStateChanged terminated(String callId, ResultInfo why) {
        return new CallEvent.CallStateChanged(address(callId), "chain-" + callId, "p", CallState.TERMINATED, why);
    }

    private static CallEvent.BotAddress address(String callId) {
        return new CallEvent.BotAddress(callId, "tenant", "app", URI.create("http://127.0.0.1:9/cb"), false);
    }
}
