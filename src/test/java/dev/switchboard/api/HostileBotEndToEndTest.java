package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.ServerProcess;
import dev.switchboard.testsupport.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bot that pushes every bound at once against {@code serve} with the Dockerfile's JVM options ({@code -Xmx256m}):
 * calls that each keep the most a request may leave (16 KiB shown back, 256-character names and subject) until the
 * server refuses more, then operations in every call (recordings and plays of 20 prompts with 256-character client
 * contexts) until it refuses more. Every request is answered (201/200 or 429 naming the bound), the heap holds it all
 * (no {@code OutOfMemoryError}) and the server still answers. A server whose bounds did not add up within its heap
 * collected garbage without end here (a call could keep its 1 MiB body; 100 operations in each call).
 */
class HostileBotEndToEndTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES) // 30 s here; a heap past its bounds never ends
    void callsAndOperationsAtEveryBoundFitTheRecommendedHeap(@TempDir Path dir) throws Exception {
        try (PromptServer prompts = new PromptServer();
             ServerProcess serve = ServerProcess.start(ServerProcess.dockerfileJvmOptions(), dir.resolve("data"))) {
            prompts.put("/long.wav", PromptServer.toneWav(440, 120.0, 16000));
            String token = Tokens.devBotToken(serve.baseUrl());
            String calls = serve.baseUrl() + "/v1.0/communications/calls";
            String pad = "n".repeat(16 * 1024 - 1_000); // with the rest of what is shown back: just under 16 KiB
            String name = "a".repeat(256);
            String create = """
                    {"@odata.type":"#microsoft.graph.call","callbackUri":"http://127.0.0.1:9/cb","subject":"%s",
                     "requestedModalities":["audio"],
                     "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig","note":"%s"},
                     "targets":[{"identity":{"user":{"id":"%s","displayName":"%s"}}},
                                {"identity":{"user":{"id":"%s","displayName":"%s"}}}]}"""
                    .formatted(name, pad, DevIdentities.ALICE_ID, name, DevIdentities.BOB_ID, name);

            Map<Integer, AtomicInteger> created = new ConcurrentHashMap<>();
            List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
            List<String> refusals = java.util.Collections.synchronizedList(new ArrayList<>());
            try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
                boolean full = false;
                while (!full) { // batches until the server says it has its most calls
                    List<Future<?>> batch = new ArrayList<>();
                    for (int i = 0; i < 200; i++) {
                        batch.add(pool.submit(() -> {
                            HttpResponse<String> r = post(calls, token, create);
                            created.computeIfAbsent(r.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                            if (r.statusCode() == 201) {
                                ids.add(JSON.readTree(r.body()).path("id").asText());
                            } else {
                                refusals.add(r.body());
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : batch) {
                        f.get();
                    }
                    full = created.containsKey(429);
                    assertThat(ids.size()).as("calls created before any refusal").isLessThan(100_000);
                }
            }
            assertThat(created.keySet()).as("answers to creates").containsOnly(201, 429);
            assertThat(refusals).allSatisfy(b -> assertThat(b).contains("--max-calls"));

            String playBody = "{\"clientContext\":\"" + "c".repeat(256) + "\",\"prompts\":["
                    + String.join(",", java.util.Collections.nCopies(20, prompt(prompts.url("/long.wav")))) + "]}";
            String recordBody = "{\"clientContext\":\"" + "c".repeat(256) + "\",\"prompts\":["
                    + prompt(prompts.url("/long.wav")) + "],\"maxRecordDurationInSeconds\":120}";
            Map<Integer, AtomicInteger> operations = new ConcurrentHashMap<>();
            List<String> operationRefusals = java.util.Collections.synchronizedList(new ArrayList<>());
            try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
                List<Future<?>> all = new ArrayList<>();
                for (String id : ids) {
                    all.add(pool.submit(() -> {
                        for (int k = 0; k < 101; k++) { // until this call or the server is full
                            String action = k % 2 == 0 ? "/recordResponse" : "/playPrompt";
                            HttpResponse<String> r = post(calls + "/" + id + action, token, k % 2 == 0 ? recordBody : playBody);
                            operations.computeIfAbsent(r.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                            if (r.statusCode() == 429) {
                                operationRefusals.add(r.body());
                                break;
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : all) {
                    f.get();
                }
            }
            assertThat(operations.keySet()).as("answers to operations").containsOnly(200, 429);
            assertThat(operationRefusals).anySatisfy(b -> assertThat(b).contains("This server has"));
            assertThat(operations.get(200).get()).as("operations running across the server: about two per call")
                    .isBetween(ids.size(), 2 * ids.size() + 16);

            HttpResponse<String> one = HTTP.send(HttpRequest.newBuilder(URI.create(calls + "/" + ids.getLast()))
                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(one.statusCode()).as("the server still answers").isEqualTo(200);
            JsonNode shown = JSON.readTree(one.body());
            assertThat(shown.path("mediaConfig").path("note").asText()).isEqualTo(pad);
            assertThat(serve.output()).as("the server's output").noneMatch(l -> l.contains("OutOfMemoryError"));
        }
    }

    private static String prompt(String uri) {
        return "{\"@odata.type\":\"#microsoft.graph.mediaPrompt\",\"mediaInfo\":{\"uri\":\"" + uri
                + "\",\"resourceId\":\"long\"}}";
    }

    private static HttpResponse<String> post(String url, String token, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
