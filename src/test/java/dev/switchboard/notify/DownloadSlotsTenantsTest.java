package dev.switchboard.notify;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Who gets a freed download slot: among one tenant's waiting downloads the first that came (as the fair semaphore
 * did); between tenants, the tenant holding the fewest slots, whatever came first. And which slot is taken back from
 * a stalled download for a tenant holding two fewer.
 */
class DownloadSlotsTenantsTest {
    private static final long LONG = TimeUnit.SECONDS.toNanos(30);

    @Test
    void aFreedSlotGoesToTheTenantHoldingFewestAndWithinATenantToTheFirstWaiting() throws Exception {
        DownloadSlots slots = new DownloadSlots(2);
        assertThat(slots.acquire("a", System.nanoTime() + LONG)).isTrue();
        assertThat(slots.acquire("a", System.nanoTime() + LONG)).isTrue();
        List<String> granted = new CopyOnWriteArrayList<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String who : List.of("a1", "a2", "a3")) { // three more of tenant a wait, in this order
                threads.submit(() -> take(slots, "a", who, granted));
                await().atMost(Duration.ofSeconds(10)).until(() -> slots.waiting() == who.charAt(1) - '0');
            }
            threads.submit(() -> take(slots, "b", "b1", granted)); // tenant b comes last
            await().atMost(Duration.ofSeconds(10)).until(() -> slots.waiting() == 4);

            slots.release("a");
            await().atMost(Duration.ofSeconds(10)).until(() -> granted.size() == 1);
            assertThat(granted).as("b holds none, a holds one: b's download goes first").containsExactly("b1");
            // one slot at a time: two woken at once would record their grants in either order
            slots.release("a");
            await().atMost(Duration.ofSeconds(10)).until(() -> granted.size() == 2);
            slots.release("b");
            await().atMost(Duration.ofSeconds(10)).until(() -> granted.size() == 3);
            assertThat(granted).as("a's own in the order they came").containsExactly("b1", "a1", "a2");
            assertThat(slots.heldBy("a")).isEqualTo(2);
            assertThat(slots.waiting()).isEqualTo(1);
            slots.release("a");
            await().atMost(Duration.ofSeconds(10)).until(() -> granted.size() == 4);
        }
    }

    @Test
    void aDownloadThatGetsNoSlotInTimeGivesUpAndIsCounted() throws Exception {
        DownloadSlots slots = new DownloadSlots(1);
        assertThat(slots.acquire("a", System.nanoTime() + LONG)).isTrue();
        assertThat(slots.acquire("b", System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200))).isFalse();
        assertThat(slots.gaveUp()).isEqualTo(1);
        assertThat(slots.waiting()).isZero();
        slots.release("a");
        assertThat(slots.inFlight()).isZero();
        assertThat(CompletableFuture.supplyAsync(() -> acquire(slots, "b")).get(10, TimeUnit.SECONDS)).isTrue();
    }

    private static Void take(DownloadSlots slots, String tenant, String who, List<String> granted) throws InterruptedException {
        if (slots.acquire(tenant, System.nanoTime() + LONG)) {
            granted.add(who);
        }
        return null;
    }

    private static boolean acquire(DownloadSlots slots, String tenant) {
        try {
            return slots.acquire(tenant, System.nanoTime() + LONG);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theNewestStalledSlotOfTheLargestHolderIsTakenBackForATenantHoldingTwoFewerButNotAnAnsweredOne() throws Exception {
        DownloadSlots slots = new DownloadSlots(3);
        List<String> cancelled = new CopyOnWriteArrayList<>();
        DownloadSlots.Slot oldest = slots.acquireSlot("a", System.nanoTime() + LONG);
        DownloadSlots.Slot middle = slots.acquireSlot("a", System.nanoTime() + LONG);
        DownloadSlots.Slot answered = slots.acquireSlot("a", System.nanoTime() + LONG);
        oldest.cancelWith(() -> cancelled.add("oldest"));
        middle.cancelWith(() -> cancelled.add("middle"));
        answered.cancelWith(() -> cancelled.add("answered"));
        answered.answered(); // its server answered: reading its body, never taken back

        CompletableFuture<DownloadSlots.Slot> b = CompletableFuture.supplyAsync(() -> {
            try {
                return slots.acquireSlot("b", System.nanoTime() + LONG);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> !cancelled.isEmpty());
        assertThat(cancelled).containsExactly("middle");
        assertThat(middle.revoked()).isTrue();
        assertThat(slots.takenBack()).isEqualTo(1);
        assertThat(b).as("b waits until the download gives its slot back").isNotDone();
        slots.release(middle);
        DownloadSlots.Slot bs = b.get(10, TimeUnit.SECONDS);
        assertThat(slots.heldBy("b")).isEqualTo(1);

        // a now holds 2 (oldest stalled, answered), b 1, c none: a's stalled one is taken back for c
        CompletableFuture<Boolean> c = CompletableFuture.supplyAsync(() -> acquire(slots, "c"));
        await().atMost(Duration.ofSeconds(10)).until(() -> cancelled.size() == 2);
        assertThat(cancelled).containsExactly("middle", "oldest");
        slots.release(oldest);
        assertThat(c.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(slots.takenBack()).isEqualTo(2);

        // now a 1 (answered), b 1, c 1: nothing is taken back for another b
        assertThat(slots.acquireSlot("b", System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500))).isNull();
        assertThat(cancelled).hasSize(2);
        slots.release(bs);
        slots.release(answered);
    }
}
