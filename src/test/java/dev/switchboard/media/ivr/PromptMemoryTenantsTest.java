package dev.switchboard.media.ivr;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prompt memory counted per tenant (docs/ivr-media.md, "Prompt memory"): the tenant that should give way is one
 * holding more than the asking tenant would with its prompt, never the asking tenant itself (so a tenant alone is
 * refused as before); a queued slot gives way at most once and never after its player has started it.
 */
class PromptMemoryTenantsTest {
    private static final short[] SECOND = new short[16000];

    @Test
    void theLargerTenantIsOneHoldingMoreThanTheAskingOneWouldWithItsPrompt() {
        PromptMemory memory = new PromptMemory(1000);
        assertThat(memory.tryTake("a", 700)).isTrue();
        assertThat(memory.largerThan("a", 100)).as("a tenant alone finds none").isNull();
        assertThat(memory.tryTake("b", 200)).isTrue();
        assertThat(memory.largerThan("b", 200)).isEqualTo("a");
        assertThat(memory.largerThan("b", 500)).as("700 is not more than 200 + 500").isNull();
        assertThat(memory.largerThan("a", 1)).as("the largest tenant never finds a larger one").isNull();
        memory.give("a", 700);
        assertThat(memory.heldBy("a")).isZero();
        assertThat(memory.largerThan("a", 1)).isEqualTo("b");
        memory.give("b", 200);
        assertThat(memory.used()).isZero();
        assertThat(memory.heldBy("b")).isZero();
    }

    @Test
    void aQueuedSlotGivesWayOnceAndFailsWithTheReasonItsClipsClaimGivenBack() {
        AtomicInteger given = new AtomicInteger();
        PromptSlot slot = new PromptSlot();
        slot.ready(new PcmClip(SECOND, 16000), given::incrementAndGet);
        assertThat(slot.queued()).isTrue();
        assertThat(slot.giveWay(PromptMemory.GAVE_WAY)).isTrue();
        assertThat(slot.giveWay(PromptMemory.GAVE_WAY)).isFalse();
        assertThat(slot.failure()).isEqualTo(PromptMemory.GAVE_WAY).startsWith(PromptMemory.FULL);
        assertThat(slot.play()).as("a slot that gave way never plays").isFalse();
        slot.release();
        assertThat(given).hasValue(1);
        assertThat(new ClipPlayer(new PromptSlot[] {slot}, false).next(new short[960])).isNull();
    }

    @Test
    void aSlotItsPlayerStartedNeverGivesWay() {
        AtomicInteger given = new AtomicInteger();
        PromptSlot slot = new PromptSlot();
        slot.ready(new PcmClip(SECOND, 16000), given::incrementAndGet);
        ClipPlayer player = new ClipPlayer(new PromptSlot[] {slot}, false);
        assertThat(player.next(new short[960])).isNotNull();
        assertThat(slot.queued()).isFalse();
        assertThat(slot.giveWay(PromptMemory.GAVE_WAY)).isFalse();
        assertThat(slot.failure()).isNull();
        assertThat(player.next(new short[960])).as("it plays on").isNotNull();
        assertThat(given).hasValue(0);
    }
}
