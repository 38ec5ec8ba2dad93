package dev.switchboard.web;

import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.webrtc.Chromium;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static dev.switchboard.web.JoinPageBrowserTest.graph;
import static dev.switchboard.web.JoinPageBrowserTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /join?meeting=<joinMeetingId>}: the client API finds a live group call by the meeting id Graph shows in the
 * call's {@code meetingInfo} ({@code GET /client/v1/meetings/{joinMeetingId}}, users of the tenant only), and the join
 * page opens that call; an unknown id gets the page's "Call not found".
 */
class JoinByMeetingIdTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void theClientApiFindsALiveGroupCallByItsMeetingIdForUsersOfTheTenantOnly() throws Exception {
        try (CallbackReceiver bot = new CallbackReceiver(); TestServer server = TestServer.start(cfg -> cfg)) {
            String botToken = Tokens.devBotToken(server.baseUrl());
            String callId = server.groupCall(bot.url(), botToken);
            String meetingId = joinMeetingId(server, botToken, callId);

            HttpResponse<String> found = find(server, meetingId, Tokens.bobToken(server.baseUrl()));
            assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
            assertThat(json(found.body()).get("callId").asText()).isEqualTo(callId);
            assertThat(json(found.body()).get("joinMeetingId").asText()).isEqualTo(meetingId);

            HttpResponse<String> unknown = find(server, "000000000", Tokens.bobToken(server.baseUrl()));
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(json(unknown.body()).at("/error/code").asText()).isEqualTo("itemNotFound");
            assertThat(find(server, meetingId, botToken).statusCode()).as("an app token").isEqualTo(403);
            assertThat(find(server, meetingId, Tokens.otherTenantBotToken(server.baseUrl())).statusCode()).isEqualTo(403);
            assertThat(find(server, meetingId, null).statusCode()).isEqualTo(401);

            assertThat(graph(server, botToken, "DELETE", callId, null).statusCode()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(5)).until(() -> find(server, meetingId, Tokens.bobToken(server.baseUrl())).statusCode() == 404);
        }
    }

    @Test
    void aPersonJoinsByTheMeetingIdAndAnUnknownIdSaysCallNotFound() throws Exception {
        Chromium.requireOrSkip();
        Path dir = JoinPageBrowserTest.DIR;
        Path wav = JoinPageBrowserTest.microphone660();
        try (CallbackReceiver bot = new CallbackReceiver();
             TestServer server = TestServer.start(cfg -> cfg.withMedia(cfg.media().withWebRtcPort(0)));
             Chromium chromium = new Chromium(wav.toAbsolutePath(), dir)) {
            String botToken = Tokens.devBotToken(server.baseUrl());
            String callId = server.groupCall(bot.url(), botToken);
            String meetingId = joinMeetingId(server, botToken, callId);

            JoinPageDriver page = new JoinPageDriver(chromium);
            page.signInAndJoin(server.baseUrl() + "/join?meeting=" + URLEncoder.encode(meetingId, StandardCharsets.UTF_8),
                    DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD);
            String aliceId = page.participantId();
            assertThat(page.text("call-line")).contains(callId, meetingId);
            await().atMost(Duration.ofSeconds(10)).until(() -> page.rosterState(aliceId).equals("live"));
            assertThat(graph(server, botToken, "GET", callId + "/participants/" + aliceId, null).statusCode())
                    .as("alice is in the call the meeting id named").isEqualTo(200);
            page.click("leave");
            await().atMost(Duration.ofSeconds(10)).until(() -> page.phase().equals("left"));

            chromium.open(server.baseUrl() + "/join?meeting=999999999"); // still signed in (this tab's sessionStorage)
            await().atMost(Duration.ofSeconds(15)).until(() -> page.phase().equals("not-found"));
            assertThat(page.text("status")).isEqualTo("Call not found.");
            assertThat(page.text("error")).startsWith("Call not found");
            assertThat(page.visible("join")).isFalse();
            chromium.screenshot(dir.resolve("meeting-not-found.png"));
        }
    }

    private static String joinMeetingId(TestServer server, String botToken, String callId) throws Exception {
        HttpResponse<String> call = graph(server, botToken, "GET", callId, null);
        assertThat(call.statusCode()).isEqualTo(200);
        String id = json(call.body()).at("/meetingInfo/joinMeetingId").asText();
        assertThat(id).isNotBlank();
        return id;
    }

    private static HttpResponse<String> find(TestServer server, String meetingId, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/client/v1/meetings/"
                + URLEncoder.encode(meetingId, StandardCharsets.UTF_8)));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
