package dev.switchboard.testsupport;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands out disjoint UDP port ranges to the servers a test JVM starts, beginning at a random offset so
 * that two JVMs on the machine rarely collide; the media engine skips ports that are taken anyway.
 */
public final class MediaPorts {
    private static final int LOW = 32000;
    private static final int HIGH = 60000;
    private static final AtomicInteger NEXT = new AtomicInteger(LOW + 2 * ThreadLocalRandom.current().nextInt(0, 6000));

    private MediaPorts() {
    }

    /** @return {low, high}, an even-aligned range of {@code size} ports */
    public static int[] nextRange(int size) {
        int low = NEXT.getAndAdd(size);
        if (low + size > HIGH) {
            NEXT.set(LOW + size);
            low = LOW;
        }
        return new int[] {low, low + size - 1};
    }
}
