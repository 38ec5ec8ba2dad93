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
        try (TestServer server = TestServer.start(); CallbackReceiver bot = new CallbackReceiver();
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
        }
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
