package dev.switchboard.notify;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class SharedBodyPublisherTest {

    /** What a raw socket receiver read: the request head (as text) and the body. */
    private record Wire(String head, byte[] body) {
    }

    /** One HTTP/1.1 request read off a raw socket (head up to the blank line, then Content-Length bytes), answered 200. */
    private static Wire readOne(ServerSocket server) throws Exception {
        try (Socket s = server.accept()) {
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                assertThat(b).isNotNegative();
                head.write(b);
                matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            int length = -1;
            for (String line : text.split("\r\n")) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            assertThat(length).as("a Content-Length header: " + text).isNotNegative();
            byte[] body = in.readNBytes(length);
            OutputStream out = s.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new Wire(text, body);
        }
    }

    private static Wire post(HttpRequest.BodyPublisher publisher) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            CompletableFuture<Wire> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return readOne(server);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/cb"))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json").POST(publisher).build();
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            assertThat(response.statusCode()).isEqualTo(200);
            return read.get(10, TimeUnit.SECONDS);
        }
    }

    private static byte[] randomBody(int length) {
        byte[] b = new byte[length];
        new Random(length).nextBytes(b);
        return b;
    }

    @Test
    void theBytesOnTheWireAreThoseOfTheJdksByteArrayPublisherWithTheSameContentLength() throws Exception {
        for (int length : new int[] {0, 1, SharedBodyPublisher.SLICE, SharedBodyPublisher.SLICE + 1, 250_123}) {
            byte[] body = randomBody(length);
            byte[] kept = body.clone();
            Wire shared = post(new SharedBodyPublisher(body));
            Wire jdk = post(HttpRequest.BodyPublishers.ofByteArray(body));
            assertThat(shared.body()).as("length %d", length).isEqualTo(body).isEqualTo(jdk.body());
            assertThat(shared.head().toLowerCase(java.util.Locale.ROOT)).contains("content-length: " + length)
                    .doesNotContain("transfer-encoding");
            assertThat(shared.head().replaceAll("Host: [^\\r]*", "Host: h")).as("the same head but for the port")
                    .isEqualTo(jdk.head().replaceAll("Host: [^\\r]*", "Host: h"));
            assertThat(body).as("the shared array is never written").isEqualTo(kept);
        }
    }

    /** A subscriber that asks for one slice at a time, from inside onNext (re-entrant), and records what it got. */
    private static final class OneAtATime implements Flow.Subscriber<ByteBuffer> {
        final List<ByteBuffer> slices = new ArrayList<>();
        Flow.Subscription subscription;
        boolean complete;
        Throwable error;
        int stopAfter = Integer.MAX_VALUE;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(ByteBuffer item) {
            slices.add(item);
            if (slices.size() == stopAfter) {
                subscription.cancel();
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable t) {
            error = t;
        }

        @Override
        public void onComplete() {
            complete = true;
        }

        byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (ByteBuffer b : slices) {
                byte[] a = new byte[b.remaining()];
                b.duplicate().get(a);
                out.writeBytes(a);
            }
            return out.toByteArray();
        }
    }

    @Test
    void eachSubscriptionStartsAtTheFirstByteHonoursDemandAndCancelAndHandsOutReadOnlySlices() {
        byte[] body = randomBody(3 * SharedBodyPublisher.SLICE + 5);
        SharedBodyPublisher publisher = new SharedBodyPublisher(body);
        assertThat(publisher.contentLength()).isEqualTo(body.length);
        for (int round = 0; round < 2; round++) { // a retry subscribes again
            OneAtATime s = new OneAtATime();
            publisher.subscribe(s);
            assertThat(s.complete).isTrue();
            assertThat(s.error).isNull();
            assertThat(s.bytes()).isEqualTo(body);
            assertThat(s.slices).hasSize(4).allSatisfy(b -> assertThat(b.isReadOnly()).isTrue());
        }
        OneAtATime cancelling = new OneAtATime();
        cancelling.stopAfter = 2;
        publisher.subscribe(cancelling);
        assertThat(cancelling.slices).hasSize(2);
        assertThat(cancelling.complete).isFalse();

        List<Object> signals = new ArrayList<>();
        publisher.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(0);
            }

            @Override
            public void onNext(ByteBuffer item) {
                signals.add(item);
            }

            @Override
            public void onError(Throwable t) {
                signals.add(t);
            }

            @Override
            public void onComplete() {
                signals.add("complete");
            }
        });
        assertThat(signals).singleElement().isInstanceOf(IllegalArgumentException.class);
    }
}
