package dev.switchboard.media;

import dev.switchboard.media.rtp.RtpPacket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The packet I/O thread: one NIO selector (epoll) over every leg's channel. One thread serves thousands
 * of legs without a thread (or virtual-thread park/unpark) per leg; per packet it only parses, filters and
 * copies into the leg's jitter buffer. Fairness: at most {@link #READS_PER_WAKEUP} datagrams are read from
 * one channel per selection round, so a flooding leg's excess stays in (and overflows) its own socket
 * buffer while every other ready leg is served. One reusable receive buffer; no allocation per packet
 * (the JDK caches the sender address when it repeats).
 *
 * <p>Threads and locks: docs/concurrency.md.
 */
final class PacketReceiver implements Runnable {
    static final int READS_PER_WAKEUP = 8;
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<RtpLeg> pending = new ConcurrentLinkedQueue<>();
    private final byte[] rx = new byte[2048];
    private final ByteBuffer rxBuffer = ByteBuffer.wrap(rx);
    private final RtpPacket packet = new RtpPacket();
    /** Bound once: a method reference written in the loop would be a new object per select. */
    private final java.util.function.Consumer<SelectionKey> onReadable = this::onReadable;
    private volatile boolean running = true;

    PacketReceiver(String name) {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        thread = Thread.ofPlatform().name(name).daemon(true).priority(Thread.MAX_PRIORITY).unstarted(this);
    }

    void start() {
        thread.start();
    }

    /** Starts receiving for a leg (on the packet thread, soon). Any thread. */
    void register(RtpLeg leg) {
        pending.add(leg);
        selector.wakeup();
    }

    void wakeup() {
        selector.wakeup();
    }

    @Override
    public void run() {
        while (running) {
            RtpLeg leg;
            while ((leg = pending.poll()) != null) {
                try {
                    if (!leg.isClosed()) {
                        leg.channel().register(selector, SelectionKey.OP_READ, leg);
                    }
                } catch (ClosedChannelException e) {
                    // closed before we got to it
                }
            }
            try {
                selector.select(onReadable, 1000);
            } catch (IOException | RuntimeException e) {
                // a selector failure must not kill media; the next round retries
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing channels are released by their owners
        }
    }

    private void onReadable(SelectionKey key) {
        RtpLeg leg = (RtpLeg) key.attachment();
        DatagramChannel channel = (DatagramChannel) key.channel();
        long now = System.nanoTime();
        for (int i = 0; i < READS_PER_WAKEUP; i++) {
            rxBuffer.clear();
            SocketAddress source;
            try {
                source = channel.receive(rxBuffer);
            } catch (IOException e) {
                return;
            }
            if (source == null) {
                return;
            }
            try {
                leg.onDatagram(rx, rxBuffer.position(), (InetSocketAddress) source, packet, now);
            } catch (RuntimeException e) {
                // unreachable by design (onDatagram validates everything); never let one packet stop the thread
            }
        }
    }

    void stop() {
        running = false;
        selector.wakeup();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
