package dev.switchboard.web;

import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.ServerProcess;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code serve} logs the join link of each new call, and the link serves the page from the jar: its modules, the
 * sign-in coordinates (the development tenant's public client), and nothing else under {@code /join/}.
 */
class JoinLinkTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void serveLogsTheJoinLinkOfANewCallAndTheLinkServesThePage(@TempDir Path data) throws Exception {
        try (ServerProcess server = ServerProcess.start(data);
             CallbackReceiver bot = new CallbackReceiver()) {
            String callId = createGroupCall(server.baseUrl(), bot.url());
            String link = server.baseUrl() + "/join/" + callId;
            await().atMost(Duration.ofSeconds(20)).until(() -> server.output().stream()
                    .anyMatch(l -> l.contains("callId=" + callId) && l.contains("joinLink=" + link)));

            HttpResponse<String> page = get(link);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
            assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(c -> assertThat(c).contains("default-src 'self'"));
            assertThat(page.body()).contains("<script type=\"module\" src=\"/join/assets/join.js\"></script>").doesNotContain("http://", "https://");
            for (String asset : JoinPage.ASSETS) {
                HttpResponse<String> r = get(server.baseUrl() + "/join/assets/" + asset);
                assertThat(r.statusCode()).as(asset).isEqualTo(200);
                assertThat(r.body()).as(asset + " loads nothing from elsewhere").doesNotContain("https://cdn", "http://");
            }
            assertThat(get(server.baseUrl() + "/join/config.json").body())
                    .isEqualTo("{\"signIn\":{\"tenantId\":\"" + DevIdentities.TENANT_ID + "\",\"clientId\":\"" + DevIdentities.DEV_SPA_APP_ID + "\"}}");
            assertThat(get(server.baseUrl() + "/join/assets/index.html").statusCode()).isEqualTo(404);
            assertThat(get(server.baseUrl() + "/join/assets/..%2F..%2Flogback.xml").statusCode()).isEqualTo(404);
            assertThat(get(server.baseUrl() + "/join?meeting=123").statusCode()).isEqualTo(200);
        }
    }

    private static String createGroupCall(String baseUrl, String callbackUrl) throws Exception {
        String body = """
                {"callbackUri":"%s","requestedModalities":["audio"],
                 "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},
                 "targets":[{"identity":{"user":{"id":"%s"}}},{"identity":{"user":{"id":"%s"}}}]}"""
                .formatted(callbackUrl, DevIdentities.ALICE_ID, DevIdentities.BOB_ID);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1.0/communications/calls"))
                .header("Authorization", "Bearer " + Tokens.devBotToken(baseUrl)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).get("id").asText();
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
