package dev.switchboard.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.webrtc.Chromium;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static dev.switchboard.web.JoinPageBrowserTest.graph;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How the join page's stay in a call ends, in headless Chromium: the bot hangs up a peer-to-peer call while alice is
 * in it (the page says the call has ended, and neither that she left nor offers to join an ended call again), and
 * alice leaves a group call herself (the page says so once, and offers to join again). The page logs no console
 * error on the way (a missing favicon counted as one). Skipped without Chromium.
 */
class JoinPageEndsTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void aCallTheBotEndsSaysSoAndOffersNoJoinAgain() throws Exception {
        Chromium.requireOrSkip();
        try (CallbackReceiver bot = new CallbackReceiver();
             TestServer server = TestServer.start(cfg -> cfg.withMedia(cfg.media().withWebRtcPort(0)));
             Chromium chromium = new Chromium(JoinPageBrowserTest.microphone660().toAbsolutePath(), JoinPageBrowserTest.DIR)) {
            String botToken = Tokens.p2pBotToken(server.baseUrl());
            String callId = peerToPeerCall(server, bot.url(), botToken);
            JoinPageDriver page = new JoinPageDriver(chromium);
            page.signInAndJoin(JoinPage.link(server.baseUrl(), callId), DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD);

            assertThat(graph(server, botToken, "DELETE", callId, null).statusCode()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(15)).until(() -> page.phase().equals("left"));
            chromium.screenshot(JoinPageBrowserTest.DIR.resolve("call-ended.png"));
            String shown = chromium.execute("return document.querySelector('main').innerText;").asText();
            assertThat(shown).contains("The call has ended.").doesNotContain("You left the call.");
            assertThat(page.visible("rejoin")).as("Join again, on a call that has ended").isFalse();
            assertThat(chromium.consoleErrors()).isEmpty();
        }
    }

    @Test
    void leavingSaysSoOnceAndOffersJoinAgain() throws Exception {
        Chromium.requireOrSkip();
        try (CallbackReceiver bot = new CallbackReceiver();
             TestServer server = TestServer.start(cfg -> cfg.withMedia(cfg.media().withWebRtcPort(0)));
             Chromium chromium = new Chromium(JoinPageBrowserTest.microphone660().toAbsolutePath(), JoinPageBrowserTest.DIR)) {
            String callId = server.groupCall(bot.url(), Tokens.devBotToken(server.baseUrl()));
            JoinPageDriver page = new JoinPageDriver(chromium);
            page.signInAndJoin(JoinPage.link(server.baseUrl(), callId), DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD);

            page.click("leave");
            await().atMost(Duration.ofSeconds(15)).until(() -> page.phase().equals("left"));
            String shown = chromium.execute("return document.querySelector('main').innerText;").asText();
            assertThat(shown.split("You left the call\\.", -1)).as(shown).hasSize(2);
            assertThat(page.visible("rejoin")).isTrue();
            assertThat(chromium.consoleErrors()).isEmpty();
        }
    }

    /** A join that fails (the call ended before the click) says so, and offers Join again, not "Ready to join.". */
    @Test
    void aFailedJoinSaysItIsNotInTheCall() throws Exception {
        Chromium.requireOrSkip();
        try (CallbackReceiver bot = new CallbackReceiver();
             TestServer server = TestServer.start(cfg -> cfg.withMedia(cfg.media().withWebRtcPort(0)));
             Chromium chromium = new Chromium(JoinPageBrowserTest.microphone660().toAbsolutePath(), JoinPageBrowserTest.DIR)) {
            String botToken = Tokens.devBotToken(server.baseUrl());
            String callId = server.groupCall(bot.url(), botToken);
            JoinPageDriver page = new JoinPageDriver(chromium);
            page.signIn(JoinPage.link(server.baseUrl(), callId), DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD);
            assertThat(graph(server, botToken, "DELETE", callId, null).statusCode()).isEqualTo(204);

            page.click("join");
            await().atMost(Duration.ofSeconds(15)).until(() -> page.phase().equals("failed"));
            assertThat(page.state().path("status").asText()).isEqualTo("Not in the call.");
            assertThat(page.state().path("error").asText()).contains("not found");
            assertThat(page.visible("join")).as("Join, to try again").isTrue();
        }
    }

    /** A peer-to-peer call from the P2P bot to alice; its id. */
    private static String peerToPeerCall(TestServer server, String callbackUri, String botToken) throws Exception {
        String body = """
                {"callbackUri":"%s","requestedModalities":["audio"],
                 "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},
                 "targets":[{"identity":{"user":{"id":"%s"}}}]}""".formatted(callbackUri, DevIdentities.ALICE_ID);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1.0/communications/calls"))
                .header("Authorization", "Bearer " + botToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return new ObjectMapper().readTree(r.body()).path("id").asText();
    }
}
