package dev.switchboard.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.communications.calls.item.participants.item.mute.MutePostRequestBody;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.api.GraphSdk;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.webrtc.Chromium;
import dev.switchboard.media.webrtc.ChromiumWebRtcTest;
import dev.switchboard.notify.BotReceiver;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in headless Debian Chromium (WebDriver through Debian's chromedriver) against a real server: the
 * Graph SDK as the bot, a real webhook receiver, alice as a real RTP peer sending a tone. The page refuses those who
 * are no administrator; shows the call, alice's moving level, a Graph mute as "muted by the server"; its Unmute
 * button takes the bot's path (the SDK reads isMuted false, the webhook hears the roster); a receiver answering 503
 * shows "retrying" with its next attempt, then "delivered"; ending the call from the page terminates it for the bot.
 * Screenshots go to target/dashboard/.
 */
class DashboardBrowserTest {
    private static final Duration CEILING = Duration.ofSeconds(30);

    @Test
    void theDashboardShowsActsAndRefuses() throws Exception {
        Chromium.requireOrSkip();
        Path dir = Files.createDirectories(Path.of("target/dashboard"));
        Path wav = dir.resolve("silence.wav");
        ChromiumWebRtcTest.writeTone(wav, 440, 1);
        AtomicBoolean refuse = new AtomicBoolean();
        try (BotReceiver bot = new BotReceiver(); TestServer server = TestServer.start(); RtpPeer alice = new RtpPeer("127.0.0.1");
             Chromium page = new Chromium(wav.toAbsolutePath(), dir)) {
            String base = server.baseUrl();
            bot.answer(r -> BotReceiver.status(refuse.get() ? 503 : 200));

            // ---- refused: no token (sign-in form), a plain user, an app token
            page.windowSize(1400, 1000);
            page.open(base + "/dashboard");
            await().atMost(CEILING).ignoreExceptions().until(() -> text(page, "#signin h1").contains("sign-in"));
            signIn(page, DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD);
            await().atMost(CEILING).ignoreExceptions().until(() -> text(page, "#error").contains("not an administrator"));
            page.execute("sessionStorage.setItem('switchboard.adminToken', arguments[0]);", Tokens.devBotToken(base));
            page.open(base + "/dashboard#/");
            await().atMost(CEILING).ignoreExceptions().until(() -> text(page, "#error").contains("application tokens are refused"));
            assertThat(page.execute("return document.querySelector('#calls') === null;").asBoolean()).isTrue();

            // ---- an administrator; a call created by the bot appears
            signIn(page, "admin", "admin");
            await().atMost(CEILING).ignoreExceptions().until(() -> text(page, "#who").contains("Administrator"));
            GraphServiceClient graph = GraphSdk.client(base, Tokens.devBotToken(base));
            String callId = graph.communications().calls().post(GraphSdk.call(bot.uri("/callback").toString(),
                    DevIdentities.ALICE_ID, DevIdentities.BOB_ID)).getId();
            long created = System.nanoTime();
            await().atMost(CEILING).until(() -> exists(page, "tr[data-call-id='" + callId + "']"));
            long shownMillis = (System.nanoTime() - created) / 1_000_000;
            assertThat(text(page, "tr[data-call-id='" + callId + "'] .state")).isEqualTo("established");

            // ---- alice joins over RTP and talks: her level moves
            ClientApi aliceApi = new ClientApi(new ServerHttp(base), Tokens.aliceToken(base));
            ClientApi.Joined joined = aliceApi.join(callId, alice.offer("sendrecv"));
            alice.startTone(mediaPort(joined.sdpAnswer()), 440);
            String aliceRow = "tr[data-participant-id='" + joined.participantId() + "']";
            await().atMost(CEILING).until(() -> text(page, "tr[data-call-id='" + callId + "'] .participants").equals("2"));
            page.screenshot(dir.resolve("calls-list.png"));
            click(page, "tr[data-call-id='" + callId + "'] a");
            await().atMost(CEILING).until(() -> level(page, aliceRow) > 0.1);
            assertThat(text(page, aliceRow + " .leg")).isEqualTo("RTP");

            // ---- the bot mutes alice through Graph: the page shows the server mute, her level falls
            MutePostRequestBody mute = new MutePostRequestBody();
            graph.communications().calls().byCallId(callId).participants().byParticipantId(joined.participantId()).mute().post(mute);
            await().atMost(CEILING).ignoreExceptions().until(() -> text(page, aliceRow + " .server-mute").equals("muted by the server"));
            await().atMost(CEILING).until(() -> level(page, aliceRow) == 0.0);
            page.screenshot(dir.resolve("call-muted.png"));

            // ---- Unmute on the page while the bot's receiver answers 503: the SDK reads isMuted false, the page shows
            // the roster POST retrying with its next attempt, then delivered once the receiver takes it
            refuse.set(true);
            int before = bot.all().size();
            click(page, aliceRow + " button[data-action='unmute']");
            await().atMost(CEILING).until(() -> !graph.communications().calls().byCallId(callId).participants()
                    .byParticipantId(joined.participantId()).get().getIsMuted());
            await().atMost(CEILING).until(() -> bot.all().size() > before);
            String rosterPost = bot.all().get(before).notificationId();
            String row = "tr[data-notification-id='" + rosterPost + "']";
            await().atMost(CEILING).ignoreExceptions().until(() -> text(page, row + " .delivery-state").equals("retrying"));
            assertThat(text(page, row + " .next-attempt")).isNotBlank();
            assertThat(text(page, row + " .last-error")).contains("503");
            page.screenshot(dir.resolve("call-retrying.png"));
            refuse.set(false);
            await().atMost(CEILING).ignoreExceptions().until(() -> text(page, row + " .delivery-state").equals("delivered"));
            JsonNode roster = bot.accepted().stream().filter(r -> rosterPost.equals(r.notificationId())).findFirst()
                    .orElseThrow().item();
            assertThat(roster.path("resourceUrl").asText()).endsWith("/participants");
            assertThat(roster.toString()).contains(joined.participantId());
            await().atMost(CEILING).until(() -> level(page, aliceRow) > 0.1);
            page.screenshot(dir.resolve("call-page.png"));

            // ---- end the call from the page: the bot hears terminated
            page.click("#end-call");
            page.click("#end-call");
            await().atMost(CEILING).until(() -> bot.accepted().stream()
                    .flatMap(BotReceiver.Received::items).anyMatch(i -> i.path("resourceData").path("state").asText().equals("terminated")));
            try {
                await().atMost(CEILING).ignoreExceptions().until(() -> text(page, "#call-state").equals("terminated"));
            } catch (AssertionError | RuntimeException e) {
                page.screenshot(dir.resolve("failure.png"));
                System.out.println("page text: " + page.execute("return document.body.innerText;").asText());
                throw e;
            }
            assertThat(text(page, "#call-result")).contains("administrator");
            page.open(base + "/dashboard#/");
            await().atMost(CEILING).ignoreExceptions().until(() -> text(page, "tr[data-call-id='" + callId + "'] .state").equals("terminated"));
            System.out.println("dashboard: call listed " + shownMillis + " ms after the SDK's 201 (loaded machine, not asserted)");
        }
    }

    private static void signIn(Chromium page, String user, String password) throws Exception {
        await().atMost(CEILING).ignoreExceptions().until(() -> exists(page, "#signin"));
        page.execute("document.getElementById('username').value=''; document.getElementById('password').value='';");
        page.type("#username", user);
        page.type("#password", password);
        page.click("#signin-button");
    }

    /** Clicks once the element is there and holds still (the page redraws live tables; a stale click is retried). */
    private static void click(Chromium page, String css) {
        await().atMost(CEILING).ignoreExceptions().until(() -> {
            page.click(css);
            return true;
        });
    }

    /** The rendered text of the first match, read in one script run (a live table may be redrawn between WebDriver calls). */
    private static String text(Chromium page, String css) throws Exception {
        return page.execute("const e = document.querySelector(arguments[0]); return e ? e.innerText.trim() : '';", css).asText();
    }

    private static boolean exists(Chromium page, String css) throws Exception {
        return page.execute("return document.querySelector(arguments[0]) !== null;", css).asBoolean();
    }

    private static double level(Chromium page, String row) throws Exception {
        JsonNode v = page.execute("const b = document.querySelector(arguments[0] + ' .level'); return b ? (b.dataset.level || '0') : '0';", row);
        return Double.parseDouble(v.asText("0"));
    }

    private static int mediaPort(String answer) {
        Matcher m = Pattern.compile("m=audio (\\d+) ").matcher(answer);
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
