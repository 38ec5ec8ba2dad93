package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.communications.calls.item.cancelmediaprocessing.CancelMediaProcessingPostRequestBody;
import com.microsoft.graph.models.OperationStatus;
import com.microsoft.graph.models.PlayPromptOperation;
import com.microsoft.graph.models.Prompt;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.ivr.PromptMemory;
import dev.switchboard.media.ivr.RecordingStore;
import dev.switchboard.server.MemorySize;
import dev.switchboard.testsupport.Prometheus;
import dev.switchboard.testsupport.ServerProcess;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Prompt memory (docs/ivr-media.md, "Prompt memory"): every prompt being downloaded or held decoded counts against
 * {@code --prompt-memory}; a prompt that does not fit fails its operation with {@code 503}/8536 and a message saying
 * so, and what a finished or cancelled operation held is given back. At the recommended {@code -Xmx256m}, a bot asking
 * for 40 prompts of 16 MiB at once used to take the server's heap ({@code OutOfMemoryError} in the download workers,
 * and operations that never ended); now it gets failed prompts and the server goes on.
 */
class PromptMemoryEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aPromptThatDoesNotFitFailsWith503AndWhatPlayedIsGivenBack() throws Exception {
        try (CallbackReceiver bot = new CallbackReceiver();
             TestServer server = TestServer.start(c -> c.withMedia(c.media().withPromptMemory(new MemorySize(1 << 20))));
             PromptServer prompts = new PromptServer()) {
            prompts.put("/long.wav", PromptServer.toneWav(440, 12.0, 48000)); // 1.15 MB: more than the whole 1 MiB
            prompts.put("/medium.wav", PromptServer.toneWav(440, 6.5, 48000)); // 624 kB: fits, but not with its decode
            prompts.put("/short.wav", PromptServer.toneWav(440, 0.5, 16000));
            GraphServiceClient graph = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
            String callId = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID,
                    DevIdentities.BOB_ID)).getId();
            assertThat(Prometheus.sample(server.baseUrl(), "switchboard_ivr_prompt_memory_limit_bytes")).isEqualTo(1 << 20);

            for (String path : List.of("/long.wav", "/chunked/long.wav", "/medium.wav")) {
                JsonNode done = play(graph, bot, callId, prompts.url(path));
                assertThat(done.path("status").asText()).as(path).isEqualTo("Failed");
                assertThat(done.path("resultInfo").path("code").asInt()).as(path).isEqualTo(503);
                assertThat(done.path("resultInfo").path("subcode").asInt()).isEqualTo(8536);
                assertThat(done.path("resultInfo").path("message").asText()).startsWith(PromptMemory.FULL)
                        .contains("of its 1.0 MiB are in use");
            }
            JsonNode played = play(graph, bot, callId, prompts.url("/short.wav"));
            assertThat(played.path("status").asText()).isEqualTo("Completed");
            assertThat(Prometheus.sample(server.baseUrl(), "switchboard_ivr_prompt_memory_refusals_total")).isEqualTo(3);
            await().atMost(WAIT).untilAsserted(() ->
                    assertThat(Prometheus.sample(server.baseUrl(), "switchboard_ivr_prompt_memory_used_bytes")).isZero());
            graph.communications().calls().byCallId(callId).delete();
        }
    }

    @Test
    void atTheRecommendedHeapFortyPromptsOf16MibFailWith503InsteadOfExhaustingTheHeap(@TempDir Path dir) throws Exception {
        byte[] longest = RecordingStore.wav(new short[((16 << 20) - 44) / 2], 8000); // 17 minutes: 96 MiB at 48 kHz
        try (PromptServer prompts = new PromptServer(); CallbackReceiver bot = new CallbackReceiver()) {
            prompts.put("/long-8k.wav", longest);
            prompts.put("/short.wav", PromptServer.toneWav(440, 0.5, 16000));
            try (ServerProcess serve = ServerProcess.start(ServerProcess.dockerfileJvmOptions(), dir.resolve("data"))) {
                GraphServiceClient graph = GraphSdk.client(serve.baseUrl(), Tokens.devBotToken(serve.baseUrl()));
                assertThat(Prometheus.sample(serve.baseUrl(), "switchboard_ivr_prompt_memory_limit_bytes"))
                        .as("a quarter of the heap's maximum (the serial collector's counts one survivor space less than 256 MiB)")
                        .isBetween(48L << 20, 64L << 20);
                List<String> calls = new ArrayList<>();
                List<String> operations = new ArrayList<>();
                for (int c = 0; c < 2; c++) {
                    String callId = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID,
                            DevIdentities.BOB_ID)).getId();
                    calls.add(callId);
                    List<Prompt> twenty = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        twenty.add(GraphSdk.prompt(prompts.url("/long-8k.wav?c=" + c + "&i=" + i), null));
                    }
                    operations.add(graph.communications().calls().byCallId(callId).playPrompt()
                            .post(IvrMediaEndToEndTest.play("many-" + c, twenty.toArray(Prompt[]::new))).getId());
                }
                await().atMost(WAIT).until(() -> prompts.hits("/long-8k.wav") == 40);
                await().atMost(WAIT).until(() -> Prometheus.sample(serve.baseUrl(), "switchboard_ivr_prompt_memory_refusals_total") >= 1);
                for (String callId : calls) {
                    graph.communications().calls().byCallId(callId).cancelMediaProcessing()
                            .post(new CancelMediaProcessingPostRequestBody());
                }
                for (String op : operations) {
                    JsonNode done = bot.awaitItem(i -> i.path("resourceUrl").asText().endsWith("/operations/" + op), WAIT)
                            .path("resourceData");
                    assertThat(done.path("status").asText()).isEqualTo("Failed");
                    assertThat(done.path("resultInfo").path("code").asInt()).as(done.toString()).isIn(503, 400);
                    assertThat(done.path("resultInfo").path("subcode").asInt()).as(done.toString()).isIn(8536, 8508);
                }
                await().atMost(WAIT).untilAsserted(() ->
                        assertThat(Prometheus.sample(serve.baseUrl(), "switchboard_ivr_prompt_memory_used_bytes")).isZero());
                JsonNode played = play(graph, bot, calls.getFirst(), prompts.url("/short.wav"));
                assertThat(played.path("status").asText()).as("the server still plays prompts").isEqualTo("Completed");
                assertThat(serve.output()).as("the server's output").noneMatch(l -> l.contains("OutOfMemoryError"));
            }
        }
    }

    private static JsonNode play(GraphServiceClient graph, CallbackReceiver bot, String callId, String uri)
            throws InterruptedException {
        PlayPromptOperation op = graph.communications().calls().byCallId(callId).playPrompt()
                .post(IvrMediaEndToEndTest.play("ctx", GraphSdk.prompt(uri, null)));
        assertThat(op.getStatus()).isEqualTo(OperationStatus.Running);
        return bot.awaitItem(i -> i.path("resourceUrl").asText().endsWith("/operations/" + op.getId()), WAIT)
                .path("resourceData");
    }
}
