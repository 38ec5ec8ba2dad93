package dev.switchboard.auth;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testsupport.TestServer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Password spraying (docs/identity.md, "Password spraying"), over real HTTP with real token requests from two client
 * addresses: once one address failed with 50 different user names in an hour, its sign-ins of names that never signed
 * in there are refused unchecked (AADSTS50053, Retry-After), while a user who signed in there before still gets in,
 * and the same user elsewhere is not held back.
 */
class PasswordSprayLimitTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static HttpClient from(String address) throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).localAddress(InetAddress.getByName(address))
                .build();
    }

    private static HttpResponse<String> passwordGrant(HttpClient http, String base, String user, String password) throws Exception {
        String form = "grant_type=password&client_id=" + enc(DevIdentities.DEV_BOT_APP_ID) + "&client_secret="
                + enc(DevIdentities.DEV_BOT_SECRET) + "&username=" + enc(user) + "&password=" + enc(password)
                + "&scope=" + enc("https://graph.microsoft.com/.default");
        return http.send(HttpRequest.newBuilder(URI.create(base + "/" + DevIdentities.TENANT_ID + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int aadsts(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("error_codes").path(0).asInt();
    }

    @Test
    void fiftyNamesFailedFromOneAddressHoldBackNewNamesThereButNotFamiliarOnesNorOtherAddresses() throws Exception {
        ListAppender<ILoggingEvent> audit = new ListAppender<>();
        audit.start();
        ((Logger) LoggerFactory.getLogger("switchboard.audit")).addAppender(audit);
        try (TestServer server = TestServer.start()) {
            String base = server.baseUrl();
            HttpClient sprayer = from("127.0.0.2");
            HttpClient elsewhere = from("127.0.0.1");
            assertThat(passwordGrant(sprayer, base, DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD).statusCode())
                    .isEqualTo(200);
            // alice's own typos there are no spraying
            assertThat(aadsts(passwordGrant(sprayer, base, DevIdentities.ALICE_USERNAME, "typo"))).isEqualTo(50126);
            for (int i = 0; i < PasswordSprayLimit.DISTINCT_NAMES; i++) {
                HttpResponse<String> r = passwordGrant(sprayer, base, "user" + i + "@switchboard.local", "Winter2026!");
                assertThat(aadsts(r)).as("name %d: %s", i, r.body()).isEqualTo(50126);
            }
            HttpResponse<String> held = passwordGrant(sprayer, base, DevIdentities.BOB_USERNAME, DevIdentities.BOB_PASSWORD);
            assertThat(held.statusCode()).isEqualTo(400);
            assertThat(aadsts(held)).as("a name new at that address, its password unchecked").isEqualTo(50053);
            assertThat(Long.parseLong(held.headers().firstValue("Retry-After").orElseThrow())).isBetween(3000L, 3600L);
            assertThat(aadsts(passwordGrant(sprayer, base, "user999@switchboard.local", "Winter2026!"))).isEqualTo(50053);
            // alice signed in there before: she still gets in; bob, elsewhere, too
            assertThat(passwordGrant(sprayer, base, DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD).statusCode())
                    .isEqualTo(200);
            assertThat(passwordGrant(elsewhere, base, DevIdentities.BOB_USERNAME, DevIdentities.BOB_PASSWORD).statusCode())
                    .isEqualTo(200);
            assertThat(audit.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anyMatch(l -> l.startsWith("sign-in spraying throttled address=127.0.0.2 path=token distinctNames=50 "
                            + "retryAfterSeconds="));
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("switchboard_guesses_refused_total{limit=\"password_spray\"} 2.0");
        } finally {
            ((Logger) LoggerFactory.getLogger("switchboard.audit")).detachAppender(audit);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
