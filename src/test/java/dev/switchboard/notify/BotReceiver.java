package dev.switchboard.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A bot's callback endpoint on loopback (OkHttp MockWebServer). Answers with a replaceable function, serves a
 * JWKS at {@code /{tenant}/discovery/v2.0/keys}, and records every POST and which of them it answered 2xx.
 */
public final class BotReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final MockWebServer server = new MockWebServer();
    private final List<Received> all = new CopyOnWriteArrayList<>();
    private final List<Received> accepted = new CopyOnWriteArrayList<>();
    private volatile Function<Received, MockResponse> answer = r -> new MockResponse().setResponseCode(200);
    private volatile String jwks = "{\"keys\":[]}";

    /** One POST as the bot saw it. */
    public record Received(String path, String notificationId, long sequence, String authorization, String contentType,
                    byte[] body, long receivedNanos, String host, String signature) {
        /** The headers a {@link NotificationVerifier} reads, by name (any case); null for others. */
        public String header(String name) {
            return switch (name.toLowerCase(java.util.Locale.ROOT)) {
                case "authorization" -> authorization;
                case "x-switchboard-signature" -> signature;
                case "x-switchboard-notification-id" -> notificationId;
                case "x-switchboard-sequence" -> sequence < 0 ? null : Long.toString(sequence);
                default -> null;
            };
        }

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The single commsNotification item. */
        public JsonNode item() {
            return json().path("value").path(0);
        }

        /** Every notification item of the POST (a busy call's queue is delivered several to a POST). */
        public java.util.stream.Stream<JsonNode> items() {
            return json().path("value").valueStream();
        }

        /** The test's own marker of the first item. */
        int marker() {
            return item().path("testMarker").asInt(-1);
        }

        /** The test markers of every item, in order. */
        List<Integer> markers() {
            List<Integer> out = new java.util.ArrayList<>();
            json().path("value").forEach(i -> out.add(i.path("testMarker").asInt(-1)));
            return out;
        }
    }

    public BotReceiver() throws IOException {
        this(null);
    }

    /** A receiver that speaks https with the given server TLS socket factory (null: plain http). */
    BotReceiver(javax.net.ssl.SSLSocketFactory tls) throws IOException {
        if (tls != null) {
            server.useHttps(tls, false);
        }
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if ("GET".equals(request.getMethod()) && request.getPath() != null && request.getPath().endsWith("/keys")) {
                    return new MockResponse().setHeader("Content-Type", "application/json").setBody(jwks);
                }
                String seq = request.getHeader(WebhookNotifier.SEQUENCE_HEADER);
                Received r = new Received(request.getPath(), request.getHeader(WebhookNotifier.NOTIFICATION_ID_HEADER),
                        seq == null ? -1 : Long.parseLong(seq), request.getHeader("Authorization"),
                        request.getHeader("Content-Type"), request.getBody().readByteArray(), System.nanoTime(),
                        request.getHeader("Host"), request.getHeader(NotificationSignature.HEADER));
                all.add(r);
                MockResponse response = answer.apply(r);
                if (response.getStatus().contains(" 2")) {
                    accepted.add(r);
                }
                return response;
            }
        });
        server.start(java.net.InetAddress.getLoopbackAddress(), 0);
    }

    public void answer(Function<Received, MockResponse> f) {
        this.answer = f;
    }

    void serveJwks(String json) {
        this.jwks = json;
    }

    public URI uri(String path) {
        return server.url(path).uri();
    }

    public List<Received> all() {
        return List.copyOf(all);
    }

    public List<Received> accepted() {
        return List.copyOf(accepted);
    }

    /** The markers of every notification accepted (answered 2xx), in arrival order. */
    List<Integer> acceptedMarkers() {
        return accepted.stream().flatMap(r -> r.markers().stream()).toList();
    }

    public static MockResponse status(int code) {
        return new MockResponse().setResponseCode(code);
    }

    @Override
    public void close() throws IOException {
        server.shutdown();
    }
}
