package dev.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.RtpMediaEngine;
import dev.switchboard.media.webrtc.Chromium;
import dev.switchboard.media.webrtc.ChromiumWebRtcTest;
import dev.switchboard.media.webrtc.WebRtcDropReason;
import dev.switchboard.media.webrtc.WebRtcGateway;
import dev.switchboard.testsupport.RtpPeer;
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
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A browser joins a call through the client API (its WebRTC offer in, the ICE-lite answer out): headless Chromium
 * as alice (fake microphone, 660 Hz) and an RTP peer as bob (PCMU, sending 440 Hz). Bob hears alice; the page
 * hears bob; the bot server-mutes alice through Graph → bob stops hearing her, her own unmute does not lift it,
 * Graph's unmute does; she leaves and is gone from the roster and the WebRTC port. Skipped without Chromium.
 */
class BrowserJoinsCallTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void aBrowserJoinsIsHeardIsMutedByTheBotAndLeaves() throws Exception {
        Chromium.requireOrSkip();
        Path dir = Files.createDirectories(Path.of("target/webrtc-browser-join"));
        Path wav = dir.resolve("tone-660.wav");
        ChromiumWebRtcTest.writeTone(wav, 660, 2);
        Path page = dir.resolve("peer.html");
        try (InputStream in = getClass().getResourceAsStream("/webrtc/peer.html")) {
            Files.write(page, in.readAllBytes());
        }
        try (CallbackReceiver bot = new CallbackReceiver();
             TestServer server = TestServer.start(cfg -> cfg.withMedia(cfg.media().withWebRtcPort(0))); // --webrtc-port 0
             RtpPeer bob = new RtpPeer("127.0.0.1");
             Chromium chromium = new Chromium(wav.toAbsolutePath(), dir)) {
            WebRtcGateway gateway = ((RtpMediaEngine) server.server().media()).webRtc();
            String botToken = Tokens.devBotToken(server.baseUrl());
            String callId = server.groupCall(bot.url(), botToken);
            ClientApi bobApi = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.bobToken(server.baseUrl()));
            ClientApi.Joined bobJoined = bobApi.join(callId, bob.offer("sendrecv"));
            bob.startTone(mediaPort(bobJoined.sdpAnswer()), 440);

            chromium.open(page.toAbsolutePath().toUri().toString());
            String offer = chromium.executeAsync("const done = arguments[arguments.length - 1];"
                    + "window.startCall().then(done, e => done('ERR ' + e));").asText();
            ClientApi alice = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.aliceToken(server.baseUrl()));
            ClientApi.Joined joined = alice.join(callId, offer);
            assertThat(joined.sdpAnswer()).contains("a=ice-lite", "a=setup:passive", "UDP/TLS/RTP/SAVPF");
            String state = chromium.executeAsync("const done = arguments[arguments.length - 1];"
                    + "window.acceptAnswer(arguments[0]).then(done, e => done('ERR ' + e));", joined.sdpAnswer()).asText();
            assertThat(state).isEqualTo("connected");

            await().atMost(Duration.ofSeconds(15)).until(() -> level660(bob) > -30);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).until(() -> {
                JsonNode l = chromium.execute("return window.levels();");
                return l != null && !l.isNull() && l.path("f440").asDouble() > -60 && l.path("f440").asDouble() > l.path("f1500").asDouble() + 20;
            });
            chromium.screenshot(dir.resolve("joined.png"));

            String participant = callId + "/participants/" + joined.participantId();
            assertThat(graph(server, botToken, "POST", participant + "/mute", "{\"clientContext\":\"mute-alice\"}").statusCode()).isEqualTo(200);
            bob.drain();
            assertThat(level660(bob)).as("muted by the server: bob no longer hears alice").isLessThan(-60);
            JsonNode p = JSON.readTree(graph(server, botToken, "GET", participant, null).body());
            assertThat(p.at("/mediaStreams/0/serverMuted").asBoolean()).isTrue();

            alice.setMuted(joined, false);
            bob.drain();
            assertThat(level660(bob)).as("her own unmute does not lift the server mute").isLessThan(-60);

            assertThat(graph(server, botToken, "POST", participant + "/unmute", "{\"clientContext\":\"unmute-alice\"}").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> level660(bob) > -30);

            alice.leave(joined);
            assertThat(graph(server, botToken, "GET", participant, null).statusCode()).isEqualTo(404);
            assertThat(gateway.legs()).isZero();
            assertThat(gateway.counters().dropped(WebRtcDropReason.SRTP_AUTH_FAILED)).isZero();
            bob.stopTone();
        }
    }


    private static HttpResponse<String> graph(TestServer server, String token, String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1.0/communications/calls/" + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int mediaPort(String answer) {
        Matcher m = Pattern.compile("m=audio (\\d+) ").matcher(answer);
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static double level660(RtpPeer bob) {
        double[] levels = new double[25];
        for (int i = 0; i < levels.length; i++) {
            RtpPeer.Packet p = bob.receive(1000);
            levels[i] = p == null ? -200 : p.pcmuLevelDbfs(660);
        }
        Arrays.sort(levels);
        return levels[levels.length / 2];
    }
}
