package dev.switchboard.api;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.testsupport.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guessing a meeting's passcode over real HTTP with real tokens (docs/compatibility.md, "Meeting passcodes"): a bot
 * joining by {@code joinMeetingIdMeetingInfo} and a user looking the meeting up for the join page get five wrong tries a
 * minute, then {@code 429} with {@code Retry-After} without the passcode being checked; twenty wrong tries a minute from
 * anyone stop everyone who already failed; someone who has not failed still gets in with the right passcode. A user
 * whose lookups find nothing 30 times a minute is stopped at every meeting.
 */
class MeetingPasscodeGuessingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String PASSCODE = "731904";
    private static TestServer server;
    private static String bot;
    private static String alice;
    private static String bob;
    private static String carol;
    /** The bots' webhook; outlives the servers, so their last notifications arrive at once (no 10 s drain). */
    private static CallbackReceiver receiver;

    @BeforeAll
    static void start() throws Exception {
        receiver = new CallbackReceiver();
        server = TestServer.start();
        bot = Tokens.devBotToken(server.baseUrl());
        alice = Tokens.aliceToken(server.baseUrl());
        bob = Tokens.bobToken(server.baseUrl());
        carol = Tokens.carolToken(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        server.close();
        receiver.close();
    }

    @Test
    void aBotGuessingThePasscodeIsStoppedAfterFiveWrongTriesAndOthersStillGetIn() throws Exception {
        ListAppender<ILoggingEvent> audit = new ListAppender<>();
        audit.start();
        ((Logger) LoggerFactory.getLogger("switchboard.audit")).addAppender(audit);
        try {
            String meeting = "4200000001";
            assertThat(join(bot, meeting, PASSCODE, "first").statusCode()).isEqualTo(201);
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> wrong = join(bot, meeting, "00000" + i, "guesser");
                assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(403);
            }
            // the sixth try is refused unchecked: even the right passcode waits
            for (String guess : new String[] {"000005", PASSCODE}) {
                HttpResponse<String> refused = join(bot, meeting, guess, "guesser");
                JsonNode error = error(refused, 429, "TooManyRequests");
                assertThat(error.get("message").asText()).contains("passcode").contains("seconds");
                assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
            }
            // a user who has not failed finds the meeting with the right passcode
            HttpResponse<String> found = find(alice, meeting, PASSCODE);
            assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
            assertThat(audit.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anyMatch(l -> l.contains("meeting passcode throttled") && l.contains("joinMeetingId=" + meeting)
                            && l.contains("appId=" + DevIdentities.DEV_BOT_APP_ID));
        } finally {
            ((Logger) LoggerFactory.getLogger("switchboard.audit")).detachAppender(audit);
        }
    }

    @Test
    void twentyWrongTriesFromAnyoneStopEveryoneWhoFailedEvenOnce() throws Exception {
        String meeting = "4200000002";
        assertThat(join(bot, meeting, PASSCODE, "first").statusCode()).isEqualTo(201);
        int guess = 0;
        for (String user : new String[] {alice, bob, carol}) {
            for (int i = 0; i < 5; i++) {
                assertThat(find(user, meeting, "1" + guess++).statusCode()).isEqualTo(404);
            }
            error(find(user, meeting, PASSCODE), 429, "TooManyRequests");
        }
        for (int i = 0; i < 4; i++) {
            assertThat(join(bot, meeting, "1" + guess++, "guesser").statusCode()).isEqualTo(403);
        }
        String admin = Tokens.userToken(server.baseUrl(), DevIdentities.TENANT_ID, DevIdentities.ADMIN_USERNAME,
                DevIdentities.ADMIN_PASSWORD);
        assertThat(find(admin, meeting, "1" + guess).statusCode()).isEqualTo(404); // the twentieth wrong try
        // now one failure is enough to wait, right passcode or not
        error(find(admin, meeting, PASSCODE), 429, "TooManyRequests");
        error(join(bot, meeting, PASSCODE, "second"), 429, "TooManyRequests");
    }

    @Test
    void aMeetingWithoutFailuresAndAnotherTenantAreUntouched() throws Exception {
        String meeting = "4200000003";
        assertThat(join(bot, meeting, PASSCODE, "first").statusCode()).isEqualTo(201);
        for (int i = 0; i < 5; i++) {
            assertThat(join(bot, "4200000004", "x" + i, "guesser").statusCode()).isIn(201, 403, 409);
        }
        // failures at one meeting do not count at another
        assertThat(find(alice, meeting, PASSCODE).statusCode()).isEqualTo(200);
        assertThat(join(bot, meeting, PASSCODE, "second").statusCode()).isEqualTo(201);
    }

    @Test
    void aUserWalkingMeetingIdsIsStoppedAfterThirtyMissesAMinute() throws Exception {
        TestServer own = TestServer.start();
        try {
            String botToken = Tokens.devBotToken(own.baseUrl());
            String walker = Tokens.bobToken(own.baseUrl());
            String other = Tokens.carolToken(own.baseUrl());
            String meeting = "4200000099";
            HttpResponse<String> open = join(own, botToken, meeting, null, "first");
            assertThat(open.statusCode()).as(open.body()).isEqualTo(201);
            for (int i = 0; i < 30; i++) {
                assertThat(find(own, walker, "43000000" + String.format("%02d", i), null).statusCode()).isEqualTo(404);
            }
            HttpResponse<String> refused = find(own, walker, meeting, null);
            assertThat(error(refused, 429, "TooManyRequests").get("message").asText()).contains("no meeting");
            // someone else of the tenant finds it
            assertThat(find(own, other, meeting, null).statusCode()).isEqualTo(200);
        } finally {
            own.close();
        }
    }

    @Test
    void fiveHundredRefusedGuessesMakeAFewAuditLinesThatCountThemAll() throws Exception { // docs/operations.md
        ListAppender<ILoggingEvent> audit = new ListAppender<>();
        audit.start();
        ((Logger) LoggerFactory.getLogger("switchboard.audit")).addAppender(audit);
        int refused = 0;
        TestServer own = TestServer.start();
        try {
            String meeting = "4200000077";
            assertThat(join(own, Tokens.devBotToken(own.baseUrl()), meeting, PASSCODE, "first").statusCode()).isEqualTo(201);
            String guesser = Tokens.bobToken(own.baseUrl());
            for (int i = 0; i < 500; i++) {
                HttpResponse<String> r = find(own, guesser, meeting, String.format("%06d", i));
                assertThat(r.statusCode()).as(r.body()).isIn(404, 429);
                refused += r.statusCode() == 429 ? 1 : 0;
            }
            assertThat(refused).isGreaterThan(400);
            String metrics = http.send(HttpRequest.newBuilder(URI.create(own.baseUrl() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            java.util.regex.Matcher counted = java.util.regex.Pattern.compile(
                    "switchboard_guesses_refused_total\\{limit=\"meeting_(passcode|lookup)\"\\} (\\d+)").matcher(metrics);
            long total = 0;
            while (counted.find()) {
                total += Long.parseLong(counted.group(2));
            }
            assertThat(total).isEqualTo(refused);
        } finally {
            own.close(); // writes the pending summaries
            ((Logger) LoggerFactory.getLogger("switchboard.audit")).detachAppender(audit);
        }
        java.util.List<String> lines;
        synchronized (audit) {
            lines = audit.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(l -> l.startsWith("meeting passcode throttled") || l.startsWith("meeting lookup throttled")).toList();
        }
        assertThat(lines).hasSizeBetween(2, 8);
        long accounted = 0;
        for (String l : lines) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(" refused (\\d+) more times in \\d+ s$").matcher(l);
            accounted += m.find() ? Long.parseLong(m.group(1)) : 1;
        }
        assertThat(accounted).as(String.join("\n", lines)).isEqualTo(refused);
    }

    private static HttpResponse<String> join(String token, String joinMeetingId, String passcode, String instance)
            throws Exception {
        return join(server, token, joinMeetingId, passcode, instance);
    }

    private static HttpResponse<String> join(TestServer server, String token, String joinMeetingId, String passcode,
                                             String instance) throws Exception {
        String body = """
                {"@odata.type":"#microsoft.graph.call","callbackUri":"%s","requestedModalities":["audio"],
                 "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},
                 "source":{"identity":{"applicationInstance":{"id":"%s","displayName":"%s"}}},
                 "meetingInfo":{"@odata.type":"#microsoft.graph.joinMeetingIdMeetingInfo","joinMeetingId":"%s","passcode":%s},
                 "tenantId":"%s"}""".formatted(receiver.url(), instance, instance, joinMeetingId, passcode == null ? "null" : "\"" + passcode + "\"",
                        DevIdentities.TENANT_ID);
        return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1.0/communications/calls"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> find(String token, String joinMeetingId, String passcode) throws Exception {
        return find(server, token, joinMeetingId, passcode);
    }

    private static HttpResponse<String> find(TestServer server, String token, String joinMeetingId, String passcode)
            throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/client/v1/meetings/" + joinMeetingId
                        + (passcode == null ? "" : "?passcode=" + passcode))).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode error(HttpResponse<String> r, int status, String code) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.at("/innerError/request-id").asText()).isNotEmpty();
        if (status == 429) {
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
        }
        return error;
    }
}
