package dev.switchboard.media;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LateTicksTest {
    private static final long MS = 1_000_000L;

    private static MediaCounters counters() {
        return new MediaCounters(new SimpleMeterRegistry(), () -> 0, () -> 0, () -> 0);
    }

    @Test
    void aTickMoreThanFiveMillisecondsAfterItsSlotIsLateForEveryRoomOfItsThread() {
        MediaCounters c = counters();
        LateTicks late = new LateTicks(c);
        assertThat(late.started(0, 7, 3)).isFalse();
        assertThat(late.started(MixerThread.LATE_MILLIS * MS, 7, 3)).isFalse(); // exactly 5 ms: on time
        assertThat(late.started(MixerThread.LATE_MILLIS * MS + 1, 7, 3)).isTrue();
        assertThat(c.ticks.sum()).isEqualTo(9);
        assertThat(c.lateTicks.sum()).isEqualTo(3);
        assertThat(c.lateTicksAfterCollection.sum()).isZero(); // no collection between these ticks
    }

    @Test
    void aLateTickAfterACollectionIsCountedAsSuchAndOnlyTheFirstAfterIt() {
        MediaCounters c = counters();
        LateTicks late = new LateTicks(c);
        late.started(0, 10, 2);
        assertThat(late.started(9 * MS, 11, 2)).isTrue(); // a collection since the previous tick
        assertThat(late.started(9 * MS, 11, 2)).isTrue(); // late again, no new collection: waited for a core
        late.started(1 * MS, 12, 2); // a collection, but the tick was on time
        assertThat(c.lateTicks.sum()).isEqualTo(4);
        assertThat(c.lateTicksAfterCollection.sum()).isEqualTo(2);
    }

    @Test
    void theFirstTickOfAThreadHasNoPreviousTickToCompareWith() {
        MediaCounters c = counters();
        assertThat(new LateTicks(c).started(30 * MS, 5, 1)).isTrue();
        assertThat(c.lateTicks.sum()).isEqualTo(1);
        assertThat(c.lateTicksAfterCollection.sum()).isZero();
    }

    @Test
    void theCollectionCountMovesWhenTheJvmCollects() {
        CollectionCount count = new CollectionCount();
        long before = count.total();
        System.gc(); // a full collection with every collector the tests run under (explicit GC is not disabled)
        assertThat(count.total()).isGreaterThan(before);
    }

    @Test
    void theSplitIsPublishedAsItsOwnCounter() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MediaCounters c = new MediaCounters(registry, () -> 0, () -> 0, () -> 0);
        LateTicks late = new LateTicks(c);
        late.started(0, 1, 4);
        late.started(20 * MS, 2, 4);
        assertThat(registry.get("switchboard.media.mixer.late.ticks").functionCounter().count()).isEqualTo(4);
        assertThat(registry.get("switchboard.media.mixer.late.ticks.after.collection").functionCounter().count()).isEqualTo(4);
    }
}
