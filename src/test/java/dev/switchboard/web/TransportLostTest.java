package dev.switchboard.web;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.core.ParticipantCalls;
import dev.switchboard.media.RtpMediaEngine;
import dev.switchboard.media.webrtc.Chromium;
import dev.switchboard.media.webrtc.ChromiumWebRtcTest;
import dev.switchboard.media.webrtc.ConsentPolicy;
import dev.switchboard.testsupport.MediaPorts;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * When a browser's transport dies, the participant leaves the call: out of the roster, and the bot hears it in a
 * roster notification. First the page goes away (its peer connection closes: DTLS close_notify), then, joined again,
 * the browser is killed (SIGKILL: nothing said, ICE consent expires; short timings here, 2 s and 4 s).
 */
class TransportLostTest {

    @Test
    void aParticipantWhoseBrowserGoesAwayOrDiesLeavesTheRoster() throws Exception {
        Chromium.requireOrSkip();
        Path dir = Files.createDirectories(Path.of("target/join-page-lost"));
        Path wav = dir.resolve("tone-660.wav");
        ChromiumWebRtcTest.writeTone(wav, 660, 2);
        int[] ports = MediaPorts.nextRange(50);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        RtpMediaEngine media = new RtpMediaEngine("127.0.0.1", ports[0], ports[1], meters);
        media.enableWebRtc(new InetSocketAddress("127.0.0.1", 0),
                new ConsentPolicy(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(30)), meters);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger core = (Logger) LoggerFactory.getLogger(ParticipantCalls.class);
        logs.start();
        core.addAppender(logs);
        try (CallbackReceiver bot = new CallbackReceiver();
             TestServer server = TestServer.start(media, null);
             Chromium chromium = new Chromium(wav.toAbsolutePath(), dir)) {
            String botToken = Tokens.devBotToken(server.baseUrl());
            String callId = server.groupCall(bot.url(), botToken);
            String link = JoinPage.link(server.baseUrl(), callId);
            JoinPageDriver page = new JoinPageDriver(chromium);

            page.signInAndJoin(link, DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD);
            String first = page.participantId();
            awaitBotSees(bot, first, true);
            chromium.open("about:blank"); // the page goes away: its peer connection closes
            awaitGone(server, botToken, bot, callId, first);
            assertThat(reasonLogged(logs, first)).isEqualTo("dtls_closed");

            chromium.open(link); // still signed in (this tab's session)
            await().atMost(Duration.ofSeconds(15)).until(() -> page.phase().equals("ready"));
            page.click("join");
            page.awaitJoined();
            String second = page.participantId();
            assertThat(second).isNotEqualTo(first);
            awaitBotSees(bot, second, true);
            chromium.killBrowser();
            awaitGone(server, botToken, bot, callId, second);
            assertThat(reasonLogged(logs, second)).isEqualTo("ice_expired");
            assertThat(media.webRtc().legs()).isZero();
        } finally {
            core.detachAppender(logs);
        }
    }

    private static void awaitGone(TestServer server, String botToken, CallbackReceiver bot, String callId, String participantId) {
        await().atMost(Duration.ofSeconds(30)).until(() ->
                JoinPageBrowserTest.graph(server, botToken, "GET", callId + "/participants/" + participantId, null).statusCode() == 404);
        awaitBotSees(bot, participantId, false);
    }

    /** The bot's latest roster notification has (or no longer has) the participant. */
    private static void awaitBotSees(CallbackReceiver bot, String participantId, boolean present) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode latest = null;
            for (JsonNode item : bot.items()) {
                if (item.path("resourceUrl").asText().endsWith("/participants")) {
                    latest = item;
                }
            }
            if (latest == null) {
                return false;
            }
            boolean there = false;
            for (JsonNode p : latest.path("resourceData")) {
                there |= p.path("id").asText().equals(participantId) && p.path("removedState").isMissingNode();
            }
            return there == present;
        });
    }

    private static String reasonLogged(ListAppender<ILoggingEvent> logs, String participantId) {
        return logs.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("participant lost") && m.contains("participantId=" + participantId))
                .map(m -> m.substring(m.indexOf("reason=") + "reason=".length())).findFirst().orElse("none");
    }
}
