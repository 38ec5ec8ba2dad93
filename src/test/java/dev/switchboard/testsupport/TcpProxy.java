package dev.switchboard.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy for tests that need the network between a client and the server to fail: it listens on a port
 * of its own from construction (so a server can be started with it as its public URL), forwards each connection to
 * the target set by {@link #forwardTo}, and {@link #cut} drops the connections whose first line starts with a given
 * prefix (e.g. the WebSocket upgrade of a roster stream) as a network blip would: no close handshake, both sockets
 * closed. Threads: one accepting, two virtual threads per connection.
 */
public final class TcpProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private volatile int targetPort;

    public TcpProxy() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("tcp-proxy").start(this::accept);
    }

    /** The proxy's base URL, {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    public void forwardTo(int port) {
        this.targetPort = port;
    }

    /** Drops the open connections whose first request line starts with {@code firstLinePrefix}; returns how many. */
    public int cut(String firstLinePrefix) {
        int n = 0;
        for (Link link : links) {
            if (link.firstLine.startsWith(firstLinePrefix)) {
                link.close();
                n++;
            }
        }
        return n;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                Link link = new Link(client, server);
                Thread.ofVirtual().start(() -> link.pump(client, server, true));
                Thread.ofVirtual().start(() -> link.pump(server, client, false));
            } catch (IOException e) {
                // closed, or the target refused: the client sees its connection end
            }
        }
    }

    private final class Link {
        private final Socket client;
        private final Socket server;
        private volatile String firstLine = "";

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void pump(Socket from, Socket to, boolean request) {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    if (request && firstLine.isEmpty()) {
                        firstLine = new String(buf, 0, n, StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
                        links.add(this);
                    }
                    out.write(buf, 0, n);
                }
            } catch (IOException e) {
                // cut, or one side closed
            }
            close();
        }

        void close() {
            links.remove(this);
            try {
                client.close();
                server.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        links.forEach(Link::close);
    }

    /** For failure messages: the first lines of the connections open now. */
    @Override
    public String toString() {
        return links.stream().map(l -> l.firstLine).toList().toString();
    }
}
