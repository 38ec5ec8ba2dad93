package dev.switchboard.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.ServerHttp;
import dev.switchboard.tools.Softphone;
import dev.switchboard.tools.ToneSource;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code /metrics} after a call in which a talking participant was server-muted. */
class MetricsTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aMutedCallShowsUpInEveryMetricFamily() throws Exception {
        // the bot outlives the server: the live call's last notifications arrive at once (not retried for the 10 s drain)
        try (CallbackReceiver bot = new CallbackReceiver(); TestServer server = TestServer.start();
             Softphone alicePhone = new Softphone("127.0.0.1", AudioCodec.PCMU, new ToneSource(660, AudioCodec.MIX_RATE))) {
            String token = Tokens.devBotToken(server.baseUrl());
            String callId = createGroupCall(server.baseUrl(), token, bot.url());
            ClientApi alice = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.aliceToken(server.baseUrl()));
            ClientApi.Joined joined = alice.join(callId, alicePhone.sdpOffer());
            alicePhone.start(joined.sdpAnswer());
            await().atMost(Duration.ofSeconds(10)).until(() -> counter(scrape(server), "switchboard_media_packets_in_total") > 10);
            assertThat(post(server.baseUrl() + "/v1.0/communications/calls/" + callId + "/participants/"
                    + joined.participantId() + "/mute", token).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    counter(scrape(server), "switchboard_media_dropped_packets_total\\{reason=\"server_muted\"}") >= 10);
            await().atMost(Duration.ofSeconds(10)).until(() -> counter(scrape(server), "switchboard_notify_deliveries_total") >= 3);

            String m = scrape(server);
            assertThat(counter(m, "switchboard_calls_active")).isEqualTo(1);
            assertThat(counter(m, "switchboard_media_legs")).isEqualTo(2); // alice, and the service-hosted bot's server-side leg
            assertThat(counter(m, "switchboard_media_packets_out_total")).isPositive();
            assertThat(counter(m, "switchboard_media_mixed_after_mute_total")).isZero();
            assertThat(m).contains("switchboard_media_mixer_tick_seconds_bucket{")
                    .contains("switchboard_media_mixer_late_ticks_total")
                    .contains("switchboard_notify_retries_total").contains("switchboard_notify_giveups_total")
                    .contains("switchboard_notify_queue_depth")
                    .containsPattern("http_server_requests_seconds_count\\{[^}]*route=\"/v1.0/communications/calls/\\{callId}/participants/\\{participantId}/mute\"[^}]*status=\"200\"")
                    .contains("jvm_memory_used_bytes").contains("jvm_threads_live_threads");
            assertThat(counter(m, "switchboard_media_dropped_packets_total\\{reason=\"malformed\"}")).isZero();
            assertHistogramsAreSmall(m);
        }
    }

    /**
     * Histograms keep a handful of buckets per series (a percentile histogram has ~70, which made {@code /metrics}
     * 180 KB), and the buckets the objectives are judged by are there.
     */
    @Test
    void histogramsKeepAFewBucketsEachAndTheScrapeStaysSmall() throws Exception {
        try (CallbackReceiver bot = new CallbackReceiver(); TestServer server = TestServer.start()) {
            String token = Tokens.devBotToken(server.baseUrl());
            String callId = createGroupCall(server.baseUrl(), token, bot.url());
            String call = server.baseUrl() + "/v1.0/communications/calls/" + callId;
            for (String suffix : new String[] {"/mute", "/unmute", "/keepAlive", "/playPrompt", "/nothing", ""}) {
                post(call + suffix, token);
            }
            post(server.baseUrl() + "/v1.0/communications/calls/no-such-call/mute", token);
            post(call + "/mute", "not-a-token");
            await().atMost(Duration.ofSeconds(10)).until(() -> counter(scrape(server), "switchboard_notify_deliveries_total") >= 1);

            String m = scrape(server);
            assertHistogramsAreSmall(m);
            assertThat(m.length()).as("bytes of /metrics").isLessThan(48 * 1024);
            assertThat(m).contains("http_server_requests_seconds_bucket{method=\"POST\",route=\"/v1.0/communications/calls/{callId}/mute\",status=\"200\",le=\"0.01\"}")
                    .containsPattern("switchboard_notify_delivery_latency_seconds_bucket\\{le=\"0\\.05\"}")
                    .containsPattern("switchboard_media_mixer_tick_seconds_bucket\\{le=\"0\\.02\"}")
                    .contains("http_server_requests_seconds_count{").contains("http_server_requests_seconds_sum{");
        }
    }

    /** A request line's method is the client's choice: ones HTTP does not define share one series, {@code other}. */
    @Test
    void madeUpMethodsDoNotGrowTheRequestSeries() throws Exception {
        try (TestServer server = TestServer.start()) {
            for (int i = 0; i < 30; i++) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + (i % 2 == 0 ? "/metrics" : "/nope")))
                        .method("GUESS" + i, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isBetween(400, 499);
            }
            String m = scrape(server);
            assertThat(m).doesNotContain("method=\"GUESS");
            double other = 0;
            Matcher counts = Pattern.compile("(?m)^http_server_requests_seconds_count\\{method=\"other\",[^}]*} ([0-9.]+)$").matcher(m);
            while (counts.find()) {
                other += Double.parseDouble(counts.group(1));
            }
            assertThat(other).as("every made-up method counted, as other").isEqualTo(30);
        }
    }

    @Test
    void jvmGarbageCollectionIsMeasured() throws Exception {
        try (TestServer server = TestServer.start()) {
            String m = scrape(server);
            assertThat(m).contains("jvm_gc_memory_allocated_bytes_total").contains("jvm_gc_max_data_size_bytes")
                    .contains("jvm_gc_live_data_size_bytes").contains("jvm_gc_overhead").contains("jvm_memory_usage_after_gc");
            System.gc();
            await().atMost(Duration.ofSeconds(20)).until(() -> scrape(server).contains("jvm_gc_pause_seconds_count{"));
        }
    }

    /** At most 10 bucket lines ({@code le} values, +Inf included) per histogram series. */
    static void assertHistogramsAreSmall(String metrics) {
        java.util.Map<String, Integer> buckets = new java.util.HashMap<>();
        for (String line : metrics.split("\n")) {
            if (line.contains("_bucket{")) {
                buckets.merge(line.substring(0, line.lastIndexOf(' ')).replaceAll("le=\"[^\"]*\",?", ""), 1, Integer::sum);
            }
        }
        assertThat(buckets).isNotEmpty();
        assertThat(buckets).allSatisfy((series, count) -> assertThat(count).as(series).isLessThanOrEqualTo(10));
    }

    static String createGroupCall(String baseUrl, String token, String callbackUri) throws Exception {
        String body = """
                {"callbackUri":"%s","requestedModalities":["audio"],
                 "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},
                 "targets":[{"identity":{"user":{"id":"%s"}}},{"identity":{"user":{"id":"%s"}}}]}"""
                .formatted(callbackUri, DevIdentities.ALICE_ID, DevIdentities.BOB_ID);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1.0/communications/calls"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return new ObjectMapper().readTree(r.body()).get("id").asText();
    }

    static HttpResponse<String> post(String url, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String scrape(TestServer server) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    static double counter(String metrics, String nameAndLabels) {
        Matcher m = Pattern.compile("(?m)^" + nameAndLabels + "(?:\\{[^}]*})? ([0-9.eE+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
