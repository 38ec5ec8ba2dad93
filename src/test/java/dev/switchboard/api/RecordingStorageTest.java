package dev.switchboard.api;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.server.MemorySize;
import dev.switchboard.testsupport.Prometheus;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --recording-storage} reaches the recording store: with 1 MiB, a recordResponse that could record 120 s (3.8 MB)
 * is refused with 503 saying how full the store is, one of 30 s is accepted, and the metrics show the bound and what
 * is in use. (A recording that reaches the bound while it records: SpooledRecordingTest.)
 */
class RecordingStorageTest {

    @Test
    void theRecordingStorageSettingBoundsTheRecordingsAndTheMetricsShowIt() throws Exception {
        // the bot outlives the server: the live call's last notifications arrive at once (not retried for the 10 s drain)
        try (CallbackReceiver bot = new CallbackReceiver();
             TestServer server = TestServer.start(c -> c.withMedia(c.media().withRecordingStorage(new MemorySize(1 << 20))))) {
            String token = Tokens.devBotToken(server.baseUrl());
            GraphServiceClient graph = GraphSdk.client(server.baseUrl(), token);
            String callId = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID,
                    DevIdentities.BOB_ID)).getId();
            GraphHttp http = new GraphHttp(server.baseUrl());
            String record = "/v1.0/communications/calls/" + callId + "/recordResponse";

            HttpResponse<String> tooLong = http.post(record, token, "{\"maxRecordDurationInSeconds\":120}");
            assertThat(GraphHttp.graphError(tooLong, 503, "serviceNotAvailable").path("message").asText())
                    .startsWith("Recording storage is full: 0 of 1048576 bytes in use (recordings kept and being recorded),"
                            + " 3840044 more needed.");
            assertThat(tooLong.headers().firstValue("Retry-After")).isPresent();
            HttpResponse<String> fits = http.post(record, token, "{\"maxRecordDurationInSeconds\":30}");
            assertThat(fits.statusCode()).as(fits.body()).isEqualTo(200);

            assertThat(Prometheus.sample(server.baseUrl(), "switchboard_ivr_recordings_storage_limit_bytes")).isEqualTo(1 << 20);
            assertThat(Prometheus.sample(server.baseUrl(), "switchboard_ivr_recordings_storage_used_bytes")).isBetween(0L, 1L << 20);
            graph.communications().calls().byCallId(callId).delete();
        }
    }
}
