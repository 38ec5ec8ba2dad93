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
 * Password guessing against users who are no administrators (docs/identity.md, "Sign-in limits"), over real HTTP with
 * real token requests from two client addresses (127.0.0.1 and 127.0.0.2 stand for two networks): after 10 failures
 * for a user name the password is not checked until a wait that doubles with each further failure; the user still
 * signs in at once from an address they signed in from before; other users behind the guesser's address are not held
 * back; the authorize page is limited by the same count.
 */
class UserSignInLimitTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TENANT = DevIdentities.TENANT_ID;

    private static HttpClient from(String address) throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).localAddress(InetAddress.getByName(address))
                .build();
    }

    private static HttpResponse<String> passwordGrant(HttpClient http, String base, String user, String password) throws Exception {
        String form = "grant_type=password&client_id=" + enc(DevIdentities.DEV_BOT_APP_ID) + "&client_secret="
                + enc(DevIdentities.DEV_BOT_SECRET) + "&username=" + enc(user) + "&password=" + enc(password)
                + "&scope=" + enc("https://graph.microsoft.com/.default");
        return http.send(HttpRequest.newBuilder(URI.create(base + "/" + TENANT + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int aadsts(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("error_codes").path(0).asInt();
    }

    /**
     * Guesses wrong passwords for {@code user}, waiting out each refusal, until a refusal asks for at least 3 s (the 12th
     * failure's wait is 4 s): then the next request comes well within the wait however loaded the machine is.
     */
    private static void guessUntilTheWaitIsLong(HttpClient http, String base, String user) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (int i = 0; System.nanoTime() < deadline; i++) {
            HttpResponse<String> r = passwordGrant(http, base, user, "guess" + i);
            int code = aadsts(r);
            assertThat(code).as(r.body()).isIn(50126, 50053);
            if (code == 50053) {
                long wait = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
                if (wait >= 3) {
                    return;
                }
                Thread.sleep(wait * 1000);
            }
        }
        throw new AssertionError("no wait of 3 s or more within 30 s of guessing");
    }

    @Test
    void tenWrongPasswordsThenTheRightOneIsNotCheckedUntilTheWaitIsOver() throws Exception {
        ListAppender<ILoggingEvent> audit = new ListAppender<>();
        audit.start();
        ((Logger) LoggerFactory.getLogger("switchboard.audit")).addAppender(audit);
        try (TestServer server = TestServer.start()) {
            HttpClient guesser = from("127.0.0.2");
            for (int i = 0; i < UserSignInThrottle.FREE_FAILURES; i++) {
                assertThat(aadsts(passwordGrant(guesser, server.baseUrl(), DevIdentities.ALICE_USERNAME, "guess" + i)))
                        .isEqualTo(50126);
            }
            guessUntilTheWaitIsLong(guesser, server.baseUrl(), DevIdentities.ALICE_USERNAME);
            HttpResponse<String> locked = passwordGrant(guesser, server.baseUrl(), DevIdentities.ALICE_USERNAME,
                    DevIdentities.ALICE_PASSWORD);
            assertThat(locked.statusCode()).isEqualTo(400);
            JsonNode error = JSON.readTree(locked.body());
            assertThat(error.path("error").asText()).isEqualTo("invalid_grant");
            assertThat(aadsts(locked)).as("the right password, unchecked").isEqualTo(50053);
            assertThat(Long.parseLong(locked.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 4L);
            // after the wait the password is checked again: the right one signs in
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            HttpResponse<String> r;
            do {
                Thread.sleep(200);
                r = passwordGrant(guesser, server.baseUrl(), DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD);
            } while (r.statusCode() != 200 && System.nanoTime() < deadline);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(audit.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anyMatch(l -> l.contains("sign-in throttled") && l.contains("actor=alice@switchboard.local")
                            && l.contains("path=token"));
        } finally {
            ((Logger) LoggerFactory.getLogger("switchboard.audit")).detachAppender(audit);
        }
    }

    @Test
    void aGuesserElsewhereLocksNeitherTheUserAtAFamiliarAddressNorOthersBehindItsOwnAddress() throws Exception {
        try (TestServer server = TestServer.start()) {
            HttpClient home = from("127.0.0.1");
            HttpClient guesser = from("127.0.0.2");
            assertThat(passwordGrant(home, server.baseUrl(), DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD)
                    .statusCode()).isEqualTo(200);
            guessUntilTheWaitIsLong(guesser, server.baseUrl(), DevIdentities.ALICE_USERNAME);
            assertThat(aadsts(passwordGrant(guesser, server.baseUrl(), DevIdentities.ALICE_USERNAME,
                    DevIdentities.ALICE_PASSWORD))).as("the right password from the guesser's address waits too").isEqualTo(50053);
            // alice, where she signed in before, gets in at once; so does bob, behind the guesser's address
            assertThat(passwordGrant(home, server.baseUrl(), DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD)
                    .statusCode()).isEqualTo(200);
            assertThat(passwordGrant(guesser, server.baseUrl(), DevIdentities.BOB_USERNAME, DevIdentities.BOB_PASSWORD)
                    .statusCode()).isEqualTo(200);
        }
    }

    @Test
    void theAuthorizePageSharesTheCountAndAnswers429WithTheWait() throws Exception {
        try (TestServer server = TestServer.start()) {
            HttpClient guesser = from("127.0.0.2");
            guessUntilTheWaitIsLong(guesser, server.baseUrl(), DevIdentities.CAROL_USERNAME);
            String form = "client_id=" + enc(DevIdentities.DEV_SPA_APP_ID) + "&redirect_uri=" + enc("http://localhost:53117/callback")
                    + "&response_type=code&scope=" + enc("openid") + "&state=s&code_challenge="
                    + "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&username="
                    + enc(DevIdentities.CAROL_USERNAME) + "&password=" + enc(DevIdentities.CAROL_PASSWORD);
            HttpResponse<String> page = guesser.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/" + TENANT
                            + "/oauth2/v2.0/authorize")).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(429);
            assertThat(page.headers().firstValue("Retry-After")).isPresent();
            assertThat(page.body()).contains("Too many failed sign-ins");
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
