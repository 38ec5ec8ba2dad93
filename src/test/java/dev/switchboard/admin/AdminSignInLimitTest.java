package dev.switchboard.admin;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.auth.SignInThrottle;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Repeated failed sign-ins of an administrator are refused for a while (docs/admin-api.md, "Sign-in limits"), over
 * HTTP against a real server: the admin API's sign-in answers a Graph-style 429 with Retry-After after 5 failures in a
 * minute, even for the right password; the token endpoint's password grant of an admin shares the count and answers
 * Entra's lockout (AADSTS50053) with Retry-After; other users' failures do not count toward it (theirs: UserSignInLimitTest); a
 * success clears the count; refusals are audited (bounded: RefusalFloodTest).
 */
class AdminSignInLimitTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void fiveFailedAdminSignInsA_MinuteGetA429WithRetryAfter() throws Exception {
        ListAppender<ILoggingEvent> audit = new ListAppender<>();
        audit.start();
        ((Logger) LoggerFactory.getLogger("switchboard.audit")).addAppender(audit);
        try (TestServer server = TestServer.start()) {
            AdminHttp http = new AdminHttp(server.baseUrl());
            // a success clears the failures before it
            for (int i = 0; i < SignInThrottle.MAX_FAILURES - 1; i++) {
                assertThat(signIn(http, "wrong").status()).isEqualTo(401);
            }
            assertThat(signIn(http, "admin").status()).isEqualTo(200);
            for (int i = 0; i < SignInThrottle.MAX_FAILURES - 1; i++) {
                assertThat(signIn(http, "wrong").status()).isEqualTo(401);
            }
            // the fifth failure comes through the token endpoint's password grant: the same count
            HttpResponse<String> fifth = passwordGrant(server.baseUrl(), "admin", "wrong");
            assertThat(fifth.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(fifth.body()).path("error_codes").get(0).asInt()).isEqualTo(50126);

            AdminHttp.Answer refused = signIn(http, "admin"); // even the right password waits
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.json().path("error").path("code").asText()).isEqualTo("TooManyRequests");
            assertThat(refused.json().path("error").path("message").asText()).contains("try again in");
            HttpResponse<String> raw = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/admin/v1/signin"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"admin\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(raw.statusCode()).isEqualTo(429);
            long retryAfter = Long.parseLong(raw.headers().firstValue("Retry-After").orElseThrow());
            assertThat(retryAfter).isBetween(1L, 60L);

            HttpResponse<String> locked = passwordGrant(server.baseUrl(), "admin", "admin");
            assertThat(locked.statusCode()).isEqualTo(400);
            JsonNode lockedBody = JSON.readTree(locked.body());
            assertThat(lockedBody.path("error").asText()).isEqualTo("invalid_grant");
            assertThat(lockedBody.path("error_codes").get(0).asInt()).isEqualTo(50053);
            assertThat(locked.headers().firstValue("Retry-After")).isPresent();

            // the per-address count: every name from this address waits (all requests here come from loopback)
            assertThat(signIn(http, "nobody", "x").status()).isEqualTo(429);

            assertThat(audit.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anyMatch(l -> l.contains("sign-in throttled") && l.contains("actor=admin") && l.contains("path=admin"))
                    .anyMatch(l -> l.contains("sign-in throttled") && l.contains("path=token"))
                    // the limit's line records a refusal, a few lines a minute at most; no line of its own per refusal
                    .noneMatch(l -> l.contains("admin sign-in actor=admin outcome=TooManyRequests"));
        } finally {
            ((Logger) LoggerFactory.getLogger("switchboard.audit")).detachAppender(audit);
        }
    }

    @Test
    void otherUsersFailuresDoNotCountTowardTheAdministratorsLimit() throws Exception { // theirs: UserSignInLimitTest
        try (TestServer server = TestServer.start()) {
            for (int i = 0; i < SignInThrottle.MAX_FAILURES + 2; i++) {
                HttpResponse<String> r = passwordGrant(server.baseUrl(), DevIdentities.ALICE_USERNAME, "wrong");
                assertThat(JSON.readTree(r.body()).path("error_codes").get(0).asInt()).isEqualTo(50126);
            }
            assertThat(Tokens.aliceToken(server.baseUrl())).isNotBlank();
            assertThat(new AdminHttp(server.baseUrl()).signIn("admin", "admin")).isNotBlank(); // nor the address counted
        }
    }

    private static AdminHttp.Answer signIn(AdminHttp http, String password) throws Exception {
        return signIn(http, "admin", password);
    }

    private static AdminHttp.Answer signIn(AdminHttp http, String user, String password) throws Exception {
        return http.post("/admin/v1/signin", null, "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}");
    }

    private static HttpResponse<String> passwordGrant(String base, String user, String password) {
        return Tokens.post(base, DevIdentities.TENANT_ID, "grant_type=password&client_id=" + DevIdentities.DEV_BOT_APP_ID
                + "&client_secret=" + URLEncoder.encode(DevIdentities.DEV_BOT_SECRET, StandardCharsets.UTF_8)
                + "&username=" + user + "&password=" + password + "&scope="
                + URLEncoder.encode(Tokens.GRAPH_DEFAULT_SCOPE, StandardCharsets.UTF_8));
    }
}
