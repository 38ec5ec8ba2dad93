package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.Prometheus;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One tenant's bot whose webhook takes POSTs and never answers (a black hole) fills the server's budget of
 * undelivered notifications (10,000); another tenant's bot must still get every notification of its own calls, in
 * order. It used to get none: its calls' notifications were refused ({@code global_queue_full}) for as long as the
 * first tenant's backlog lasted (their TTL, 10 minutes).
 */
class TenantWebhookIsolationTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final int NOISY_CALLS = 42;        // 42 × 256 per call > the 10,000 in all
    private static final int CHANGES_PER_CALL = 258;  // fills a call's 256 before its first POST's 10 s timeout
    private static final int QUIET_CHANGES = 20;

    @Test
    void aTenantWhoseWebhookHangsCannotCrowdOutAnotherTenantsNotifications() throws Exception {
        try (HangingWebhook hanging = new HangingWebhook(); CallbackReceiver quiet = new CallbackReceiver()) {
            try (TestServer server = TestServer.start()) {
                GraphHttp http = new GraphHttp(server.baseUrl());
                String noisyToken = Tokens.devBotToken(server.baseUrl());
                String quietToken = Tokens.otherTenantBotToken(server.baseUrl());

                ExecutorService bots = Executors.newFixedThreadPool(4);
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < NOISY_CALLS; i++) {
                    done.add(bots.submit(() -> {
                        String callId = server.groupCall(hanging.url(), noisyToken);
                        for (int j = 0; j < CHANGES_PER_CALL; j++) {
                            recording(http, noisyToken, callId, j % 2 == 0);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                bots.shutdown();
                assertThat(Prometheus.sample(server.baseUrl(), "switchboard_notify_queue_depth"))
                        .as("the noisy tenant's backlog fills the server's budget, and no more").isEqualTo(10_000);

                String callId = server.groupCall(quiet.url(), quietToken);
                for (int j = 0; j < QUIET_CHANGES; j++) {
                    recording(http, quietToken, callId, j % 2 == 0);
                }
                await().atMost(WAIT).until(() -> rosters(quiet).size() == QUIET_CHANGES);
                List<String> statuses = new ArrayList<>();
                for (JsonNode roster : rosters(quiet)) {
                    statuses.add(botRecordingStatus(roster));
                }
                for (int j = 0; j < QUIET_CHANGES; j++) {
                    assertThat(statuses.get(j)).as("change %d, in order", j).isEqualTo(j % 2 == 0 ? "recording" : "notRecording");
                }
                List<Long> sequences = quiet.received().stream()
                        .map(r -> Long.parseLong(r.header("X-Switchboard-Sequence"))).toList();
                for (int i = 0; i < sequences.size(); i++) {
                    assertThat(sequences.get(i)).as("POST %d of the quiet bot: no gap, no reordering", i).isEqualTo(i + 1L);
                }
                assertThat(Prometheus.sample(server.baseUrl(), "switchboard_notify_queue_depth")).isLessThanOrEqualTo(10_000);
                hanging.answerEverything(); // the backlog drains, so the server's close need not wait out its 10 s
            }
        }
    }

    private static void recording(GraphHttp http, String token, String callId, boolean on) throws Exception {
        HttpResponse<String> r = http.post("/v1.0/communications/calls/" + callId + "/updateRecordingStatus", token,
                "{\"status\":\"" + (on ? "recording" : "notRecording") + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    /** The roster notifications received so far that carry a recording status of the bot, in arrival order. */
    private static List<JsonNode> rosters(CallbackReceiver receiver) {
        return receiver.items().stream()
                .filter(i -> i.path("resourceUrl").asText().endsWith("/participants"))
                .filter(i -> botRecordingStatus(i) != null)
                .toList();
    }

    private static String botRecordingStatus(JsonNode roster) {
        for (JsonNode p : roster.path("resourceData")) {
            JsonNode status = p.path("recordingInfo").path("recordingStatus");
            if (!status.isMissingNode()) {
                return status.asText();
            }
        }
        return null;
    }

    /** A webhook that reads each POST and answers nothing until {@link #answerEverything()}, then 200 to all. */
    private static final class HangingWebhook implements AutoCloseable {
        private final CountDownLatch release = new CountDownLatch(1);
        private final HttpServer server;

        HangingWebhook() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                try (exchange) {
                    exchange.getRequestBody().readAllBytes();
                    release.await();
                    exchange.sendResponseHeaders(200, -1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/callback";
        }

        void answerEverything() {
            release.countDown();
        }

        @Override
        public void close() {
            release.countDown();
            server.stop(0);
        }
    }
}
