package dev.switchboard.testsupport;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands out disjoint UDP port ranges to the servers and peers a test JVM starts, beginning at a random offset so
 * that two JVMs on the machine rarely collide; the media engine skips ports that are taken anyway.
 *
 * <p>The ranges lie below the kernel's ephemeral ports ({@code /proc/sys/net/ipv4/ip_local_port_range}, 32768–60999 by
 * default): a port probed free and handed to an ffmpeg receiver could otherwise be taken, before ffmpeg binds it, by
 * any socket bound to port 0 meanwhile — an ffmpeg sender's own local port, for one ("bind failed: Address already in
 * use" in a CI run of {@code MuteEndToEndTest}).
 */
public final class MediaPorts {
    private static final int LOW = 12000;
    private static final int HIGH = belowEphemeral();
    private static final AtomicInteger NEXT =
            new AtomicInteger(LOW + 2 * ThreadLocalRandom.current().nextInt(0, (HIGH - LOW) / 4));

    private MediaPorts() {
    }

    /** The last port below the ephemeral range (32767 when it cannot be read); at least 10,000 ports above LOW. */
    private static int belowEphemeral() {
        try {
            String[] range = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .trim().split("\\s+");
            return Math.max(LOW + 10_000, Integer.parseInt(range[0]) - 1);
        } catch (java.io.IOException | RuntimeException e) {
            return 32767;
        }
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
