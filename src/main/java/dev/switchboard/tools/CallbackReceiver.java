package dev.switchboard.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A bot's webhook endpoint on loopback: accepts {@code commsNotifications} POSTs, keeps every one received
 * (body bytes, headers) and answers 200. Used by the demo and by tests as the real receiving side.
 */
public final class CallbackReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = ToolJson.JSON;

    /** One request as received. Header names are lower case. */
    public record Received(byte[] body, Map<String, String> headers, JsonNode json) {
        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile int status = 200;

    public CallbackReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "callback-receiver");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** The URL to give as {@code callbackUri}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/callback";
    }

    /** Makes the receiver answer every following request with this status (e.g. 503 to play a down bot). */
    public void answerWith(int httpStatus) {
        status = httpStatus;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Waits until a received notification item matches, returning it; fails after the timeout. */
    public JsonNode awaitItem(Predicate<JsonNode> matches, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (System.nanoTime() < deadline) {
            List<Received> now = received();
            for (; seen < now.size(); seen++) {
                JsonNode items = now.get(seen).json().path("value");
                for (JsonNode item : items) {
                    if (matches.test(item)) {
                        return item;
                    }
                }
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("no matching notification within " + timeout.toMillis() + " ms; received "
                + received.size() + " requests");
    }

    /** Drops what was received so far (a long-running caller's memory); returns how many requests it dropped. */
    public int forget() {
        int n = received.size();
        received.clear();
        return n;
    }

    /** All notification items received so far, in arrival order. */
    public List<JsonNode> items() {
        return received().stream().flatMap(r -> {
            List<JsonNode> list = new java.util.ArrayList<>();
            r.json().path("value").forEach(list::add);
            return list.stream();
        }).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            Map<String, String> headers = new java.util.HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
            int answer = status;
            if (answer / 100 == 2 && "POST".equals(exchange.getRequestMethod())) {
                JsonNode json;
                try {
                    json = JSON.readTree(body);
                } catch (IOException e) {
                    json = JSON.createObjectNode();
                }
                received.add(new Received(body, Map.copyOf(headers), json));
            }
            exchange.sendResponseHeaders(answer, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
