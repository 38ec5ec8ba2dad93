package dev.switchboard.tools;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** A participant's view of the live roster: the roster WebSocket, each message parsed and kept. */
public final class RosterWatcher implements AutoCloseable {
    private final WebSocket socket;
    private final List<JsonNode> messages;
    private final CompletableFuture<String> ended;

    private RosterWatcher(WebSocket socket, List<JsonNode> messages, CompletableFuture<String> ended) {
        this.socket = socket;
        this.messages = messages;
        this.ended = ended;
    }

    /** Connects to a call's roster stream with a user token; {@code onMessage} sees each roster as it arrives. */
    public static RosterWatcher connect(HttpClient client, ClientApi api, String callId, Consumer<JsonNode> onMessage) {
        return open(client, api, api.rosterUri(callId), "roster stream", onMessage);
    }

    /**
     * Connects to the user's ring stream (docs/inbound-calls.md): {@code ringing}, {@code answered} and
     * {@code cancelled} messages for every call that rings this user.
     */
    public static RosterWatcher ringStream(HttpClient client, ClientApi api, Consumer<JsonNode> onMessage) {
        return open(client, api, api.ringUri(), "ring stream", onMessage);
    }

    private static RosterWatcher open(HttpClient client, ClientApi api, java.net.URI uri, String what,
                                      Consumer<JsonNode> onMessage) {
        List<JsonNode> sink = new CopyOnWriteArrayList<>();
        CompletableFuture<String> ended = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                ended.complete(statusCode == 1006 ? "cut without a close frame (1006)" // the server died
                        : "closed by the server (" + statusCode + (reason.isEmpty() ? "" : " " + reason) + ")");
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) { // e.g. the server died: no close frame (1006)
                ended.complete("cut without a close frame (" + error + ")");
            }

            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    JsonNode message = ServerHttp.json(partial.toString());
                    partial.setLength(0);
                    sink.add(message);
                    onMessage.accept(message);
                }
                webSocket.request(1);
                return null;
            }
        };
        try {
            WebSocket ws = client.newWebSocketBuilder()
                    .header("Authorization", "Bearer " + api.userToken())
                    .connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(uri, listener).get();
            return new RosterWatcher(ws, sink, ended);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof java.net.http.WebSocketHandshakeException refused) {
                java.net.http.HttpResponse<?> response = refused.getResponse();
                Object body = response.body();
                throw new ToolException(ToolException.REFUSED, "cannot open the " + what + ": the server answered "
                        + response.statusCode() + (body instanceof String text ? ": " + ServerHttp.errorMessage(text) : ""));
            }
            throw new ToolException(ToolException.UNAVAILABLE, "cannot open the " + what + ": " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException(ToolException.UNAVAILABLE, "interrupted");
        }
    }

    /** How the stream ended (closed by the server, or cut: the server went away), once it has; else null. */
    public String endedBy() {
        return ended.getNow(null);
    }

    public List<JsonNode> messages() {
        return List.copyOf(messages);
    }

    /** Waits for a roster message that matches. */
    public JsonNode await(Predicate<JsonNode> matches, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode m : messages) {
                if (matches.test(m)) {
                    return m;
                }
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("no matching roster message within " + timeout.toMillis() + " ms");
    }

    @Override
    public void close() {
        CompletableFuture<WebSocket> closing = socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        try {
            closing.get(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception ignored) {
            socket.abort();
        }
    }
}
