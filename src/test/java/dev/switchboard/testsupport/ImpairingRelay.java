package dev.switchboard.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * A UDP relay between a talker and the server that impairs what it forwards as a bad network would, deterministically:
 * it holds datagrams (all of them: a delay spike; or every other one: reordering) and releases them later in the
 * order they came, and it can change the port it sends from (a NAT rebinding). Datagrams go to {@code 127.0.0.1:toPort}.
 */
public final class ImpairingRelay implements AutoCloseable {
    /** What happens to the next datagrams. */
    public enum Mode { FORWARD, HOLD_ALL, HOLD_EVERY_OTHER }

    private final DatagramSocket in;
    private volatile DatagramSocket out;
    private final int toPort;
    private final Deque<byte[]> held = new ArrayDeque<>();
    private volatile Mode mode = Mode.FORWARD;
    private volatile boolean running = true;
    private long received;
    private final Thread thread;

    public ImpairingRelay(int toPort) {
        this.toPort = toPort;
        try {
            this.in = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            this.in.setSoTimeout(100);
            this.out = newSocket();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        thread = Thread.ofPlatform().daemon(true).name("impairing-relay").start(this::run);
    }

    private static DatagramSocket newSocket() throws SocketException {
        return new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** The port talkers send to. */
    public int port() {
        return in.getLocalPort();
    }

    /** The port the relay's datagrams come from now. */
    public int sourcePort() {
        return out.getLocalPort();
    }

    public void mode(Mode next) {
        mode = next;
    }

    /** Sends everything held, oldest first, now. */
    public synchronized void releaseHeld() {
        while (!held.isEmpty()) {
            send(held.poll());
        }
    }

    /** Datagrams held now. */
    public synchronized int heldCount() {
        return held.size();
    }

    /** From now on datagrams leave from another port, as after a NAT rebinding. */
    public void rebind() {
        try {
            DatagramSocket old = out;
            out = newSocket();
            old.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void run() {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (running) {
            try {
                p.setLength(buf.length);
                in.receive(p);
            } catch (java.net.SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return;
            }
            byte[] d = Arrays.copyOf(buf, p.getLength());
            synchronized (this) {
                Mode m = mode;
                boolean hold = m == Mode.HOLD_ALL || m == Mode.HOLD_EVERY_OTHER && received % 2 == 0;
                received++;
                if (hold) {
                    held.add(d);
                } else {
                    send(d);
                }
            }
        }
    }

    private void send(byte[] d) {
        try {
            out.send(new DatagramPacket(d, d.length, InetAddress.getLoopbackAddress(), toPort));
        } catch (IOException e) {
            // closed by a rebinding in between: lost, as on a real network
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(1000);
        in.close();
        out.close();
    }
}
