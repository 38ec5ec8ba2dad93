package dev.switchboard.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.communications.calls.item.participants.item.mute.MutePostRequestBody;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.api.GraphSdk;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.notify.BotReceiver;
import dev.switchboard.testsupport.Firefox;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in headless Firefox ESR, driven through Firefox's own WebDriver BiDi ({@link Firefox}): an
 * administrator signs in, a call the Graph SDK creates appears, alice's level moves, a Graph mute of alice shows
 * "muted by the server", the page's Unmute makes the SDK read isMuted false. Screenshots go to target/dashboard/
 * next to Chromium's ({@link DashboardBrowserTest}).
 */
class DashboardFirefoxTest {
    private static final Duration CEILING = Duration.ofSeconds(30);

    @Test
    void theDashboardWorksInFirefox() throws Exception {
        Firefox.requireOrSkip();
        Path dir = Files.createDirectories(Path.of("target/dashboard"));
        try (BotReceiver bot = new BotReceiver(); TestServer server = TestServer.start(); RtpPeer alice = new RtpPeer("127.0.0.1");
             Firefox page = new Firefox(dir)) {
            String base = server.baseUrl();
            page.windowSize(1400, 1000);
            page.open(base + "/dashboard");
            await().atMost(CEILING).ignoreExceptions().until(() -> text(page, "#signin h1").contains("sign-in"));
            page.type("#username", "admin");
            page.type("#password", "admin");
            page.click("#signin-button");
            await().atMost(CEILING).ignoreExceptions().until(() -> text(page, "#who").contains("Administrator"));

            // a call created through the Graph SDK appears
            GraphServiceClient graph = GraphSdk.client(base, Tokens.devBotToken(base));
            String callId = graph.communications().calls().post(GraphSdk.call(bot.uri("/callback").toString(),
                    DevIdentities.ALICE_ID, DevIdentities.BOB_ID)).getId();
            String callRow = "tr[data-call-id='" + callId + "']";
            await().atMost(CEILING).ignoreExceptions().until(() -> text(page, callRow + " .state").equals("established"));

            // alice joins and talks; the call page shows her level
            ClientApi.Joined joined = new ClientApi(new ServerHttp(base), Tokens.aliceToken(base)).join(callId, alice.offer("sendrecv"));
            alice.startTone(mediaPort(joined.sdpAnswer()), 440);
            await().atMost(CEILING).ignoreExceptions().until(() -> text(page, callRow + " .participants").equals("2"));
            page.screenshot(dir.resolve("firefox-calls-list.png"));
            page.click(callRow + " a");
            String aliceRow = "tr[data-participant-id='" + joined.participantId() + "']";
            await().atMost(CEILING).ignoreExceptions().until(() -> level(page, aliceRow) > 0.1);

            // a Graph mute shows as a server mute
            graph.communications().calls().byCallId(callId).participants().byParticipantId(joined.participantId()).mute()
                    .post(new MutePostRequestBody());
            await().atMost(CEILING).ignoreExceptions().until(() -> text(page, aliceRow + " .server-mute").equals("muted by the server"));
            page.screenshot(dir.resolve("firefox-call-muted.png"));

            // the page's Unmute takes the bot's path: the SDK reads isMuted false
            await().atMost(CEILING).ignoreExceptions().until(() -> {
                page.click(aliceRow + " button[data-action='unmute']");
                return true;
            });
            await().atMost(CEILING).until(() -> !graph.communications().calls().byCallId(callId).participants()
                    .byParticipantId(joined.participantId()).get().getIsMuted());
            await().atMost(CEILING).ignoreExceptions().until(() -> text(page, aliceRow + " .mute").equals("unmuted"));
            page.screenshot(dir.resolve("firefox-call-page.png"));
        }
    }

    /** The rendered text of the first match, read in one script run. */
    private static String text(Firefox page, String css) throws Exception {
        return page.execute("const e = document.querySelector(arguments[0]); return e ? e.innerText.trim() : '';", css).asText();
    }

    private static double level(Firefox page, String row) throws Exception {
        JsonNode v = page.execute("const b = document.querySelector(arguments[0] + ' .level'); return b ? (b.dataset.level || '0') : '0';", row);
        return Double.parseDouble(v.asText("0"));
    }

    private static int mediaPort(String answer) {
        Matcher m = Pattern.compile("m=audio (\\d+) ").matcher(answer);
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
