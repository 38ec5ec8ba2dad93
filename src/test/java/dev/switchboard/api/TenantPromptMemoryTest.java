package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.communications.calls.item.cancelmediaprocessing.CancelMediaProcessingPostRequestBody;
import com.microsoft.graph.models.Prompt;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.ivr.PromptMemory;
import dev.switchboard.server.MemorySize;
import dev.switchboard.testsupport.Prometheus;
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
 * Prompt memory is shared fairly between tenants (docs/ivr-media.md, "Prompt memory"). With {@code --prompt-memory
 * 4MiB}, the dev bot (tenant ...0001) plays a 30 s prompt and queues nineteen of 10 s behind it: about ten fit and its
 * queued prompts hold the memory. Another tenant's bot (...0002) then plays three 2 s prompts: queued (not playing)
 * prompts of the tenant holding the most give way, the other tenant's prompts play, and the dev bot's playing prompt
 * goes on. They used to fail at once with 503/8536 (first come, first served; measured in session 24 with 32 MiB).
 * A tenant alone still gets the 503 as before, and all the memory comes back once the plays end.
 */
class TenantPromptMemoryTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final long LIMIT = 4 << 20;

    @Test
    void anotherTenantsPromptPlaysWhileTheFirstTenantsQueuedPromptsHoldTheMemory() throws Exception {
        JsonNode done = playAfterTheDevBotFilledTheMemory(true, false);
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("Completed");
    }

    @Test
    void queuedPromptsCachedUnderAResourceIdGiveWayToo() throws Exception {
        JsonNode done = playAfterTheDevBotFilledTheMemory(true, true);
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("Completed");
    }

    @Test
    void aTenantAloneStillGetsThe503WhenItsOwnQueuedPromptsHoldTheMemory() throws Exception {
        JsonNode done = playAfterTheDevBotFilledTheMemory(false, false);
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("Failed");
        assertThat(done.path("resultInfo").path("code").asInt()).isEqualTo(503);
        assertThat(done.path("resultInfo").path("subcode").asInt()).isEqualTo(8536);
        assertThat(done.path("resultInfo").path("message").asText()).startsWith(PromptMemory.FULL);
    }

    /**
     * The dev bot plays one 30 s prompt (937.5 KiB) and, queued behind it, 19 prompts of 10 s (312.5 KiB each) of
     * which about ten fit; then a bot of another tenant (or the dev bot on a second call) plays three 2 s prompts at
     * 48 kHz: 187.5 KiB each, more together (with one file being decoded) than is left. {@code cached}: the queued
     * prompts have resourceIds (so the prompt cache holds them too).
     */
    private static JsonNode playAfterTheDevBotFilledTheMemory(boolean otherTenant, boolean cached) throws Exception {
        try (CallbackReceiver devBot = new CallbackReceiver(); CallbackReceiver secondBot = new CallbackReceiver();
             PromptServer prompts = new PromptServer();
             TestServer server = TestServer.start(c -> c.withMedia(c.media().withPromptMemory(new MemorySize(LIMIT))))) {
            prompts.put("/playing.wav", PromptServer.toneWav(440, 30.0, 16000));
            prompts.put("/queued.wav", PromptServer.toneWav(440, 10.0, 16000));
            byte[] shortPrompt = PromptServer.toneWav(660, 2.0, 48000);
            prompts.put("/short.wav", shortPrompt);
            GraphServiceClient dev = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
            String devCall = dev.communications().calls().post(GraphSdk.call(devBot.url(), DevIdentities.ALICE_ID,
                    DevIdentities.BOB_ID)).getId();
            String playing = dev.communications().calls().byCallId(devCall).playPrompt()
                    .post(IvrMediaEndToEndTest.play("playing", GraphSdk.prompt(prompts.url("/playing.wav"), null))).getId();
            await().atMost(WAIT).until(() -> prompts.hits("/playing.wav") == 1
                    && Prometheus.sample(server.baseUrl(), "switchboard_ivr_prompt_downloads_in_flight") == 0);
            List<Prompt> queued = new ArrayList<>();
            for (int i = 0; i < 19; i++) {
                queued.add(GraphSdk.prompt(prompts.url("/queued.wav?i=" + i), cached ? "queued-" + i : null));
            }
            dev.communications().calls().byCallId(devCall).playPrompt()
                    .post(IvrMediaEndToEndTest.play("queued", queued.toArray(Prompt[]::new)));
            await().atMost(WAIT).until(() -> prompts.hits("/queued.wav") == 19
                    && Prometheus.sample(server.baseUrl(), "switchboard_ivr_prompt_memory_refusals_total") >= 1
                    && Prometheus.sample(server.baseUrl(), "switchboard_ivr_prompt_downloads_in_flight") == 0);
            long free = LIMIT - Prometheus.sample(server.baseUrl(), "switchboard_ivr_prompt_memory_used_bytes");
            long threeShort = 3L * (shortPrompt.length - 44) + shortPrompt.length;
            assertThat(free).as("what the dev bot's prompts leave is less than the three short prompts need")
                    .isLessThan(threeShort);

            GraphServiceClient second = GraphSdk.client(server.baseUrl(), otherTenant
                    ? Tokens.otherTenantBotToken(server.baseUrl()) : Tokens.devBotToken(server.baseUrl()));
            String secondCall = second.communications().calls().post(GraphSdk.call(secondBot.url(),
                    DevIdentities.ALICE_ID, DevIdentities.BOB_ID)).getId();
            List<Prompt> three = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                three.add(GraphSdk.prompt(prompts.url("/short.wav?i=" + i), null));
            }
            String op = second.communications().calls().byCallId(secondCall).playPrompt()
                    .post(IvrMediaEndToEndTest.play("three", three.toArray(Prompt[]::new))).getId();
            JsonNode done = secondBot.awaitItem(i -> i.path("resourceUrl").asText().endsWith("/operations/" + op),
                    WAIT).path("resourceData");
            assertThat(devBot.items()).as("the dev bot's 30 s prompt that plays is never cut: its operation goes on")
                    .noneMatch(i -> i.path("resourceUrl").asText().endsWith("/operations/" + playing));

            dev.communications().calls().byCallId(devCall).cancelMediaProcessing()
                    .post(new CancelMediaProcessingPostRequestBody());
            long stayCached = cached ? 19L * (320_000 + 1024) : 0; // the dev bot's cached prompts stay (the cache's bound)
            await().atMost(WAIT).untilAsserted(() -> assertThat(Prometheus.sample(server.baseUrl(),
                    "switchboard_ivr_prompt_memory_used_bytes")).as("all the memory comes back").isLessThan(stayCached + 1));
            return done;
        }
    }
}
