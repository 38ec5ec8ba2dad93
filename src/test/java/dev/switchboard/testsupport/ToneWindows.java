package dev.switchboard.testsupport;

import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who hears which tone, packet by packet: the next packets a listener gets are each checked for the tones they must
 * carry (above {@value #PRESENT} dBFS) and must not (below {@value #ABSENT} dBFS). A tone that must be absent never
 * may be there. A tone that must be present may be missing only in a window where a talker's stream underran because
 * the machine starved a thread (a busy CI box): the caller's {@code underruns} count (late sends, packets too late to
 * play, late mixer ticks, concealed frames) grew across it. Then a fresh window is checked, up to {@value #WINDOWS}
 * times; a missing tone with no underrun fails at once. Tones sit on multiples of 50 Hz (whole cycles in a 20 ms
 * packet), so one tone's Goertzel level does not leak into another's.
 */
public final class ToneWindows {
    public static final double PRESENT = -30;
    public static final double ABSENT = -45;
    private static final int WINDOWS = 5;

    private ToneWindows() {
    }

    /**
     * @param underruns what the server and the talkers counted that can make a stream underrun; it only grows
     */
    public static void expect(RtpPeer listener, int count, double[] present, double[] absent, LongSupplier underruns) {
        AssertionError missing = null;
        for (int window = 0; window < WINDOWS; window++) {
            long before = underruns.getAsLong();
            sleep(300); // a stall that began just before the window is counted after `before`
            missing = window(listener, count, present, absent);
            if (missing == null) {
                return;
            }
            if (underruns.getAsLong() == before) {
                throw missing;
            }
        }
        throw missing;
    }

    /** The first packet missing a present tone, or null; a packet carrying an absent tone fails at once. */
    private static AssertionError window(RtpPeer listener, int count, double[] present, double[] absent) {
        listener.drain();
        AssertionError missing = null;
        for (int i = 0; i < count; i++) {
            RtpPeer.Packet p = listener.receive(10_000); // a starved machine may stall a stream for seconds
            assertThat(p).as("packet %d", i).isNotNull();
            for (double hz : absent) {
                assertThat(p.pcmuLevelDbfs(hz)).as("%s Hz in packet %d", hz, i).isLessThan(ABSENT);
            }
            for (double hz : present) {
                if (missing == null && p.pcmuLevelDbfs(hz) <= PRESENT) {
                    missing = new AssertionError(String.format("%s Hz in packet %d: %.1f dBFS, expected above %s", hz, i,
                            p.pcmuLevelDbfs(hz), PRESENT));
                }
            }
        }
        return missing;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
