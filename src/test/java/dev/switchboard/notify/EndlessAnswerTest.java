package dev.switchboard.notify;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.switchboard.notify.Notifications.fast;
import static dev.switchboard.notify.Notifications.roster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bots whose answer to a notification POST is a {@code 200} whose body never ends: one trickles a byte now and then,
 * one pours bytes as fast as it can. The status decides the outcome, so each POST is delivered with its headers,
 * the call's next notification goes, and the notifier cuts the endless body off (after the request timeout, or past
 * {@link AnswerBody#MAX_BYTES}) instead of reading it for good. Before {@link AnswerBody}, the first answer held its
 * call's chain forever: the second notification was never sent.
 */
class EndlessAnswerTest {
    @Test
    void aBodyThatTricklesForeverNeitherHoldsTheCallsNextNotificationNorItsConnection() throws Exception {
        endless(false);
    }

    @Test
    void aBodyThatPoursForeverIsCutOffAndTheCallsNextNotificationStillGoes() throws Exception {
        endless(true);
    }

    private static void endless(boolean pour) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        AtomicInteger requests = new AtomicInteger();
        AtomicInteger cutOff = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread.ofVirtual().start(() -> answerForever(s, pour, requests, cutOff));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            URI callback = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/api/calls");
            try (WebhookNotifier notifier = new WebhookNotifier(fast().withMaxBatchSize(1), new RsaCallbackSigner(), meters)) {
                notifier.enqueue(roster("call-1", callback, 1));
                notifier.enqueue(roster("call-1", callback, 2));
                notifier.enqueue(roster("call-2", callback, 3));
                await().atMost(Duration.ofSeconds(20)).until(() -> Notifications.count(meters, "switchboard.notify.deliveries") == 3);
                assertThat(requests.get()).as("each POST sent once: a 200 is delivered with its headers").isEqualTo(3);
                await("the endless answers are cut off, not read for good").atMost(Duration.ofSeconds(30))
                        .until(() -> cutOff.get() == 3);
                assertThat(notifier.queueDepth()).isZero();
            }
        }
    }

    /** Reads one request, answers 200 with a chunked body that never ends; counts the client closing the connection. */
    private static void answerForever(Socket s, boolean pour, AtomicInteger requests, AtomicInteger cutOff) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.append((char) b);
            }
            int length = 0;
            for (String line : head.toString().split("\r\n")) {
                if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            in.readNBytes(length);
            requests.incrementAndGet();
            out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = pour ? chunk(8192) : "1\r\na\r\n".getBytes(StandardCharsets.US_ASCII);
            while (true) {
                out.write(chunk);
                out.flush();
                if (!pour) {
                    Thread.sleep(100);
                }
            }
        } catch (IOException e) {
            cutOff.incrementAndGet(); // the notifier closed the connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] chunk(int size) {
        byte[] data = new byte[size];
        Arrays.fill(data, (byte) 'x');
        byte[] head = (Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + size + 2];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(data, 0, out, head.length, size);
        out[out.length - 2] = '\r';
        out[out.length - 1] = '\n';
        return out;
    }
}
