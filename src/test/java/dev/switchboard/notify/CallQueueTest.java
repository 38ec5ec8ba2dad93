package dev.switchboard.notify;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class CallQueueTest {
    private static final URI CB = URI.create("https://bot.contoso.com/cb");
    private final AtomicInteger global = new AtomicInteger();
    private final CallQueue q = new CallQueue("call-1", 0);

    private static Pending pending(OutboundNotification n) {
        return new Pending(n, "id-" + n.commsNotification().path("testMarker").asInt(), new byte[0], new byte[0], 0, Long.MAX_VALUE,
                false);
    }

    private static Pending r(int m) {
        return pending(Notifications.roster("call-1", CB, m));
    }

    private static Pending c(int m) {
        return pending(Notifications.callState("call-1", CB, m, "established"));
    }

    private CallQueue.Offer offer(Pending p, int limit) {
        return q.offer(p, limit, global, 1000);
    }

    /** Delivers everything, returning the test markers in delivery order. */
    private List<String> deliverAll() {
        List<String> out = new ArrayList<>();
        Pending p;
        while ((p = q.nextHead(0)) != null) {
            out.add(p.id);
            q.finish(p, true);
        }
        return out;
    }

    @Test
    void theFirstOfferStartsTheOnlyChainAndOrderIsKept() {
        assertThat(offer(c(1), 10).startChain()).isTrue();
        assertThat(offer(r(2), 10).startChain()).isFalse();
        assertThat(offer(c(3), 10).startChain()).isFalse();
        assertThat(global.get()).isEqualTo(3);
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
        q.nextHead(0);
        q.failed();
        offer(r(2), 10);
        assertThat(offer(r(3), 10).outcome()).isEqualTo(CallQueue.Offer.Outcome.COALESCED);
        offer(c(4), 10);
        offer(r(5), 10);
        CallQueue.Offer o = offer(r(6), 10);
        assertThat(o.dropped().id).isEqualTo("id-5");
        assertThat(global.get()).isEqualTo(4);
        assertThat(deliverAll()).containsExactly("id-1", "id-3", "id-4", "id-6");
    }

    @Test
    void aSuccessEndsTheFailingState() {
        offer(c(1), 10);
        Pending head = q.nextHead(0);
        q.failed();
        q.finish(head, true);
        offer(r(2), 10);
        assertThat(offer(r(3), 10).outcome()).isEqualTo(CallQueue.Offer.Outcome.QUEUED);
    }

    @Test
    void whenFullAndNothingCanBeCoalescedTheOldestWaitingIsEvictedNeverTheHead() {
        offer(c(1), 3);
        q.nextHead(0);
        offer(c(2), 3);
        offer(c(3), 3);
        CallQueue.Offer o = offer(c(4), 3);
        assertThat(o.outcome()).isEqualTo(CallQueue.Offer.Outcome.EVICTED_OLDEST);
        assertThat(o.dropped().id).isEqualTo("id-2");
        assertThat(o.dropReason()).isEqualTo("call_queue_full");
        assertThat(global.get()).isEqualTo(3);
        assertThat(deliverAll()).containsExactly("id-1", "id-3", "id-4");
    }

    @Test
    void whenOnlyTheHeadIsThereAndTheGlobalBudgetIsGoneTheNewOneIsRefused() {
        q.offer(c(1), 10, global, 1);
        q.nextHead(0);
        CallQueue.Offer o = q.offer(c(2), 10, global, 1);
        assertThat(o.outcome()).isEqualTo(CallQueue.Offer.Outcome.REFUSED);
        assertThat(o.dropReason()).isEqualTo("global_queue_full");
        assertThat(global.get()).isEqualTo(1);
    }

    @Test
    void anEndedCallRetiresWhenIdleAndRefusesFurtherOffers() {
        Pending terminal = new Pending(Notifications.callState("call-1", CB, 1, "terminated"), "t", new byte[0], new byte[0],
                0, Long.MAX_VALUE, true);
        offer(terminal, 10);
        q.finish(q.nextHead(0), true);
        assertThat(q.nextHead(0)).isNull();
        assertThat(q.isRetired()).isTrue();
        assertThat(offer(c(2), 10).outcome()).isEqualTo(CallQueue.Offer.Outcome.RETIRED);
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
