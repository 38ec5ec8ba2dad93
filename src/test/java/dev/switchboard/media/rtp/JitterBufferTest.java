package dev.switchboard.media.rtp;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

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
        assertThat(put(10, 1)).as("a copy of a frame already played").isEqualTo(JitterBuffer.Insert.DUPLICATE);
        assertThat(put(9, 1)).isEqualTo(JitterBuffer.Insert.LATE);
    }

    @Test
    void afterATalkSpurtEndsTheNextPlaysFromItsFirstFrameButAStragglerOfTheLastIsLate() {
        put(10, 1);
        put(11, 1);
        assertThat(pop()).isEqualTo(10);
        assertThat(pop()).isEqualTo(11);
        for (int i = 0; i <= JitterBuffer.MAX_CONCEAL; i++) {
            jb.pop(out); // concealment, then playout stops
        }
        assertThat(jb.playing()).isFalse();
        assertThat(put(9, 1)).as("older than a frame already played").isEqualTo(JitterBuffer.Insert.LATE);
        assertThat(put(11, 1)).as("played already").isEqualTo(JitterBuffer.Insert.DUPLICATE);
        assertThat(put(12, 1)).as("a sender that paused goes on from the next number").isEqualTo(JitterBuffer.Insert.ACCEPTED);
        put(13, 1);
        assertThat(pop()).isEqualTo(12);
        assertThat(pop()).isEqualTo(13);
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
        assertThat(put(65535, 1)).as("played already").isEqualTo(JitterBuffer.Insert.DUPLICATE);
        assertThat(put(65533, 1)).isEqualTo(JitterBuffer.Insert.LATE);
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
        assertThat(jb.restartDiscards()).as("101 was never played: counted").isEqualTo(1);
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
        assertThat(jb.restartDiscards()).isEqualTo(1);
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

    @Test
    void aStragglerOfTheStreamBeforeARestartDoesNotRestartItAgain() {
        put(10, 1);
        put(11, 1);
        assertThat(pop()).isEqualTo(10);
        put(5000, 2); // the sender switched to a new SSRC (11 is discarded)
        put(5001, 2);
        assertThat(put(12, 1)).as("a packet of the old SSRC, reordered across the switch").isEqualTo(JitterBuffer.Insert.LATE);
        assertThat(jb.restartDiscards()).isEqualTo(1);
        assertThat(pop()).isEqualTo(5000);
        assertThat(pop()).isEqualTo(5001);
        put(30_000, 2); // a jump: the stream restarts with the same SSRC
        put(30_001, 2);
        assertThat(put(5002, 2)).as("a straggler of the numbers before the jump").isEqualTo(JitterBuffer.Insert.LATE);
        for (int i = 0; i < JitterBuffer.STRAGGLER_TICKS; i++) {
            jb.pop(out);
        }
        assertThat(put(5003, 2)).as("the numbers before the jump, 200 ms on: the sender went back to them")
                .isEqualTo(JitterBuffer.Insert.ACCEPTED);
    }

    @Test
    void aDelayThatOutgrewTheJitterIsWonBackWithinADepthWindow() {
        int seq = 0;
        put(seq++, 1);
        put(seq++, 1);
        for (int i = 0; i < 6; i++) {
            put(seq++, 1); // a backlog: six frames more than the prefill wait
        }
        int first = pop();
        int last = first;
        for (int tick = 1; tick < 3 * JitterBuffer.DEPTH_WINDOW; tick++) {
            put(seq++, 1); // then one frame a tick, as sent
            last = pop();
        }
        assertThat(seq - 1 - last).as("frames between the newest received and the one playing")
                .isLessThanOrEqualTo(JitterBuffer.PREFILL);
        assertThat(jb.trimmed()).isEqualTo(6);
    }

    @Test
    void aSenderWhoseClockRunsFastDoesNotAddDelay() {
        int seq = 0;
        put(seq++, 1);
        put(seq++, 1);
        int last = pop();
        for (int tick = 1; tick < 2000; tick++) {
            put(seq++, 1);
            if (tick % 200 == 0) {
                put(seq++, 1); // 0.5 % fast: one frame more every 200 ticks
            }
            last = pop();
        }
        assertThat(seq - 1 - last).isLessThanOrEqualTo(JitterBuffer.PREFILL);
        assertThat(jb.trimmed()).as("the extra frames").isBetween(8L, 10L);
    }

    @Test
    void aSpurtAfterAGapStartsOnItsFirstFrameNotOnTheNumbersLostBeforeIt() {
        put(10, 1);
        put(11, 1);
        assertThat(pop()).isEqualTo(10);
        assertThat(pop()).isEqualTo(11);
        for (int i = 0; i <= JitterBuffer.MAX_CONCEAL; i++) {
            jb.pop(out);
        }
        put(111, 1); // 100 numbers on (two seconds lost, e.g. from another port the leg did not take yet)
        put(112, 1);
        assertThat(pop()).as("not 15 ticks of nothing first").isEqualTo(111);
        assertThat(pop()).isEqualTo(112);
    }

    @Test
    void afterAnUnmuteNothingSentBeforeOrDuringTheMutePlays() {
        put(10, 1);
        put(11, 1);
        assertThat(pop()).isEqualTo(10);
        put(12, 1);
        jb.clear(); // the mute: 11 and 12 are discarded
        jb.refuse(14, 1); // refused while muted; 13 is late
        jb.refuse(15, 1);
        jb.clearForUnmute();
        assertThat(put(13, 1)).as("said while muted, arriving after the unmute").isEqualTo(JitterBuffer.Insert.LATE);
        assertThat(put(12, 1)).isEqualTo(JitterBuffer.Insert.LATE);
        assertThat(put(15, 1)).isEqualTo(JitterBuffer.Insert.LATE);
        assertThat(put(16, 1)).isEqualTo(JitterBuffer.Insert.ACCEPTED);
        assertThat(pop()).as("the unmute is heard from its first frame").isEqualTo(16);
        assertThat(put(5000, 2)).as("a new stream starts afresh").isEqualTo(JitterBuffer.Insert.ACCEPTED);
    }

    /**
     * Seeded random streams: reordering, duplicates, losses, bursts past the window, sequence wrap, new SSRCs, big
     * sequence jumps, payloads too large, mutes ({@code clear}), unmutes, pops at any rate. Every frame the buffer
     * accepted must be played exactly once, or counted (trimmed, discarded at a restart, returned by a clear), or still
     * be buffered at the end; nothing refused is ever played; frames play in the order of their stream.
     * {@code -Dfuzz.seed=N} replays a failure.
     */
    @Test
    void everyAcceptedFrameIsPlayedOnceOrCounted() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        JitterBuffer buffer = new JitterBuffer(480);
        byte[] played = new byte[480];
        Set<Integer> accepted = new HashSet<>();
        Set<Integer> seen = new HashSet<>();
        long cleared = 0;
        long lastOrder = Long.MIN_VALUE;
        int epoch = 0;
        long position = random.nextInt(65_536); // the stream's logical position: sequence = position mod 2^16
        int ssrc = random.nextInt();
        for (int id = 0; id < 200_000; id++) {
            int roll = random.nextInt(1000);
            if (roll < 4) {
                ssrc = random.nextInt(); // the sender restarts its stream
                epoch++;
            } else if (roll < 8) {
                position += random.nextInt(300, 32_000); // a jump the buffer must take as a restart
                epoch++;
            } else if (roll < 12) {
                cleared += buffer.clear(); // a mute: the buffer forgets the stream, as at a restart
                epoch++;
            } else if (roll < 16) {
                cleared += buffer.clearForUnmute();
                epoch++;
            } else if (roll < 18) {
                buffer.refuse((int) (position++ & 0xFFFF), ssrc); // refused while muted: never played later
            } else if (roll < 20) {
                position += random.nextInt(17, 60); // a burst of loss, longer than the window
            }
            long at = roll < 300 ? position - random.nextInt(0, 12) : position++; // late, reordered or duplicated
            int length = random.nextInt(100) == 0 ? 481 : 12;
            ByteBuffer frame = ByteBuffer.allocate(length).putInt(id).putInt(epoch).putInt((int) at);
            JitterBuffer.Insert result = buffer.insert((int) (at & 0xFFFF), ssrc, frame.array(), 0, length);
            if (result == JitterBuffer.Insert.ACCEPTED) {
                accepted.add(id);
            }
            if (length > 480 != (result == JitterBuffer.Insert.TOO_LARGE)) {
                fail("seed %d: frame %d of %d bytes: %s", seed, id, length, result);
            }
            int pops = random.nextInt(100) < 90 ? 1 : random.nextInt(0, 4);
            for (int p = 0; p < pops; p++) {
                int n = buffer.pop(played);
                if (n >= 0) {
                    ByteBuffer got = ByteBuffer.wrap(played);
                    int playedId = got.getInt();
                    long order = ((long) got.getInt() << 40) + (got.getInt() & 0xFFFF_FFFFL);
                    if (!accepted.contains(playedId) || !seen.add(playedId) || order <= lastOrder) {
                        fail("seed %d: frame %d played but %s", seed, playedId, !accepted.contains(playedId)
                                ? "never accepted" : order <= lastOrder ? "out of its stream's order" : "twice");
                    }
                    lastOrder = order;
                }
            }
        }
        long accounted = seen.size() + buffer.trimmed() + buffer.restartDiscards() + cleared + buffer.buffered();
        assertThat(accounted).as("seed %d: played %d, trimmed %d, restarted %d, cleared %d, buffered %d", seed, seen.size(),
                buffer.trimmed(), buffer.restartDiscards(), cleared, buffer.buffered()).isEqualTo(accepted.size());
        assertThat(seen.size()).as("seed %d: most frames play", seed).isGreaterThan(accepted.size() / 2);
        assertThat(buffer.restartDiscards()).as("seed %d: restarts happened with frames buffered", seed).isPositive();
    }
}
