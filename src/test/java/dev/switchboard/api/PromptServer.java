package dev.switchboard.api;

import com.sun.net.httpserver.HttpServer;
import dev.switchboard.media.ivr.RecordingStore;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP server holding the bots' prompt files: tone WAVs, a non-WAV body, a body larger than the server's
 * prompt limit, and 404 for anything else; {@code /chunked/x} serves {@code /x} without a Content-Length. Counts the
 * requests per path (to see the prompt cache at work).
 */
final class PromptServer implements AutoCloseable {
    private final HttpServer http;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

    PromptServer() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                if (path.equals("/huge.wav")) {
                    huge(exchange);
                    return;
                }
                if (path.startsWith("/moved/")) { // a CDN-style redirect to the file without the prefix
                    exchange.getResponseHeaders().add("Location", url(path.substring("/moved".length())));
                    exchange.sendResponseHeaders(302, -1);
                    return;
                }
                boolean chunked = path.startsWith("/chunked/"); // no Content-Length: the body in chunks
                byte[] body = files.get(chunked ? path.substring("/chunked".length()) : path);
                if (body == null) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                exchange.getResponseHeaders().add("Content-Type", path.endsWith(".wav") ? "audio/wav" : "text/plain");
                exchange.sendResponseHeaders(200, chunked ? 0 : body.length);
                exchange.getResponseBody().write(body);
            } catch (IOException e) {
                // the server under test may hang up (a body over its limit)
            }
        });
        http.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        http.start();
    }

    /** A 16-bit mono WAV of {@code hz} for {@code seconds} at {@code rate}, at about -12 dBFS. */
    static byte[] toneWav(int hz, double seconds, int rate) {
        short[] pcm = new short[(int) (seconds * rate)];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (short) Math.round(8000 * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return RecordingStore.wav(pcm, rate);
    }

    void put(String path, byte[] body) {
        files.put(path, body);
    }

    String url(String path) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + path;
    }

    int hits(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    /** A WAV header promising 64 MB, then zeros until the client hangs up (chunked: no length announced). */
    private static void huge(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        out.write(RecordingStore.wav(new short[0], 16000));
        byte[] zeros = new byte[64 * 1024];
        for (int i = 0; i < 1024; i++) {
            out.write(zeros);
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
