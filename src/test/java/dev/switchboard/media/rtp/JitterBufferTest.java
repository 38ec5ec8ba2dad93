package dev.switchboard.media.rtp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JitterBufferTest {
    private final JitterBuffer jb = new JitterBuffer(480);
    private final byte[] out = new byte[480];

    private JitterBuffer.Insert put(int seq, int ssrc) {
        byte[] p = {(byte) seq, (byte) (seq >> 8), (byte) ssrc};
        return jb.insert(seq & 0xFFFF, ssrc, p, 0, p.length);
    }

    /** The sequence number of the popped frame (from its payload), or the pop result code. */
    private int pop() {
        int n = jb.pop(out);
        return n < 0 ? n : ((out[0] & 0xFF) | ((out[1] & 0xFF) << 8));
    }

    @Test
    void waitsForThePrefillThenPlaysInOrder() {
        put(10, 1);
        assertThat(pop()).isEqualTo(JitterBuffer.NOTHING);
        put(11, 1);
        put(12, 1);
        assertThat(pop()).isEqualTo(10);
        assertThat(pop()).isEqualTo(11);
        assertThat(pop()).isEqualTo(12);
    }

    @Test
    void aBufferToldToStartOnTheFirstFramePlaysItAtOnceAndWaitsOnceForALateSecond() {
        jb.startOnFirstFrame();
        put(10, 1);
        assertThat(pop()).as("no prefill wait for a new leg's first frame").isEqualTo(10);
        assertThat(pop()).as("the late second frame is waited for once").isEqualTo(JitterBuffer.LOST);
        put(11, 1);
        put(12, 1);
        assertThat(pop()).as("not skipped: the delay the early start saved is won back").isEqualTo(11);
        assertThat(pop()).isEqualTo(12);
    }

    @Test
    void reordersPackets() {
        put(12, 1);
        put(10, 1);
        put(11, 1);
        assertThat(pop()).isEqualTo(10);
        assertThat(pop()).isEqualTo(11);
        assertThat(pop()).isEqualTo(12);
    }

    @Test
    void dropsDuplicatesAndLatePackets() {
        put(10, 1);
        assertThat(put(10, 1)).isEqualTo(JitterBuffer.Insert.DUPLICATE);
        put(11, 1);
        assertThat(pop()).isEqualTo(10);
        assertThat(put(10, 1)).isEqualTo(JitterBuffer.Insert.LATE);
        assertThat(put(9, 1)).isEqualTo(JitterBuffer.Insert.LATE);
    }

    @Test
    void reportsLossesForConcealmentThenStopsAfterASilence() {
        put(1, 1);
        put(2, 1);
        put(5, 1);
        assertThat(pop()).isEqualTo(1);
        assertThat(pop()).isEqualTo(2);
        assertThat(pop()).isEqualTo(JitterBuffer.LOST);
        assertThat(pop()).isEqualTo(JitterBuffer.LOST);
        assertThat(pop()).isEqualTo(5);
        for (int i = 0; i < JitterBuffer.MAX_CONCEAL; i++) {
            assertThat(pop()).isEqualTo(JitterBuffer.LOST);
        }
        assertThat(pop()).isEqualTo(JitterBuffer.NOTHING);
        assertThat(jb.playing()).isFalse();
    }

    @Test
    void survivesSequenceWrapAround() {
        put(65534, 1);
        put(65535, 1);
        put(0, 1);
        put(1, 1);
        assertThat(pop()).isEqualTo(65534);
        assertThat(pop()).isEqualTo(65535);
        assertThat(pop()).isEqualTo(0);
        assertThat(pop()).isEqualTo(1);
        assertThat(put(65535, 1)).isEqualTo(JitterBuffer.Insert.LATE);
    }

    @Test
    void reorderingAcrossTheWrapIsStillInOrder() {
        put(0, 1);
        put(65535, 1);
        put(1, 1);
        assertThat(pop()).isEqualTo(65535);
        assertThat(pop()).isEqualTo(0);
        assertThat(pop()).isEqualTo(1);
    }

    @Test
    void anSsrcChangeStartsAfresh() {
        put(100, 1);
        put(101, 1);
        assertThat(pop()).isEqualTo(100);
        put(7, 2);
        assertThat(jb.buffered()).isEqualTo(1);
        assertThat(pop()).isEqualTo(JitterBuffer.NOTHING);
        put(8, 2);
        assertThat(pop()).isEqualTo(7);
        assertThat(pop()).isEqualTo(8);
    }

    @Test
    void aLargeSequenceJumpResynchronises() {
        put(100, 1);
        put(101, 1);
        assertThat(pop()).isEqualTo(100);
        put(30_000, 1);
        put(30_001, 1);
        assertThat(pop()).isEqualTo(30_000);
    }

    @Test
    void aBurstBeyondTheWindowKeepsTheNewestAndCountsTheRest() {
        for (int s = 0; s < 40; s++) {
            assertThat(put(s, 1)).isEqualTo(JitterBuffer.Insert.ACCEPTED);
        }
        assertThat(jb.buffered()).isEqualTo(JitterBuffer.CAPACITY);
        assertThat(jb.trimmed()).isEqualTo(40 - JitterBuffer.CAPACITY);
        // playout trims to the maximum depth
        int first = pop();
        assertThat(first).isEqualTo(40 - JitterBuffer.MAX_DEPTH);
        assertThat(jb.trimmed()).isEqualTo(40 - JitterBuffer.MAX_DEPTH);
    }

    @Test
    void refusesPayloadsLargerThanItsSlots() {
        assertThat(jb.insert(1, 1, new byte[481], 0, 481)).isEqualTo(JitterBuffer.Insert.TOO_LARGE);
    }

    @Test
    void clearDiscardsEverythingAndReportsHowMuch() {
        put(1, 1);
        put(2, 1);
        put(3, 1);
        assertThat(jb.clear()).isEqualTo(3);
        assertThat(pop()).isEqualTo(JitterBuffer.NOTHING);
        put(50, 1);
        put(51, 1);
        assertThat(pop()).isEqualTo(50);
    }

    @Test
    void afterAnUnmuteTheFirstFramePlaysAtOnceAndALateSecondFrameIsWaitedFor() {
        put(10, 1);
        put(11, 1);
        jb.pop(out);
        assertThat(jb.clearForUnmute()).isEqualTo(1);
        put(40, 1);
        assertThat(pop()).as("no prefill wait after an unmute").isEqualTo(40);
        assertThat(pop()).as("41 is late: conceal, but hold the playout point").isEqualTo(JitterBuffer.LOST);
        put(41, 1);
        put(42, 1);
        assertThat(pop()).as("the late frame still plays").isEqualTo(41);
        assertThat(pop()).isEqualTo(42);
        assertThat(pop()).as("the hold is used up: the next underrun advances").isEqualTo(JitterBuffer.LOST);
        assertThat(put(43, 1)).isEqualTo(JitterBuffer.Insert.LATE);
    }

    @Test
    void aMuteClearStillWaitsForThePrefill() {
        put(10, 1);
        jb.clear();
        put(20, 1);
        assertThat(pop()).isEqualTo(JitterBuffer.NOTHING);
        put(21, 1);
        assertThat(pop()).isEqualTo(20);
    }
}
