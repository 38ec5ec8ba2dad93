package dev.switchboard.web;

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
 * A person joins a call through the join page, in headless Chromium with a fake microphone playing 660 Hz: the page
 * sends them to the embedded authority's sign-in page (authorization code + PKCE), they sign in as alice, join with
 * the microphone, and see the live roster. Bob (an RTP peer sending 440 Hz) hears 660 Hz; the page's own meter hears
 * 440 Hz. The bot server-mutes alice through Graph: bob stops hearing her, the page shows "muted by the server", her
 * own unmute on the page does not lift it; Graph's unmute does. She leaves with the page's button and is gone.
 * Screenshots in {@code target/join-page/}. Skipped without Chromium.
 */
class JoinPageBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final Path DIR = Path.of("target/join-page");

    @Test
    void aPersonSignsInJoinsIsMutedByTheBotAndLeavesThroughThePage() throws Exception {
        Chromium.requireOrSkip();
        Path wav = microphone660();
        try (CallbackReceiver bot = new CallbackReceiver();
             TestServer server = TestServer.start(cfg -> cfg.withMedia(cfg.media().withWebRtcPort(0)));
             RtpPeer bob = new RtpPeer("127.0.0.1");
             Chromium chromium = new Chromium(wav.toAbsolutePath(), DIR)) {
            WebRtcGateway gateway = ((RtpMediaEngine) server.server().media()).webRtc();
            String botToken = Tokens.devBotToken(server.baseUrl());
            String callId = server.groupCall(bot.url(), botToken);
            ClientApi bobApi = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.bobToken(server.baseUrl()));
            bob.startTone(mediaPort(bobApi.join(callId, bob.offer("sendrecv")).sdpAnswer()), 440);

            JoinPageDriver page = new JoinPageDriver(chromium);
            page.signInAndJoin(JoinPage.link(server.baseUrl(), callId), DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD);
            String aliceId = page.participantId();

            await().atMost(Duration.ofSeconds(15)).until(() -> level660(bob) > -30);
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).until(() -> page.hears(440));
            await().atMost(Duration.ofSeconds(10)).until(() -> page.rosterState(aliceId).equals("live")
                    && page.rosterNames().contains("Bob") && page.rosterNames().contains("Alice"));
            assertThat(page.text("meter-call")).isNotNull();
            assertThat(page.number("return document.getElementById('meter-call').value")).as("the call's meter moves").isGreaterThan(-60);
            chromium.screenshot(DIR.resolve("joined.png"));

            String participant = callId + "/participants/" + aliceId;
            assertThat(graph(server, botToken, "POST", participant + "/mute", "{\"clientContext\":\"mute-alice\"}").statusCode()).isEqualTo(200);
            bob.drain();
            assertThat(level660(bob)).as("muted by the server: bob no longer hears alice").isLessThan(-60);
            await().atMost(Duration.ofSeconds(10)).until(() -> page.rosterState(aliceId).equals("muted by the server")
                    && page.visible("server-muted"));

            page.click("mute"); // her own mute, then her own unmute: the server mute stays
            await().atMost(Duration.ofSeconds(10)).until(() -> page.text("mute").equals("Unmute"));
            page.click("mute");
            await().atMost(Duration.ofSeconds(10)).until(() -> page.text("mute").equals("Mute"));
            bob.drain();
            assertThat(level660(bob)).as("her own unmute does not lift the server mute").isLessThan(-60);
            assertThat(page.rosterState(aliceId)).isEqualTo("muted by the server");
            chromium.screenshot(DIR.resolve("muted-by-the-server.png"));

            assertThat(graph(server, botToken, "POST", participant + "/unmute", "{\"clientContext\":\"unmute-alice\"}").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> level660(bob) > -30);
            await().atMost(Duration.ofSeconds(10)).until(() -> page.rosterState(aliceId).equals("live") && !page.visible("server-muted"));

            page.click("leave");
            await().atMost(Duration.ofSeconds(10)).until(() -> page.phase().equals("left"));
            await().atMost(Duration.ofSeconds(10)).until(() -> graph(server, botToken, "GET", participant, null).statusCode() == 404);
            await().atMost(Duration.ofSeconds(10)).until(() -> gateway.legs() == 0);
            assertThat(gateway.counters().dropped(WebRtcDropReason.SRTP_AUTH_FAILED)).isZero();
            bob.stopTone();
        }
    }


    static HttpResponse<String> graph(TestServer server, String token, String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1.0/communications/calls/" + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The fake microphone of the join page tests: two seconds of 660 Hz, written into {@link #DIR} (created). */
    static Path microphone660() throws Exception {
        Files.createDirectories(DIR);
        Path wav = DIR.resolve("tone-660.wav");
        ChromiumWebRtcTest.writeTone(wav, 660, 2);
        return wav;
    }

    static int mediaPort(String answer) {
        Matcher m = Pattern.compile("m=audio (\\d+) ").matcher(answer);
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    static double level660(RtpPeer bob) {
        double[] levels = new double[25];
        for (int i = 0; i < levels.length; i++) {
            RtpPeer.Packet p = bob.receive(1000);
            levels[i] = p == null ? -200 : p.pcmuLevelDbfs(660);
        }
        Arrays.sort(levels);
        return levels[levels.length / 2];
    }

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }
}
