package dev.switchboard.media;

import dev.switchboard.media.rtp.RtpPacket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The packet I/O thread: one NIO selector (epoll) over every leg's channel. One thread serves thousands
 * of legs without a thread (or virtual-thread park/unpark) per leg; per packet it only parses, filters and
 * copies into the leg's jitter buffer. Fairness: at most {@link #READS_PER_WAKEUP} datagrams are read from
 * one channel per selection round, so a flooding leg's excess stays in (and overflows) its own socket
 * buffer while every other ready leg is served. One reusable receive buffer; no allocation per packet
 * (the JDK caches the sender address when it repeats).
 *
 * <p>One read per wake-up for a paced leg: a leg that sends a packet every 20 ms has one datagram waiting when its
 * key is ready, and reading on until the socket is empty costs a second {@code recvfrom} that only answers
 * {@code EAGAIN}: as many system calls as packets. So a leg whose key was last ready more than {@link #BURST_GAP_NANOS}
 * ago gets one read; the selector is level-triggered, so a second datagram already waiting makes the very next select
 * return at once, and the leg's key is then "recently ready" and drained (up to {@link #READS_PER_WAKEUP}). A flooding
 * leg is always recently ready: it is read in batches of eight, as before.
 *
 * <p>Registering and closing legs never touch the selector from another thread: a request thread queues the leg
 * (or the channel to close) and rings a doorbell, a pipe whose read end is one more key of the selector, and this
 * thread registers and closes at its next round. {@link Selector#wakeup()} is not used for that: it takes the
 * selector's internal monitor, which this thread takes too after every wake-up, and a request thread is a virtual
 * thread. When that monitor was contended, its hand-off went through the virtual-thread scheduler and this thread
 * waited for a free carrier (up to 171 ms in a profile of 100 incoming calls/s: every leg's packets stalled
 * meanwhile). The doorbell rings once per batch (a flag), and nothing this thread locks is locked by anyone else.
 *
 * <p>Threads and locks: docs/concurrency.md.
 */
final class PacketReceiver implements Runnable {
    static final int READS_PER_WAKEUP = 8;
    /** A key ready again within this long of its last readiness is drained, not read once (a burst, a flood). */
    static final long BURST_GAP_NANOS = 2_000_000;
    /**
     * The longest wait in select: a safety net only (registrations and closes ring the doorbell, stop wakes the
     * selector), so a lost ring would cost a new leg at most this long instead of forever.
     */
    static final long SAFETY_NET_MILLIS = 1000;
    private final long selectMillis;
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<RtpLeg> pending = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<DatagramChannel> closing = new ConcurrentLinkedQueue<>();
    /** Written by any thread ({@link #ring}), read by this one: the doorbell's read end is a key of the selector. */
    private final Pipe doorbell;
    private final SelectionKey doorbellKey;
    /** True from a ring until this thread has taken the queues: later rings need no second byte. */
    private final AtomicBoolean rung = new AtomicBoolean();
    private final ByteBuffer drained = ByteBuffer.allocate(64);
    private final byte[] rx = new byte[2048];
    private final ByteBuffer rxBuffer = ByteBuffer.wrap(rx);
    private final RtpPacket packet = new RtpPacket();
    /** Bound once: a method reference written in the loop would be a new object per select. */
    private final java.util.function.Consumer<SelectionKey> onReadable = this::onReadable;
    private volatile boolean running = true;
    /** Reads that found the socket empty ({@code EAGAIN}); written by this thread only. */
    private volatile long emptyReads;

    /** @param selectMillis the longest wait in select, 0 for none (then only packets, rings and stop end it) */
    PacketReceiver(String name, long selectMillis) {
        this.selectMillis = selectMillis;
        try {
            selector = Selector.open();
            doorbell = Pipe.open();
            doorbell.sink().configureBlocking(false);
            doorbell.source().configureBlocking(false);
            doorbellKey = doorbell.source().register(selector, SelectionKey.OP_READ);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        thread = Thread.ofPlatform().name(name).daemon(true).priority(Thread.MAX_PRIORITY).unstarted(this);
    }

    void start() {
        thread.start();
    }

    /**
     * Starts receiving for a leg (on the packet thread, at its next round: at once when it is waiting in select).
     * Any thread; never blocks (a queue and, at most, a one-byte non-blocking pipe write).
     */
    void register(RtpLeg leg) {
        pending.add(leg);
        ring();
    }

    /**
     * Closes a released leg's channel. One this thread has registered is closed here, on the packet thread, which
     * cancels its key and frees its socket at its next select (closing it on the caller's thread would take the
     * selector's cancelled-key monitor). One never registered (the leg ended before this thread got to it) is
     * closed at once on the caller's thread: it has no key, and its socket is freed now. Any thread; never blocks.
     * After {@link #stop()} every channel is closed on the caller's thread.
     */
    void close(DatagramChannel channel) {
        if (!channel.isRegistered()) {
            closeQuietly(channel); // if this thread registers it meanwhile, the close cancels that key (rare)
            return;
        }
        closing.add(channel);
        if (running) {
            ring();
        } else {
            closeQueued();
        }
    }

    /** One byte into the doorbell unless one is already on its way (then this thread will see the queues anyway). */
    private void ring() {
        if (rung.compareAndSet(false, true)) {
            ByteBuffer one = ByteBuffer.allocate(1); // per registration, not per packet; the shared one would race
            try {
                doorbell.sink().write(one);
            } catch (IOException e) {
                // the pipe is closed: the receiver has stopped
            }
        }
    }

    @Override
    public void run() {
        while (running) {
            takeQueued();
            try {
                selector.select(onReadable, selectMillis);
            } catch (IOException | RuntimeException e) {
                // a selector failure must not kill media; the next round retries
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing channels are released by their owners
        }
        closeQuietly(doorbell.source());
        closeQuietly(doorbell.sink());
        closeQueued();
    }

    /** Packet thread: the registrations and closes queued since the last round. */
    private void takeQueued() {
        RtpLeg leg;
        while ((leg = pending.poll()) != null) {
            try {
                if (!leg.isClosed()) {
                    leg.channel().register(selector, SelectionKey.OP_READ, new Readiness(leg));
                }
            } catch (ClosedChannelException e) {
                // closed before we got to it
            }
        }
        closeQueued();
    }

    private void closeQueued() {
        DatagramChannel channel;
        while ((channel = closing.poll()) != null) {
            closeQuietly(channel);
        }
    }

    /** Packet thread: empties the doorbell, then lets the next ring write again; the queues are taken after this. */
    private void answerDoorbell() {
        try {
            int n;
            do {
                drained.clear();
                n = doorbell.source().read(drained);
            } while (n > 0);
        } catch (IOException e) {
            // closed: stopping
        }
        rung.set(false);
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to release beyond the descriptor, which close() frees either way
        }
    }

    private void onReadable(SelectionKey key) {
        if (key == doorbellKey) {
            answerDoorbell();
            return;
        }
        Readiness readiness = (Readiness) key.attachment();
        RtpLeg leg = readiness.leg;
        if (leg.isClosed()) {
            return; // released: its channel is closed at the top of the next round (queued before the ring)
        }
        DatagramChannel channel = (DatagramChannel) key.channel();
        long now = System.nanoTime();
        int reads = now - readiness.lastReadyNanos < BURST_GAP_NANOS ? READS_PER_WAKEUP : 1;
        readiness.lastReadyNanos = now;
        for (int i = 0; i < reads; i++) {
            rxBuffer.clear();
            SocketAddress source;
            try {
                source = channel.receive(rxBuffer);
            } catch (IOException e) {
                return;
            }
            if (source == null) {
                emptyReads++; // a single writer: no lost update
                return;
            }
            try {
                leg.onDatagram(rx, rxBuffer.position(), (InetSocketAddress) source, packet, now);
            } catch (RuntimeException e) {
                // unreachable by design (onDatagram validates everything); never let one packet stop the thread
            }
        }
    }

    /** Receives that found their socket empty: the system calls the one-read-when-paced rule saves. Any thread. */
    long emptyReads() {
        return emptyReads;
    }

    /** A registered leg and when its key was last ready; packet thread only. */
    private static final class Readiness {
        final RtpLeg leg;
        long lastReadyNanos;

        Readiness(RtpLeg leg) {
            this.leg = leg;
            this.lastReadyNanos = System.nanoTime() - BURST_GAP_NANOS; // the first wake-up reads once
        }
    }

    void stop() {
        running = false;
        selector.wakeup(); // once, at shutdown
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQueued();
    }
}
