package dev.switchboard.web;

import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.webrtc.Chromium;
import dev.switchboard.testsupport.TcpProxy;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.switchboard.web.JoinPageBrowserTest.graph;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The join page's roster stream survives a network blip: the page reaches the server through a TCP proxy (the server's
 * public URL), alice joins in headless Chromium, and the proxy drops the roster stream's connection without a close
 * handshake (a proxy reload, a Wi-Fi change; the WebRTC media goes straight to the server and is untouched). The page
 * opens the stream again by itself, so a server mute the bot makes afterwards still shows, and the error goes away.
 * Before session 21 the page kept the stale roster and the error "The roster stream closed (1006)." for good.
 */
class JoinPageRosterReconnectTest {
    private static final String ROSTER_UPGRADE = "GET /client/v1/calls/";

    @Test
    void aDroppedRosterStreamIsOpenedAgainAndShowsLaterMutes() throws Exception {
        Chromium.requireOrSkip();
        try (TcpProxy proxy = new TcpProxy();
             CallbackReceiver bot = new CallbackReceiver();
             TestServer server = TestServer.start(cfg -> cfg.withPublicUrl(proxy.url()).withMedia(cfg.media().withWebRtcPort(0)));
             Chromium chromium = new Chromium(JoinPageBrowserTest.microphone660().toAbsolutePath(), JoinPageBrowserTest.DIR)) {
            proxy.forwardTo(server.server().port());
            String botToken = Tokens.devBotToken(server.baseUrl());
            String callId = server.groupCall(bot.url(), botToken);
            JoinPageDriver page = new JoinPageDriver(chromium);
            page.signInAndJoin(JoinPage.link(proxy.url(), callId), DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD);
            String alice = page.participantId();
            await().atMost(Duration.ofSeconds(15)).until(() -> page.rosterState(alice).equals("live"));

            assertThat(proxy.cut(ROSTER_UPGRADE)).as("roster stream connections dropped, of " + proxy).isEqualTo(1);
            assertThat(graph(server, botToken, "POST", callId + "/participants/" + alice + "/mute", "{}").statusCode()).isEqualTo(200);
            try {
                await().atMost(Duration.ofSeconds(15)).until(() -> page.rosterState(alice).equals("muted by the server")
                        && page.visible("server-muted") && page.value("return window.switchboardJoin.error").equals("null"));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("after the blip: " + page.state() + ", alice " + page.rosterState(alice), e);
            }
            assertThat(page.phase()).isEqualTo("joined");
        }
    }
}
