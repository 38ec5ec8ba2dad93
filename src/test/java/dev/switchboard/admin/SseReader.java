package dev.switchboard.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A test client of the admin live feed ({@code text/event-stream}): collects every event it reads until closed. */
final class SseReader implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One event: its name, its data as sent (raw) and parsed. */
    record Event(String name, String raw, JsonNode data) {
    }

    private final List<Event> events = new ArrayList<>();
    private final InputStream body;
    private final Thread reader;
    final int status;

    SseReader(String baseUrl, String token, String callId) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/admin/v1/feed" + (callId == null ? "" : "?callId=" + callId)))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
        status = r.statusCode();
        body = r.body();
        reader = Thread.ofPlatform().daemon().name("sse-reader").start(this::read);
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String name = null;
            StringBuilder data = new StringBuilder();
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        Event e = new Event(name == null ? "message" : name, data.toString(), JSON.readTree(data.toString()));
                        synchronized (events) {
                            events.add(e);
                        }
                    }
                    name = null;
                    data.setLength(0);
                } else if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    /** Every event read so far, in order. */
    List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    List<Event> events(String name) {
        return events().stream().filter(e -> e.name().equals(name)).toList();
    }

    boolean any(String name, Predicate<JsonNode> test) {
        return events(name).stream().anyMatch(e -> test.test(e.data()));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        body.close();
        reader.join(5_000);
    }
}
