package dev.switchboard.notify;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CallQueueTest {
    private static final URI CB = URI.create("https://bot.contoso.com/cb");
    private final QueueBudget global = new QueueBudget(1000);
    private final CallQueue q = new CallQueue("call-1", 0);

    private static Pending pending(OutboundNotification n) {
        return new Pending(n, "id-" + Notifications.item(n).path("testMarker").asInt(), NotificationItem.of(new byte[10]), 0, Long.MAX_VALUE,
                Notifications.item(n).path("changeType").asText().equals("deleted") && n.kind() == NotificationKind.CALL_STATE);
    }

    private Delivery next(int maxBatch) {
        return q.nextDelivery(maxBatch, 1 << 20, 0, new ArrayList<>());
    }

    /** Delivers everything one per POST, returning the item markers in delivery order. */
    private List<String> deliverAll() {
        List<String> out = new ArrayList<>();
        Delivery d;
        while ((d = next(1)) != null) {
            d.items.forEach(p -> out.add(p.resourceUrl));
            q.finish(d, true);
        }
        return out;
    }

    private static Pending r(int m) {
        return pending(Notifications.roster("call-1", CB, m));
    }

    private static Pending c(int m) {
        return pending(Notifications.callState("call-1", CB, m, "established"));
    }

    private CallQueue.Offer offer(Pending p, int limit) {
        return q.offer(p, limit, global, false);
    }

    @Test
    void theFirstOfferStartsTheOnlyChainAndOrderIsKept() {
        assertThat(offer(c(1), 10).startChain()).isTrue();
        assertThat(offer(r(2), 10).startChain()).isFalse();
        assertThat(offer(c(3), 10).startChain()).isFalse();
        assertThat(global.total()).isEqualTo(3);
        assertThat(deliverAll()).containsExactly("id-1", "id-2", "id-3");
        assertThat(offer(c(4), 10).startChain()).as("a new chain once the queue went idle").isTrue();
    }

    @Test
    void rostersAreNotCoalescedWhileDeliveryIsHealthy() {
        offer(c(1), 10);
        offer(r(2), 10);
        assertThat(offer(r(3), 10).outcome()).isEqualTo(CallQueue.Offer.Outcome.QUEUED);
        assertThat(deliverAll()).containsExactly("id-1", "id-2", "id-3");
    }

    @Test
    void whileFailingOnlyAdjacentRostersCoalesce() {
        offer(c(1), 10);
        q.finish(next(1), false);
        offer(c(0), 10);
        next(1);
        q.failed();
        offer(r(2), 10);
        assertThat(offer(r(3), 10).outcome()).isEqualTo(CallQueue.Offer.Outcome.COALESCED);
        offer(c(4), 10);
        offer(r(5), 10);
        CallQueue.Offer o = offer(r(6), 10);
        assertThat(o.dropped().resourceUrl).isEqualTo("id-5");
        assertThat(deliverAll()).containsExactly("id-0", "id-3", "id-4", "id-6");
    }

    @Test
    void aSuccessEndsTheFailingState() {
        offer(c(1), 10);
        Delivery d = next(1);
        q.failed();
        q.finish(d, true);
        offer(r(2), 10);
        assertThat(offer(r(3), 10).outcome()).isEqualTo(CallQueue.Offer.Outcome.QUEUED);
    }

    @Test
    void whenFullAndNothingCanBeCoalescedTheOldestWaitingIsEvictedNeverTheHead() {
        offer(c(1), 3);
        next(1);
        offer(c(2), 3);
        offer(c(3), 3);
        CallQueue.Offer o = offer(c(4), 3);
        assertThat(o.outcome()).isEqualTo(CallQueue.Offer.Outcome.EVICTED_OLDEST);
        assertThat(o.dropped().resourceUrl).isEqualTo("id-2");
        assertThat(o.dropReason()).isEqualTo("call_queue_full");
        assertThat(global.total()).isEqualTo(3);
        assertThat(deliverAll()).containsExactly("id-1", "id-3", "id-4");
    }

    @Test
    void whenOnlyTheHeadIsThereAndTheGlobalBudgetIsGoneTheNewOneIsRefused() {
        QueueBudget one = new QueueBudget(1);
        q.offer(c(1), 10, one, false);
        next(1);
        CallQueue.Offer o = q.offer(c(2), 10, one, false);
        assertThat(o.outcome()).isEqualTo(CallQueue.Offer.Outcome.REFUSED);
        assertThat(o.dropReason()).isEqualTo("global_queue_full");
        assertThat(one.total()).isEqualTo(1);
    }

    /**
     * A queue whose very first offer is refused (the global budget is spent) has sent nothing: it retires at once
     * rather than wait 24 hours idle. One that has sent something keeps its numbering and stays.
     */
    @Test
    void aQueueThatHasSentNothingRetiresWhenItsOfferIsRefusedOneThatHasSentStays() {
        CallQueue fresh = new CallQueue("call-2", 0, 7);
        CallQueue.Offer refused = fresh.offer(c(1), 10, new QueueBudget(0), false);
        assertThat(refused.outcome()).isEqualTo(CallQueue.Offer.Outcome.REFUSED);
        assertThat(fresh.isRetired()).isTrue();

        offer(c(1), 10);
        q.finish(next(1), true);
        assertThat(q.offer(c(2), 10, new QueueBudget(0), false).outcome()).isEqualTo(CallQueue.Offer.Outcome.REFUSED);
        assertThat(q.isRetired()).as("it numbered a POST: the next continues from 2").isFalse();
        offer(c(3), 10);
        assertThat(next(1).sequence).isEqualTo(2);
    }

    @Test
    void anEndedCallRetiresWhenIdleAndRefusesFurtherOffers() {
        offer(pending(Notifications.callState("call-1", CB, 1, "terminated")), 10);
        q.finish(next(1), true);
        assertThat(next(1)).isNull();
        assertThat(q.isRetired()).isTrue();
        assertThat(offer(c(2), 10).outcome()).isEqualTo(CallQueue.Offer.Outcome.RETIRED);
    }

    @Test
    void aDeliveryTakesConsecutiveWaitingNotificationsUpToTheBatchLimitAndGetsTheNextSequence() {
        for (int i = 1; i <= 5; i++) {
            offer(i % 2 == 0 ? r(i) : c(i), 10);
        }
        Delivery first = next(3);
        assertThat(first.items).extracting(p -> p.resourceUrl).containsExactly("id-1", "id-2", "id-3");
        assertThat(first.sequence).isEqualTo(1);
        assertThat(next(3)).as("the same until finished").isSameAs(first);
        q.finish(first, true);
        Delivery second = next(3);
        assertThat(second.items).extracting(p -> p.resourceUrl).containsExactly("id-4", "id-5");
        assertThat(second.sequence).isEqualTo(2);
        assertThat(new String(second.body(), java.nio.charset.StandardCharsets.UTF_8))
                .startsWith("{\"@odata.type\":\"#microsoft.graph.commsNotifications\",\"value\":[").endsWith("]}");
    }

    @Test
    void aDeliveryNeverMixesDestinationsAndSkipsExpiredNotifications() {
        offer(c(1), 10);
        offer(pending(Notifications.callState("call-1", URI.create("https://other.contoso.com/cb"), 2, "established")), 10);
        Pending old = new Pending(Notifications.roster("call-1", CB, 3), "id-3", NotificationItem.of(new byte[1]), 0, 5, false);
        offer(old, 10);
        assertThat(next(10).items).hasSize(1);
        q.finish(q.nextDelivery(10, 1 << 20, 0, new ArrayList<>()), true);
        List<Pending> expired = new ArrayList<>();
        Delivery d = q.nextDelivery(10, 1 << 20, 10, expired);
        assertThat(d.items).extracting(p -> p.resourceUrl).containsExactly("id-2");
        q.finish(d, true);
        assertThat(q.nextDelivery(10, 1 << 20, 10, expired)).isNull();
        assertThat(expired).containsExactly(old);
    }

    @Test
    void aRedirectIsStickyForTheOriginalUriOnly() {
        URI moved = URI.create("https://eu.contoso.com/cb");
        q.redirect(CB, moved);
        assertThat(q.targetFor(CB)).isEqualTo(moved);
        URI other = URI.create("https://other.contoso.com/cb");
        assertThat(q.targetFor(other)).isEqualTo(other);
    }
}
