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
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A guesser does not flood the logs (docs/operations.md, "Refusals in the log"), over real HTTP with real token
 * requests: 500 wrong passwords for one user name make a couple of {@code switchboard.audit} lines and a couple of
 * {@code token request refused} lines, not 500 of each; the summaries written on shutdown carry the count of the
 * refusals they stand for, so every refusal is accounted for; {@code switchboard_guesses_refused_total{limit}} counts
 * them all.
 */
class RefusalFloodTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MORE = Pattern.compile(" refused (\\d+) more times in \\d+ s$");
    private static final int GUESSES = 500;

    @Test
    void fiveHundredRefusedGuessesMakeAFewLinesThatCountThemAll() throws Exception {
        Logger auditLogger = (Logger) LoggerFactory.getLogger("switchboard.audit");
        Logger tokenLogger = (Logger) LoggerFactory.getLogger(IdentityRoutes.class);
        ListAppender<ILoggingEvent> audit = new ListAppender<>();
        ListAppender<ILoggingEvent> token = new ListAppender<>();
        audit.start();
        token.start();
        auditLogger.addAppender(audit);
        tokenLogger.addAppender(token);
        int throttled = 0;
        try (TestServer server = TestServer.start()) {
            HttpClient guesser = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .localAddress(InetAddress.getByName("127.0.0.2")).build();
            for (int i = 0; i < GUESSES; i++) {
                HttpResponse<String> r = passwordGrant(guesser, server.baseUrl(), "guess" + i);
                int code = JSON.readTree(r.body()).path("error_codes").path(0).asInt();
                assertThat(code).as(r.body()).isIn(50126, 50053);
                throttled += code == 50053 ? 1 : 0;
            }
            assertThat(throttled).isGreaterThan(GUESSES / 2);
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("switchboard_guesses_refused_total{limit=\"user_sign_in\"} " + throttled + ".0");
            // while the window lasts, the first refusal is the only line (a window ends a minute after its first)
            assertThat(throttledLines(audit)).hasSizeLessThanOrEqualTo(3);
            assertThat(messages(token)).hasSizeLessThanOrEqualTo(6);
        } finally {
            auditLogger.detachAppender(audit);
            tokenLogger.detachAppender(token);
        }
        // the server's shutdown wrote the summaries: the lines account for every refusal
        List<String> lines = throttledLines(audit);
        assertThat(lines).hasSizeBetween(2, 4);
        assertThat(lines.get(0)).startsWith("sign-in throttled actor=alice@switchboard.local address=127.0.0.2 path=token "
                + "retryAfterSeconds=");
        assertThat(lines).last().asString().matches("sign-in throttled actor=alice@switchboard.local address=127.0.0.2 "
                + "path=token refused \\d+ more times in \\d+ s");
        assertThat(accounted(lines)).isEqualTo(throttled);
        List<String> refused = messages(token);
        assertThat(refused).hasSizeBetween(3, 8);
        assertThat(accounted(refused.stream().filter(l -> l.contains("code=AADSTS50053")).toList())).isEqualTo(throttled);
        assertThat(accounted(refused)).isEqualTo(GUESSES);
    }

    private static List<String> messages(ListAppender<ILoggingEvent> appender) {
        synchronized (appender) { // AppenderBase appends under its own lock
            return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    private static List<String> throttledLines(ListAppender<ILoggingEvent> audit) {
        return messages(audit).stream().filter(l -> l.startsWith("sign-in throttled actor=alice@switchboard.local")).toList();
    }

    /** The refusals the lines stand for: one per full line, N per summary. */
    private static long accounted(List<String> lines) {
        long n = 0;
        for (String l : lines) {
            Matcher m = MORE.matcher(l);
            n += m.find() ? Long.parseLong(m.group(1)) : 1;
        }
        return n;
    }

    private static HttpResponse<String> passwordGrant(HttpClient http, String base, String password) throws Exception {
        String form = "grant_type=password&client_id=" + enc(DevIdentities.DEV_BOT_APP_ID) + "&client_secret="
                + enc(DevIdentities.DEV_BOT_SECRET) + "&username=" + enc(DevIdentities.ALICE_USERNAME) + "&password="
                + enc(password) + "&scope=" + enc("https://graph.microsoft.com/.default");
        return http.send(HttpRequest.newBuilder(URI.create(base + "/" + DevIdentities.TENANT_ID + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
