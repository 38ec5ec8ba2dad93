package dev.switchboard.bench;

import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpMethod;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * CPU per webhook POST of the JDK {@link java.net.http.HttpClient} against Jetty's {@link HttpClient} (issue 17): each
 * client sends POSTs shaped like the notifier's (a ~1.2 KB bearer token, the three Switchboard headers, a ~1 KB JSON
 * body) to a loopback keep-alive receiver, {@code --in-flight} at once (as the notifier's calls do), and the process
 * CPU time is divided by the POSTs sent. The receiver is a raw-socket HTTP/1.1 reader (a platform thread per
 * connection that answers 204), the same for both clients, so the difference between the two figures is the
 * clients'. Rounds alternate (jdk, jetty, jdk, jetty…) after a warm-up of each.
 *
 * <p>Usage: {@code WebhookClientCost [--posts 100000] [--in-flight 32] [--rounds 3]}
 */
public final class WebhookClientCost {
    private static final byte[] ANSWER = "HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) throws Exception {
        int posts = 100_000;
        int inFlight = 32;
        int rounds = 3;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--posts" -> posts = Integer.parseInt(args[i + 1]);
                case "--in-flight" -> inFlight = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        try (Receiver receiver = new Receiver()) {
            URI uri = URI.create("http://127.0.0.1:" + receiver.port() + "/callback");
            byte[] body = new byte[1000];
            Arrays.fill(body, (byte) 'x');
            body[0] = '{';
            body[body.length - 1] = '}';
            String token = "Bearer " + "e".repeat(1200);
            ExecutorService workers = Executors.newFixedThreadPool(2);
            java.net.http.HttpClient jdk = java.net.http.HttpClient.newBuilder()
                    .version(java.net.http.HttpClient.Version.HTTP_1_1)
                    .followRedirects(java.net.http.HttpClient.Redirect.NEVER)
                    .connectTimeout(Duration.ofSeconds(5)).executor(workers).build();
            HttpClient jetty = new HttpClient();
            jetty.setFollowRedirects(false);
            jetty.setConnectTimeout(5000);
            jetty.setExecutor(workers);
            jetty.setMaxConnectionsPerDestination(inFlight);
            jetty.start();
            Sender jdkSender = done -> jdk.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json").header("Authorization", token)
                            .header("X-Switchboard-Notification-Id", "0b6f4a8e-1c7d-4d2a-9b1e-2f3c4d5e6f70")
                            .header("X-Switchboard-Sequence", "12345")
                            .header("X-Switchboard-Signature", "t=1,v1=0123456789abcdef0123456789abcdef0123456789abcdef")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.discarding()).whenCompleteAsync((r, e) -> done.accept(e == null && r.statusCode() == 204), workers);
            Sender jettySender = done -> jetty.newRequest(uri).method(HttpMethod.POST).timeout(10, TimeUnit.SECONDS)
                    .headers(h -> h.put("Authorization", token)
                            .put("X-Switchboard-Notification-Id", "0b6f4a8e-1c7d-4d2a-9b1e-2f3c4d5e6f70")
                            .put("X-Switchboard-Sequence", "12345")
                            .put("X-Switchboard-Signature", "t=1,v1=0123456789abcdef0123456789abcdef0123456789abcdef"))
                    .body(new BytesRequestContent("application/json", body))
                    .send(result -> done.accept(result.isSucceeded() && result.getResponse().getStatus() == 204));
            run("jdk", jdkSender, posts / 4, inFlight, receiver); // warm-up
            run("jetty", jettySender, posts / 4, inFlight, receiver);
            for (int r = 0; r < rounds; r++) {
                report("jdk", run("jdk", jdkSender, posts, inFlight, receiver));
                report("jetty", run("jetty", jettySender, posts, inFlight, receiver));
            }
            jetty.stop();
            jdk.shutdownNow();
            workers.shutdownNow();
        }
    }

    interface Sender {
        void send(java.util.function.Consumer<Boolean> done);
    }

    record Round(int posts, long failed, long cpuNanos, long wallNanos, long receiverCpuNanos) {
    }

    private static void report(String name, Round r) {
        System.out.printf("%-5s %d POSTs in %.2f s (%.0f/s), failed %d: process CPU %.1f us per POST "
                        + "(receiver threads %.1f us, so the client side %.1f us)%n", name, r.posts, r.wallNanos / 1e9,
                r.posts / (r.wallNanos / 1e9), r.failed, r.cpuNanos / 1e3 / r.posts, r.receiverCpuNanos / 1e3 / r.posts,
                (r.cpuNanos - r.receiverCpuNanos) / 1e3 / r.posts);
    }

    private static Round run(String name, Sender sender, int posts, int inFlight, Receiver receiver) throws InterruptedException {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Semaphore window = new Semaphore(inFlight);
        CountDownLatch all = new CountDownLatch(posts);
        AtomicLong failed = new AtomicLong();
        long cpu0 = os.getProcessCpuTime();
        long recv0 = receiver.cpuNanos();
        long t0 = System.nanoTime();
        for (int i = 0; i < posts; i++) {
            window.acquire();
            sender.send(ok -> {
                if (!ok) {
                    failed.incrementAndGet();
                }
                window.release();
                all.countDown();
            });
        }
        if (!all.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + ": POSTs did not finish");
        }
        return new Round(posts, failed.get(), os.getProcessCpuTime() - cpu0, System.nanoTime() - t0,
                receiver.cpuNanos() - recv0);
    }

    /** A minimal keep-alive HTTP/1.1 receiver: reads each request's head and Content-Length body, answers 204. */
    static final class Receiver implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        private final java.util.List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();

        Receiver() throws IOException {
            Thread acceptor = Thread.ofPlatform().daemon().name("receiver-accept").start(this::accept);
            threads.add(acceptor);
        }

        int port() {
            return server.getLocalPort();
        }

        long cpuNanos() {
            var mx = ManagementFactory.getThreadMXBean();
            long sum = 0;
            for (Thread t : threads) {
                long c = mx.getThreadCpuTime(t.threadId());
                sum += Math.max(0, c);
            }
            return sum;
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    s.setTcpNoDelay(true);
                    threads.add(Thread.ofPlatform().daemon().name("receiver").start(() -> serve(s)));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static void serve(Socket s) {
            try (s; InputStream in = new BufferedInputStream(s.getInputStream(), 16 * 1024); OutputStream out = s.getOutputStream()) {
                StringBuilder line = new StringBuilder();
                while (true) {
                    int length = 0;
                    boolean any = false;
                    while (true) { // the head, line by line
                        line.setLength(0);
                        int c;
                        while ((c = in.read()) != -1 && c != '\n') {
                            if (c != '\r') {
                                line.append((char) c);
                            }
                        }
                        if (c == -1) {
                            return;
                        }
                        if (line.isEmpty()) {
                            if (any) {
                                break;
                            }
                            continue;
                        }
                        any = true;
                        if (line.length() > 15 && line.substring(0, 15).equalsIgnoreCase("content-length:")) {
                            length = Integer.parseInt(line.substring(15).trim());
                        }
                    }
                    in.skipNBytes(length);
                    out.write(ANSWER);
                    out.flush();
                }
            } catch (IOException e) {
                // the client closed the connection
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
