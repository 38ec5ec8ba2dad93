package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.communications.calls.item.answer.AnswerPostRequestBody;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.CallState;
import com.microsoft.graph.models.MediaInfo;
import com.microsoft.graph.models.MediaPrompt;
import com.microsoft.graph.models.Modality;
import com.microsoft.graph.models.PlayPromptOperation;
import com.microsoft.graph.models.ServiceHostedMediaConfig;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.server.InboundSettings;
import dev.switchboard.testsupport.FfmpegPeer;
import dev.switchboard.testsupport.FfmpegPeer.Codec;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.ToneAnalysis;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@code serviceHostedMediaConfig.preFetchMedia} end to end (official Graph SDK): given at create or at answer, the
 * prompts are fetched into the cache before any play, so a later playPrompt of the same resourceId plays without a
 * fetch (the prompt server counts one request in all, made before the play) and is heard; a prefetch that fails does not fail the
 * call, and a bad shape is a 400 before the call is made.
 */
class IvrPreFetchEndToEndTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static TestServer server;
    static CallbackReceiver webhook;
    static CallbackReceiver bot;
    static GraphServiceClient graph;
    static ClientApi alice;
    static PromptServer prompts;

    @BeforeAll
    static void start() throws Exception {
        assumeThat(FfmpegPeer.available()).as("ffmpeg at " + FfmpegPeer.FFMPEG).isTrue();
        webhook = new CallbackReceiver();
        bot = new CallbackReceiver();
        server = TestServer.start(cfg -> cfg.withInbound(InboundSettings.DEFAULTS
                .withWebhook(DevIdentities.DEV_BOT_APP_ID, webhook.url())));
        graph = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
        alice = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.aliceToken(server.baseUrl()));
        prompts = new PromptServer();
        prompts.put("/pre440.wav", PromptServer.toneWav(440, 1.0, 16000));
        prompts.put("/pre660.wav", PromptServer.toneWav(660, 1.0, 16000));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            webhook.close();
            bot.close();
            prompts.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"PCMU", "OPUS"})
    void mediaPrefetchedAtCreatePlaysWithoutAFetchAndIsHeardAtOnce(Codec codec, @TempDir Path dir) throws Exception {
        String resourceId = "pre440-" + codec;
        Call body = GraphSdk.call(bot.url(), DevIdentities.ALICE_ID);
        body.setMediaConfig(prefetching(info("/pre440.wav", resourceId)));
        int before = prompts.hits("/pre440.wav");
        Call call = graph.communications().calls().post(body);
        awaitHits(() -> prompts.hits("/pre440.wav"), before + 1);

        int aliceRx = FfmpegPeer.freeEvenPortPair();
        ClientApi.Joined joined = alice.join(call.getId(), FfmpegPeer.offer(aliceRx, codec, "recvonly"));
        FfmpegPeer.sendReceiverReport(IvrMediaEndToEndTest.audioPort(joined.sdpAnswer()));
        playAndHear(call.getId(), resourceId, "/pre440.wav", 440, aliceRx, codec, dir);
        assertThat(prompts.hits("/pre440.wav") - before).as("one fetch in all: the prefetch").isEqualTo(1);
        graph.communications().calls().byCallId(call.getId()).delete();
    }

    @Test
    void mediaPrefetchedAtAnswerPlaysWithoutAFetch(@TempDir Path dir) throws Exception {
        int aliceRx = FfmpegPeer.freeEvenPortPair();
        ClientApi.Joined leg = alice.dial(DevIdentities.DEV_BOT_APP_ID, FfmpegPeer.offer(aliceRx, Codec.PCMU, "sendrecv"));
        webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId()), WAIT);
        AnswerPostRequestBody answer = new AnswerPostRequestBody();
        answer.setCallbackUri(bot.url());
        answer.setAcceptedModalities(List.of(Modality.Audio));
        answer.setMediaConfig(prefetching(info("/pre660.wav", "welcome-v1")));
        int before = prompts.hits("/pre660.wav");
        graph.communications().calls().byCallId(leg.callId()).answer().post(answer);
        awaitHits(() -> prompts.hits("/pre660.wav"), before + 1);
        bot.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId())
                && i.path("resourceData").path("state").asText().equals("established"), WAIT);
        FfmpegPeer.sendReceiverReport(IvrMediaEndToEndTest.audioPort(leg.sdpAnswer()));
        playAndHear(leg.callId(), "welcome-v1", "/pre660.wav", 660, aliceRx, Codec.PCMU, dir);
        assertThat(prompts.hits("/pre660.wav") - before).as("one fetch in all: the prefetch").isEqualTo(1);
        graph.communications().calls().byCallId(leg.callId()).delete();
    }

    @Test
    void aFailedPrefetchDoesNotFailTheCallAndTheLaterPlayTriesAgain() throws Exception {
        Call body = GraphSdk.call(bot.url(), DevIdentities.ALICE_ID);
        body.setMediaConfig(prefetching(info("/not-there-yet.wav", "late"), uri("http://10.255.255.1/p.wav", "forbidden")));
        Call call = graph.communications().calls().post(body);
        awaitHits(() -> prompts.hits("/not-there-yet.wav"), 1);
        assertThat(graph.communications().calls().byCallId(call.getId()).get().getState())
                .as("the call goes on").isNotEqualTo(CallState.Terminated);
        // the file appears; the failure was not cached, so the play fetches it again and it plays
        prompts.put("/not-there-yet.wav", PromptServer.toneWav(440, 0.4, 16000));
        PlayPromptOperation op = graph.communications().calls().byCallId(call.getId()).playPrompt()
                .post(IvrMediaEndToEndTest.play("late", prompt(info("/not-there-yet.wav", "late"))));
        JsonNode done = awaitOperation(op.getId());
        assertThat(done.path("status").asText()).isEqualTo("Completed");
        assertThat(prompts.hits("/not-there-yet.wav")).as("the prefetch's 404, then the play's fetch").isEqualTo(2);
        // the forbidden address fails the play as any play of it fails
        PlayPromptOperation refused = graph.communications().calls().byCallId(call.getId()).playPrompt()
                .post(IvrMediaEndToEndTest.play("forbidden", prompt(uri("http://10.255.255.1/p.wav", "forbidden"))));
        assertThat(awaitOperation(refused.getId()).path("resultInfo").path("subcode").asInt()).isEqualTo(8536);
        graph.communications().calls().byCallId(call.getId()).delete();
    }

    @Test
    void aBadPreFetchMediaIsA400AndNoCallIsMade() {
        Call body = GraphSdk.call(bot.url(), DevIdentities.ALICE_ID);
        body.setMediaConfig(prefetching(uri("ftp://example.com/p.wav", "x")));
        GraphSdk.expectError(() -> graph.communications().calls().post(body), 400, "BadRequest");
        MediaInfo noUri = new MediaInfo();
        noUri.setResourceId("y");
        body.setMediaConfig(prefetching(noUri));
        GraphSdk.expectError(() -> graph.communications().calls().post(body), 400, "BadRequest");
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** Alice records 5 s from just before the play; the prompt's 1 s tone must be in it. */
    private static void playAndHear(String callId, String resourceId, String path, int hz, int aliceRx, Codec codec,
                                    Path dir) throws Exception {
        Path wav = dir.resolve("alice.wav");
        PlayPromptOperation op;
        try (FfmpegPeer ear = FfmpegPeer.receiveWav(aliceRx, codec, wav, 5.0)) {
            Thread.sleep(300);
            op = graph.communications().calls().byCallId(callId).playPrompt()
                    .post(IvrMediaEndToEndTest.play("pre", prompt(info(path, resourceId))));
            assertThat(ear.awaitExit(Duration.ofSeconds(30))).as("alice's recorder finished").isTrue();
        }
        assertThat(awaitOperation(op.getId()).path("status").asText()).isEqualTo("Completed");
        double at = IvrMediaEndToEndTest.firstPresent(ToneAnalysis.read(wav), hz);
        // heard within the window; that it needed no fetch is the prompt server's count (the caller's assertion) —
        // a loopback fetch is too fast for the timing alone to tell, and this machine is too noisy to time it
        assertThat(at).as("the prefetched prompt is heard (%d Hz)", hz).isGreaterThanOrEqualTo(0.0);
    }

    private static ServiceHostedMediaConfig prefetching(MediaInfo... media) {
        ServiceHostedMediaConfig config = new ServiceHostedMediaConfig();
        config.setPreFetchMedia(List.of(media));
        return config;
    }

    private static MediaInfo info(String path, String resourceId) {
        return uri(prompts.url(path), resourceId);
    }

    private static MediaInfo uri(String uri, String resourceId) {
        MediaInfo info = new MediaInfo();
        info.setUri(uri);
        info.setResourceId(resourceId);
        return info;
    }

    private static MediaPrompt prompt(MediaInfo info) {
        MediaPrompt p = new MediaPrompt();
        p.setMediaInfo(info);
        return p;
    }

    private static JsonNode awaitOperation(String opId) throws InterruptedException {
        return bot.awaitItem(i -> i.path("resourceUrl").asText().endsWith("/operations/" + opId), WAIT).path("resourceData");
    }

    private static void awaitHits(IntSupplier hits, int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (hits.getAsInt() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(hits.getAsInt()).as("the prefetch reached the prompt server").isGreaterThanOrEqualTo(atLeast);
    }
}
