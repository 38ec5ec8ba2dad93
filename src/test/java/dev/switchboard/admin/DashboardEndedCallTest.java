package dev.switchboard.admin;

import dev.switchboard.media.webrtc.Chromium;
import dev.switchboard.media.webrtc.ChromiumWebRtcTest;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An operator ends a call from its dashboard page (headless Chromium, a real server and bot): the page shows it
 * terminated and then offers nothing that only a live call can take (End call, Join as a user), nor does the page of
 * a call the server does not have; the page logged no console error (a missing favicon counted as one). Screenshot {@code target/dashboard/call-ended.png}.
 */
class DashboardEndedCallTest {
    private static final Duration CEILING = Duration.ofSeconds(30);

    @Test
    void anEndedCallOffersNoLiveCallActions() throws Exception {
        Chromium.requireOrSkip();
        Path dir = Files.createDirectories(Path.of("target/dashboard"));
        Path wav = dir.resolve("tone-440.wav");
        ChromiumWebRtcTest.writeTone(wav, 440, 1);
        try (CallbackReceiver bot = new CallbackReceiver(); TestServer server = TestServer.start();
             Chromium page = new Chromium(wav.toAbsolutePath(), dir)) {
            String callId = server.groupCall(bot.url(), Tokens.devBotToken(server.baseUrl()));
            page.windowSize(1400, 1000);
            page.open(server.baseUrl() + "/dashboard#/call/" + callId);
            await().atMost(CEILING).ignoreExceptions().until(() -> exists(page, "#signin"));
            page.type("#username", "admin");
            page.type("#password", "admin");
            page.click("#signin-button");
            await().atMost(CEILING).ignoreExceptions().until(() -> text(page, "#call-state").equals("established"));
            assertThat(visible(page, "#end-call")).isTrue();
            assertThat(visible(page, "#join-link")).isTrue();

            page.click("#end-call");
            page.click("#end-call");
            await().atMost(CEILING).ignoreExceptions().until(() -> text(page, "#call-state").equals("terminated"));
            page.screenshot(dir.resolve("call-ended.png"));
            assertThat(visible(page, "#end-call")).as("End call on an ended call").isFalse();
            assertThat(visible(page, "#join-link")).as("Join as a user on an ended call").isFalse();
            assertThat(text(page, "#error")).isEmpty();

            page.open(server.baseUrl() + "/dashboard#/call/no-such-call"); // a call the server never had: "gone"
            await().atMost(CEILING).ignoreExceptions().until(() -> text(page, "#error").contains("no longer live"));
            assertThat(visible(page, "#end-call")).as("End call on a call that does not exist").isFalse();
            assertThat(visible(page, "#join-link")).isFalse();
            assertThat(page.consoleErrors()).isEmpty();
        }
    }

    private static String text(Chromium page, String css) throws Exception {
        return page.execute("const e = document.querySelector(arguments[0]); return e ? e.innerText.trim() : '';", css).asText();
    }

    private static boolean exists(Chromium page, String css) throws Exception {
        return page.execute("return document.querySelector(arguments[0]) !== null;", css).asBoolean();
    }

    private static boolean visible(Chromium page, String css) throws Exception {
        return page.execute("const e = document.querySelector(arguments[0]); return !!e && e.offsetParent !== null;", css).asBoolean();
    }
}
