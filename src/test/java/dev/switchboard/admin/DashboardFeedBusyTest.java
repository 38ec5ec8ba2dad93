package dev.switchboard.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.media.webrtc.Chromium;
import dev.switchboard.media.webrtc.ChromiumWebRtcTest;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * When the server already has its 64 live feeds open, the dashboard says why it shows nothing live (the 503's message)
 * instead of an empty page with the live dot off, tries again when the server's Retry-After says, and once a feed is
 * free it shows the calls and the message goes. Real server, real feeds (the JDK's HttpClient), headless Chromium.
 */
class DashboardFeedBusyTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aDashboardRefusedAFeedSaysSoAndRecoversWhenOneIsFree() throws Exception {
        Chromium.requireOrSkip();
        Path dir = Files.createDirectories(Path.of("target/dashboard"));
        Path wav = dir.resolve("tone-440.wav");
        ChromiumWebRtcTest.writeTone(wav, 440, 1);
        List<InputStream> feeds = new ArrayList<>();
        // the bot outlives the server: the live call's last notifications arrive at once (not retried for the 10 s drain)
        try (CallbackReceiver bot = new CallbackReceiver(); TestServer server = TestServer.start();
             Chromium page = new Chromium(wav.toAbsolutePath(), dir)) {
            String admin = adminToken(server);
            for (int i = 0; i < 64; i++) {
                HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/admin/v1/feed"))
                        .header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofInputStream());
                assertThat(r.statusCode()).isEqualTo(200);
                feeds.add(r.body());
            }
            String callId = server.groupCall(bot.url(), Tokens.devBotToken(server.baseUrl()));

            page.open(server.baseUrl() + "/dashboard#/");
            await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> exists(page, "#signin"));
            page.type("#username", "admin");
            page.type("#password", "admin");
            page.click("#signin-button");
            await().atMost(Duration.ofSeconds(15)).until(() -> text(page, "#error").contains("Too many live feeds"));
            assertThat(exists(page, "tr[data-call-id='" + callId + "']")).isFalse();

            for (InputStream feed : feeds) {
                feed.close();
            }
            feeds.clear();
            await().atMost(Duration.ofSeconds(15)).until(() -> exists(page, "tr[data-call-id='" + callId + "']")
                    && text(page, "#error").isEmpty() && exists(page, "#live.on"));
        } finally {
            for (InputStream feed : feeds) {
                feed.close();
            }
        }
    }

    private static String adminToken(TestServer server) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/admin/v1/signin"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"admin\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body()).path("access_token").asText();
    }

    private static String text(Chromium page, String css) throws Exception {
        return page.execute("const e = document.querySelector(arguments[0]); return e ? e.innerText.trim() : '';", css).asText();
    }

    private static boolean exists(Chromium page, String css) throws Exception {
        return page.execute("return document.querySelector(arguments[0]) !== null;", css).asBoolean();
    }
}
