package dev.switchboard.auth;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
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
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guessing a client secret (docs/identity.md, "Client secrets"), over real HTTP with real token requests from two
 * client addresses (127.0.0.1, where the bot runs, and 127.0.0.2, a guesser): after 10 wrong secrets for a client id
 * from addresses that never authenticated it, the secret is not checked there until a wait that doubles with each
 * further failure ({@code 429 invalid_client AADSTS50053}, {@code Retry-After}), the right secret included; the bot
 * with the right secret from its familiar address is never held back; unknown client ids are limited alike; the
 * password grant's client authentication shares the count; refusals are audited.
 */
class ClientSecretLimitTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static HttpClient from(String address) throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).localAddress(InetAddress.getByName(address))
                .build();
    }

    private static HttpResponse<String> clientCredentials(HttpClient http, String base, String clientId, String secret)
            throws Exception {
        return token(http, base, "grant_type=client_credentials&client_id=" + enc(clientId) + "&client_secret=" + enc(secret)
                + "&scope=" + enc("https://graph.microsoft.com/.default"));
    }

    private static HttpResponse<String> token(HttpClient http, String base, String form) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/" + DevIdentities.TENANT_ID + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int aadsts(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("error_codes").path(0).asInt();
    }

    /** Wrong secrets for {@code clientId}, waiting out each refusal, until a refusal asks for at least 3 s. */
    private static void guessUntilTheWaitIsLong(HttpClient http, String base, String clientId, Runnable between) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (int i = 0; System.nanoTime() < deadline; i++) {
            HttpResponse<String> r = clientCredentials(http, base, clientId, "guess" + i);
            between.run();
            if (r.statusCode() == 429) {
                long wait = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
                if (wait >= 3) {
                    return;
                }
                Thread.sleep(wait * 1000);
            } else {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
                assertThat(aadsts(r)).isEqualTo(7000215);
            }
        }
        throw new AssertionError("no wait of 3 s or more within 30 s of guessing");
    }

    @Test
    void tenWrongSecretsElsewhereThenEvenTheRightOneWaitsThereWhileTheBotAtHomeAlwaysGetsItsToken() throws Exception {
        ListAppender<ILoggingEvent> audit = new ListAppender<>();
        audit.start();
        ((Logger) LoggerFactory.getLogger("switchboard.audit")).addAppender(audit);
        try (TestServer server = TestServer.start()) {
            HttpClient home = from("127.0.0.1");
            HttpClient guesser = from("127.0.0.2");
            String base = server.baseUrl();
            assertThat(clientCredentials(home, base, DevIdentities.DEV_BOT_APP_ID, DevIdentities.DEV_BOT_SECRET).statusCode())
                    .isEqualTo(200);
            for (int i = 0; i < UserSignInThrottle.FREE_FAILURES; i++) {
                HttpResponse<String> r = clientCredentials(guesser, base, DevIdentities.DEV_BOT_APP_ID, "guess" + i);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
            }
            // every guess from now on is followed by the bot's own request from home: it always gets its token
            guessUntilTheWaitIsLong(guesser, base, DevIdentities.DEV_BOT_APP_ID, () -> {
                try {
                    HttpResponse<String> bot = clientCredentials(home, base, DevIdentities.DEV_BOT_APP_ID, DevIdentities.DEV_BOT_SECRET);
                    assertThat(bot.statusCode()).as(bot.body()).isEqualTo(200);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            HttpResponse<String> locked = clientCredentials(guesser, base, DevIdentities.DEV_BOT_APP_ID, DevIdentities.DEV_BOT_SECRET);
            assertThat(locked.statusCode()).as("the right secret, unchecked").isEqualTo(429);
            JsonNode error = JSON.readTree(locked.body());
            assertThat(error.path("error").asText()).isEqualTo("invalid_client");
            assertThat(aadsts(locked)).isEqualTo(50053);
            assertThat(error.path("error_description").asText()).contains("try again in");
            assertThat(Long.parseLong(locked.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 4L);
            // the password grant authenticates the client too: the same count
            HttpResponse<String> password = token(guesser, base, "grant_type=password&client_id="
                    + enc(DevIdentities.DEV_BOT_APP_ID) + "&client_secret=" + enc(DevIdentities.DEV_BOT_SECRET) + "&username="
                    + enc(DevIdentities.ALICE_USERNAME) + "&password=" + enc(DevIdentities.ALICE_PASSWORD) + "&scope="
                    + enc("https://graph.microsoft.com/.default"));
            assertThat(password.statusCode()).isEqualTo(429);
            // another app behind the guesser's address is not held back
            assertThat(clientCredentials(guesser, base, DevIdentities.P2P_BOT_APP_ID, DevIdentities.P2P_BOT_SECRET).statusCode())
                    .isEqualTo(200);
            // after the wait the secret is checked again
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            HttpResponse<String> r;
            do {
                Thread.sleep(200);
                r = clientCredentials(guesser, base, DevIdentities.DEV_BOT_APP_ID, DevIdentities.DEV_BOT_SECRET);
            } while (r.statusCode() != 200 && System.nanoTime() < deadline);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(audit.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anyMatch(l -> l.startsWith("client secret throttled clientId=" + DevIdentities.DEV_BOT_APP_ID
                            + " address=127.0.0.2 path=token retryAfterSeconds="));
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).containsPattern("switchboard_guesses_refused_total\\{limit=\"client_secret\"\\} [1-9]");
        } finally {
            ((Logger) LoggerFactory.getLogger("switchboard.audit")).detachAppender(audit);
        }
    }

    @Test
    void anUnknownClientIdIsLimitedLikeAKnownOne() throws Exception {
        try (TestServer server = TestServer.start()) {
            HttpClient guesser = from("127.0.0.2");
            String unknown = "00000000-0000-4000-8000-0000000dead0";
            for (int i = 0; i < UserSignInThrottle.FREE_FAILURES; i++) {
                HttpResponse<String> r = clientCredentials(guesser, server.baseUrl(), unknown, "guess" + i);
                assertThat(r.statusCode()).isEqualTo(401);
                assertThat(aadsts(r)).isEqualTo(7000215);
            }
            HttpResponse<String> r = clientCredentials(guesser, server.baseUrl(), unknown, "guess");
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(aadsts(r)).isEqualTo(50053);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
