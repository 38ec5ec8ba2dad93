package dev.switchboard.media;

import dev.switchboard.error.SwitchboardException;
import dev.switchboard.error.ErrorCode;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.util.BitSet;

/**
 * Hands out UDP ports of {@code [low, high]}, round robin, skipping ports this engine holds and ports
 * another process has bound. Thread-safe; binding happens outside the lock.
 */
final class PortAllocator {
    private final InetAddress bindAddress;
    private final int low;
    private final int size;
    private final BitSet held;
    private int cursor;
    private int inUse;

    PortAllocator(InetAddress bindAddress, int low, int high) {
        this.bindAddress = bindAddress;
        this.low = low;
        this.size = high - low + 1;
        this.held = new BitSet(size);
    }

    /**
     * Opens a non-blocking channel bound to a free port of the range.
     *
     * @throws SwitchboardException SERVICE_UNAVAILABLE when every port is taken
     */
    DatagramChannel open() {
        for (int attempt = 0; attempt < size; attempt++) {
            int port = reserve();
            if (port < 0) {
                break;
            }
            DatagramChannel ch = null;
            try {
                ch = DatagramChannel.open(StandardProtocolFamily.INET);
                ch.bind(new InetSocketAddress(bindAddress, port));
                ch.configureBlocking(false);
                return ch;
            } catch (IOException e) {
                closeQuietly(ch);
                release(port);
            }
        }
        throw new SwitchboardException(ErrorCode.SERVICE_UNAVAILABLE,
                "No media port is free (range " + low + "-" + (low + size - 1) + ").");
    }

    private synchronized int reserve() {
        if (inUse >= size) {
            return -1;
        }
        int i = held.nextClearBit(cursor);
        if (i >= size) {
            i = held.nextClearBit(0);
        }
        held.set(i);
        inUse++;
        cursor = (i + 1) % size;
        return low + i;
    }

    synchronized void release(int port) {
        int i = port - low;
        if (i >= 0 && i < size && held.get(i)) {
            held.clear(i);
            inUse--;
        }
    }

    synchronized int inUse() {
        return inUse;
    }

    static void closeQuietly(DatagramChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to release beyond the descriptor, which close() frees either way
            }
        }
    }
}
