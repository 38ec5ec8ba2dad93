package dev.switchboard.media.webrtc;

import org.bouncycastle.tls.DatagramTransport;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The {@link DatagramTransport} Bouncy Castle's DTLS runs over: datagrams the port's demultiplexer routed to this
 * leg are {@link #offer offered} (copied: DTLS is the control path) and {@link #receive received} by the handshake
 * thread; sends go to an {@link Outbound}, which delivers them only to an address that passed an ICE check.
 * {@link #offer} and {@link #close} may be called from any thread; receive and send from the DTLS thread.
 */
public final class QueuedDatagramTransport implements DatagramTransport {
    /** Where DTLS records go: to the leg's checked remote address. */
    @FunctionalInterface
    public interface Outbound {
        /** @throws IOException if the datagram cannot be sent (no checked address, socket closed) */
        void send(byte[] buf, int off, int len) throws IOException;
    }

    /** Largest DTLS datagram this side sends: under the 1280-byte IPv6 minimum MTU with IP/UDP headers. */
    public static final int SEND_LIMIT = 1200;
    static final int RECEIVE_LIMIT = 1500;

    private final BlockingQueue<byte[]> inbound;
    private final Outbound outbound;
    private volatile boolean closed;

    public QueuedDatagramTransport(int capacity, Outbound outbound) {
        this.inbound = new ArrayBlockingQueue<>(capacity);
        this.outbound = outbound;
    }

    /** Queues a copy of a received datagram. @return false if the queue is full or the transport closed */
    public boolean offer(byte[] buf, int off, int len) {
        return !closed && inbound.offer(Arrays.copyOfRange(buf, off, off + len));
    }

    @Override
    public int getReceiveLimit() {
        return RECEIVE_LIMIT;
    }

    @Override
    public int getSendLimit() {
        return SEND_LIMIT;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) {
            throw new IOException("transport closed");
        }
        byte[] datagram;
        try {
            datagram = inbound.poll(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for DTLS");
        }
        if (datagram == null) {
            if (closed) {
                throw new IOException("transport closed");
            }
            return -1;
        }
        int n = Math.min(len, datagram.length);
        System.arraycopy(datagram, 0, buf, off, n);
        return n;
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("transport closed");
        }
        outbound.send(buf, off, len);
    }

    @Override
    public void close() {
        closed = true;
        inbound.clear();
    }
}
