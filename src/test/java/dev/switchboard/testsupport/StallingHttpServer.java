package dev.switchboard.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP server that accepts every connection, reads the request and then answers nothing until the test
 * says so: the media server a download bound is for. It counts what a client holds: connections accepted, those open
 * now (accepted, neither closed by the client nor answered: one stops counting as its answer starts) and the most
 * open at once.
 */
public final class StallingHttpServer implements AutoCloseable {
    private final ServerSocket socket;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger mostOpen = new AtomicInteger();
    private final BlockingQueue<Stalled> stalled = new LinkedBlockingQueue<>();
    private final java.util.Queue<Stalled> all = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final Thread acceptor;

    /** One stalled request; closed once, whoever closes it. */
    private final class Stalled {
        final Socket connection;
        final AtomicBoolean closed = new AtomicBoolean();

        Stalled(Socket connection) {
            this.connection = connection;
        }

        /**
         * No longer counted as open; once. Called before an answer is written: a client that has read the end of its
         * answer may open its next connection at once, and this one must not count by then.
         */
        void release() {
            if (closed.compareAndSet(false, true)) {
                open.decrementAndGet();
            }
        }

        void close() {
            release();
            try {
                connection.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    public StallingHttpServer() throws IOException {
        socket = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().start(this::acceptAll);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + socket.getLocalPort() + path;
    }

    public int accepted() {
        return accepted.get();
    }

    public int open() {
        return open.get();
    }

    public int mostOpen() {
        return mostOpen.get();
    }

    /**
     * Answers the oldest stalled request with {@code body} (200, {@code Connection: close}) and closes it, waiting up to
     * {@code seconds} for one; false if none came.
     */
    public boolean answerOne(byte[] body, int seconds) throws InterruptedException {
        Stalled s = stalled.poll(seconds, TimeUnit.SECONDS);
        if (s == null) {
            return false;
        }
        s.release();
        try {
            OutputStream out = s.connection.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: audio/wav\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            s.connection.shutdownOutput();
        } catch (IOException e) {
            // the client gave up first
        }
        s.close();
        return true;
    }

    private void acceptAll() {
        while (!socket.isClosed()) {
            Socket c;
            try {
                c = socket.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            Stalled s = new Stalled(c);
            all.add(s);
            Thread.ofVirtual().start(() -> stall(s));
        }
    }

    /** Reads the request head, offers it to be answered, then reads on until the client hangs up. */
    private void stall(Stalled s) {
        try {
            InputStream in = s.connection.getInputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    s.close();
                    return;
                }
                matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            stalled.add(s);
            while (in.read() >= 0) {
                // a GET has no body: anything more is ignored until the client closes
            }
        } catch (IOException e) {
            // closed by answerOne or by the client
        }
        s.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        acceptor.interrupt();
        all.forEach(Stalled::close);
    }
}
