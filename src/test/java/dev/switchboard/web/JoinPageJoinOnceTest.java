package dev.switchboard.web;

import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.RtpMediaEngine;
import dev.switchboard.media.webrtc.Chromium;
import dev.switchboard.media.webrtc.WebRtcGateway;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A double click on "Join with microphone" joins once: one WebRTC leg and one roster stream on the server (before
 * session 21 it made two peer connections and two roster streams; the first of each was orphaned, the stream stayed
 * open after Leave and took one of the user's four stream slots). After Leave the server holds neither. Real server,
 * headless Chromium; the streams are read from /metrics.
 */
class JoinPageJoinOnceTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aDoubleClickOnJoinJoinsOnce() throws Exception {
        Chromium.requireOrSkip();
        try (CallbackReceiver bot = new CallbackReceiver();
             TestServer server = TestServer.start(cfg -> cfg.withMedia(cfg.media().withWebRtcPort(0)));
             Chromium chromium = new Chromium(JoinPageBrowserTest.microphone660().toAbsolutePath(), JoinPageBrowserTest.DIR)) {
            WebRtcGateway gateway = ((RtpMediaEngine) server.server().media()).webRtc();
            String callId = server.groupCall(bot.url(), Tokens.devBotToken(server.baseUrl()));
            JoinPageDriver page = new JoinPageDriver(chromium);
            chromium.open(JoinPage.link(server.baseUrl(), callId));
            await().atMost(Duration.ofSeconds(15)).until(() -> page.phase().equals("signed-out"));
            page.click("signin");
            await().atMost(Duration.ofSeconds(15)).until(() -> chromium.execute("return !!document.getElementById('username');").asBoolean());
            chromium.execute("document.getElementById('username').value = arguments[0];"
                    + "document.getElementById('password').value = arguments[1];"
                    + "document.getElementById('submit').click();", DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD);
            await().atMost(Duration.ofSeconds(15)).until(() -> page.phase().equals("ready"));

            chromium.execute("const b = document.getElementById('join'); b.click(); b.click();");
            page.awaitJoined();
            await().atMost(Duration.ofSeconds(10)).until(() -> rosterStreams(server) >= 1);
            Thread.sleep(1500); // a second join, if any, has posted its offer and opened its stream by now
            assertThat(rosterStreams(server)).as("roster streams open").isEqualTo(1);
            assertThat(gateway.legs()).as("WebRTC legs").isEqualTo(1);

            page.click("leave");
            await().atMost(Duration.ofSeconds(10)).until(() -> rosterStreams(server) == 0 && gateway.legs() == 0);
        }
    }

    /** The server's open roster streams, from /metrics. */
    private static int rosterStreams(TestServer server) throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith("switchboard_roster_streams "))
                .mapToInt(l -> (int) Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElse(-1);
    }
}
