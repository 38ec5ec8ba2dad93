package dev.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.webrtc.Chromium;
import dev.switchboard.media.webrtc.ChromiumWebRtcTest;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A browser's key presses reach the bot: headless Chromium joins over WebRTC (Opus, {@code telephone-event/48000}
 * negotiated), its {@code RTCDTMFSender.insertDTMF} sends RFC 4733 events through SRTP, and the bot subscribed to
 * tones hears each key once, in order. Skipped without Chromium.
 */
class BrowserDtmfTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void aBrowsersInsertDtmfReachesTheSubscribedBotOncePerKey() throws Exception {
        Chromium.requireOrSkip();
        Path dir = Files.createDirectories(Path.of("target/webrtc-browser-dtmf"));
        Path wav = dir.resolve("tone-660.wav");
        ChromiumWebRtcTest.writeTone(wav, 660, 2);
        Path page = dir.resolve("peer.html");
        try (InputStream in = getClass().getResourceAsStream("/webrtc/peer.html")) {
            Files.write(page, in.readAllBytes());
        }
        try (CallbackReceiver bot = new CallbackReceiver();
             TestServer server = TestServer.start(cfg -> cfg.withMedia(cfg.media().withWebRtcPort(0)));
             Chromium chromium = new Chromium(wav.toAbsolutePath(), dir)) {
            String botToken = Tokens.devBotToken(server.baseUrl());
            String callId = JSON.readTree(post(server, botToken, "", """
                    {"callbackUri":"%s","requestedModalities":["audio"],
                     "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},
                     "targets":[{"identity":{"user":{"id":"%s"}}},{"identity":{"user":{"id":"%s"}}}]}"""
                    .formatted(bot.url(), DevIdentities.ALICE_ID, DevIdentities.BOB_ID)).body()).get("id").asText();
            assertThat(post(server, botToken, "/" + callId + "/subscribeToTone", "{}").statusCode()).isEqualTo(200);

            chromium.open(page.toAbsolutePath().toUri().toString());
            String offer = chromium.executeAsync("const done = arguments[arguments.length - 1];"
                    + "window.startCall().then(done, e => done('ERR ' + e));").asText();
            ClientApi alice = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.aliceToken(server.baseUrl()));
            ClientApi.Joined joined = alice.join(callId, offer);
            assertThat(joined.sdpAnswer()).contains("telephone-event/48000");
            String state = chromium.executeAsync("const done = arguments[arguments.length - 1];"
                    + "window.acceptAnswer(arguments[0]).then(done, e => done('ERR ' + e));", joined.sdpAnswer()).asText();
            assertThat(state).isEqualTo("connected");
            await().atMost(Duration.ofSeconds(20)).until(() -> chromium.execute(
                    "return window.pc.getSenders()[0].dtmf != null && window.pc.getSenders()[0].dtmf.canInsertDTMF;").asBoolean());
            chromium.execute("window.pc.getSenders()[0].dtmf.insertDTMF('159#', 100, 70); return true;");

            await().atMost(Duration.ofSeconds(30)).until(() -> tones(bot, callId).size() >= 4);
            Thread.sleep(500);
            assertThat(tones(bot, callId)).containsExactly("tone1#1", "tone5#2", "tone9#3", "pound#4");
            alice.leave(joined);
        }
    }

    private static List<String> tones(CallbackReceiver bot, String callId) {
        return bot.items().stream()
                .filter(i -> i.path("resourceUrl").asText().equals("/communications/calls/" + callId)
                        && i.path("resourceData").has("toneInfo"))
                .map(i -> {
                    JsonNode t = i.at("/resourceData/toneInfo");
                    return t.path("tone").asText() + "#" + t.path("sequenceId").asLong();
                })
                .toList();
    }

    private static HttpResponse<String> post(TestServer server, String token, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1.0/communications/calls" + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
