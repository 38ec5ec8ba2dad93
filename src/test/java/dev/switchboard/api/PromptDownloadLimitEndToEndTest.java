package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.Prompt;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.Prometheus;
import dev.switchboard.testsupport.StallingHttpServer;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server downloads at most 64 prompts at once (docs/ivr-media.md, "Prompts"): four playPrompts of 20 prompts each
 * against a media server that accepts and stalls open 64 connections, no more, and 16 downloads wait (the metrics say
 * so); as the media server answers, the waiting ones connect, and every prompt plays.
 */
class PromptDownloadLimitEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void eightyPromptsAgainstAStallingServerOpenSixtyFourConnectionsAndAllPlayOnceItAnswers() throws Exception {
        // the bot outlives the server: the live call's last notifications arrive at once (not retried for the 10 s drain)
        try (CallbackReceiver bot = new CallbackReceiver(); TestServer server = TestServer.start();
             StallingHttpServer media = new StallingHttpServer()) {
            GraphServiceClient graph = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
            String callId = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID,
                    DevIdentities.BOB_ID)).getId();
            List<String> operations = new ArrayList<>();
            for (int op = 0; op < 4; op++) {
                List<Prompt> twenty = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    twenty.add(GraphSdk.prompt(media.url("/p" + op + "-" + i + ".wav"), null));
                }
                operations.add(graph.communications().calls().byCallId(callId).playPrompt()
                        .post(IvrMediaEndToEndTest.play("op" + op, twenty.toArray(Prompt[]::new))).getId());
            }
            await().atMost(WAIT).until(() -> media.accepted() == 64
                    && Prometheus.sample(server.baseUrl(), "switchboard_ivr_prompt_downloads_waiting") == 16);
            Thread.sleep(500); // long enough for a 65th connection, were it made
            assertThat(media.accepted()).as("connections while every download stalls").isEqualTo(64);
            assertThat(Prometheus.sample(server.baseUrl(), "switchboard_ivr_prompt_downloads_in_flight")).isEqualTo(64);

            byte[] wav = PromptServer.toneWav(440, 0.02, 16000);
            for (int i = 0; i < 80; i++) {
                assertThat(media.answerOne(wav, 30)).as("download %d reached the media server", i).isTrue();
            }
            for (String op : operations) {
                JsonNode done = bot.awaitItem(i -> i.path("resourceUrl").asText().endsWith("/operations/" + op), WAIT)
                        .path("resourceData");
                assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("Completed");
            }
            assertThat(media.accepted()).isEqualTo(80);
            assertThat(media.mostOpen()).as("connections open at once, ever").isEqualTo(64);
            assertThat(Prometheus.sample(server.baseUrl(), "switchboard_ivr_prompt_downloads_in_flight")).isZero();
            assertThat(Prometheus.sample(server.baseUrl(), "switchboard_ivr_prompt_downloads_waiting")).isZero();
            assertThat(Prometheus.sample(server.baseUrl(), "switchboard_ivr_prompt_downloads_slot_timeouts_total")).isZero();
            graph.communications().calls().byCallId(callId).delete();
        }
    }
}
