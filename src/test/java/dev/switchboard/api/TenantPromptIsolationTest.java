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
 * The server downloads at most 64 prompts at once. One tenant's bot queues 100 prompts against a media server that
 * accepts and stalls: 64 hold the slots, 36 wait. Another tenant's bot then plays one prompt from a media server that
 * answers. When one slot frees, it must go to the other tenant's prompt, which plays while the first tenant's downloads
 * still stall. It used to go to the first tenant's oldest waiting download (one queue for all), so the other tenant's
 * prompt waited behind all 36 of them until the stalled downloads timed out, 15 s later. (Since slots are also taken
 * back from stalled downloads, the other tenant's prompt may get one before any frees: the outcome is the same.)
 */
class TenantPromptIsolationTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void aFreedDownloadSlotGoesToTheTenantHoldingFewestNotToTheQueueOfAnotherTenant() throws Exception {
        try (CallbackReceiver noisyBot = new CallbackReceiver(); CallbackReceiver quietBot = new CallbackReceiver();
             StallingHttpServer stalling = new StallingHttpServer(); PromptServer answering = new PromptServer()) {
            answering.put("/welcome.wav", PromptServer.toneWav(440, 0.02, 16000));
            try (TestServer server = TestServer.start()) {
                stallPrompts(server, noisyBot, stalling, 5, 20);
                await().atMost(WAIT).until(() -> stalling.accepted() == 64
                        && Prometheus.sample(server.baseUrl(), "switchboard_ivr_prompt_downloads_waiting") == 36);

                String quietOp = playQuietly(server, quietBot, answering);
                // it waits, or already took a slot taken back from a stalled download (the next test): either way
                assertThat(stalling.answerOne(PromptServer.toneWav(440, 0.02, 16000), 30)).isTrue(); // one slot frees
                assertPlayedWhileTheOtherStalled(quietBot, quietOp, noisyBot);
            }
        }
    }

    /**
     * Every one of the 64 slots is held by one tenant's stalled downloads and nobody else waits; then another tenant
     * plays one prompt. The newest stalled download's slot is taken back (that download queued again), so the other
     * tenant's prompt plays while the first tenant's downloads all still stall. A slot used never to be taken back, so
     * the other tenant's prompt waited for the first stalled download to time out, 15 s.
     */
    @Test
    void aSlotIsTakenBackFromAStalledDownloadOfTheLargestHolderForAnotherTenant() throws Exception {
        try (CallbackReceiver noisyBot = new CallbackReceiver(); CallbackReceiver quietBot = new CallbackReceiver();
             StallingHttpServer stalling = new StallingHttpServer(); PromptServer answering = new PromptServer()) {
            answering.put("/welcome.wav", PromptServer.toneWav(440, 0.02, 16000));
            try (TestServer server = TestServer.start()) {
                stallPrompts(server, noisyBot, stalling, 4, 16);
                await().atMost(WAIT).until(() -> stalling.accepted() == 64
                        && Prometheus.sample(server.baseUrl(), "switchboard_ivr_prompt_downloads_in_flight") == 64);

                String quietOp = playQuietly(server, quietBot, answering);
                assertPlayedWhileTheOtherStalled(quietBot, quietOp, noisyBot);
                assertThat(Prometheus.sample(server.baseUrl(), "switchboard_ivr_prompt_downloads_slots_taken_back_total"))
                        .isEqualTo(1);
                await("the download whose slot was taken back goes again, in the slot the other tenant freed")
                        .atMost(WAIT).until(() -> stalling.accepted() == 65);
                assertThat(stalling.mostOpen()).as("never more than 64 connections at once").isLessThanOrEqualTo(64);
            }
        }
    }
    /** The first tenant's bot plays {@code ops} operations of {@code perOp} prompts each, every one from the stalling server. */
    private static void stallPrompts(TestServer server, CallbackReceiver bot, StallingHttpServer stalling, int ops, int perOp) {
        GraphServiceClient noisy = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
        String call = noisy.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID,
                DevIdentities.BOB_ID)).getId();
        for (int op = 0; op < ops; op++) {
            List<Prompt> prompts = new ArrayList<>();
            for (int i = 0; i < perOp; i++) {
                prompts.add(GraphSdk.prompt(stalling.url("/p" + op + "-" + i + ".wav"), null));
            }
            noisy.communications().calls().byCallId(call).playPrompt()
                    .post(IvrMediaEndToEndTest.play("noisy" + op, prompts.toArray(Prompt[]::new)));
        }
    }

    /** The other tenant's bot plays one prompt from the answering server; returns its operation's id. */
    private static String playQuietly(TestServer server, CallbackReceiver bot, PromptServer answering) {
        GraphServiceClient quiet = GraphSdk.client(server.baseUrl(), Tokens.otherTenantBotToken(server.baseUrl()));
        String call = quiet.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID,
                DevIdentities.BOB_ID)).getId();
        return quiet.communications().calls().byCallId(call).playPrompt()
                .post(IvrMediaEndToEndTest.play("quiet", GraphSdk.prompt(answering.url("/welcome.wav"), null))).getId();
    }

    /** The other tenant's play completed while none of the first tenant's plays had ended. */
    private static void assertPlayedWhileTheOtherStalled(CallbackReceiver quietBot, String quietOp, CallbackReceiver noisyBot)
            throws InterruptedException {
        JsonNode done = quietBot.awaitItem(i -> i.path("resourceUrl").asText().endsWith("/operations/" + quietOp), WAIT)
                .path("resourceData");
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("Completed");
        assertThat(noisyBot.items()).as("the other tenant's prompt played while every download of the first"
                        + " tenant still stalled or waited: none of its plays has ended")
                .noneMatch(i -> i.path("resourceUrl").asText().contains("/operations/"));
    }
}
