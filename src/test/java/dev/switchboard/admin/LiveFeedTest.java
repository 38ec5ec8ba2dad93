package dev.switchboard.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.notify.BotReceiver;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The live feed over HTTP against a real server (docs/admin-api.md, "The live feed"): nothing is rendered while no
 * feed is open; each topic sends its whole state once, then only what changed; the calls list carries no levels; a
 * call's levels are rendered once and sent as the same bytes to every viewer of that call.
 */
class LiveFeedTest {
    private static final Duration CEILING = Duration.ofSeconds(20);

    @Test
    void theListIsSentWholeOnceThenOnlyWhatChangedAndNothingRunsWithoutAFeed() throws Exception {
        try (BotReceiver bot = new BotReceiver(); TestServer server = TestServer.start()) {
            String base = server.baseUrl();
            AdminHttp http = new AdminHttp(base);
            String admin = http.signIn("admin", "admin");
            String first = server.groupCall(bot.uri("/callback").toString(), Tokens.devBotToken(base));
            assertThat(topics(http, admin)).isZero(); // no feed open: no topic, no ticker

            try (SseReader list = new SseReader(base, admin, null)) {
                assertThat(list.status).isEqualTo(200);
                await().atMost(CEILING).until(() -> list.any("calls", d -> d.path("reset").asBoolean()
                        && ids(d.path("upsert")).contains(first)));
                JsonNode reset = list.events("calls").getFirst().data();
                assertThat(reset.path("endedRetentionSeconds").asLong()).isEqualTo(3600);
                assertThat(AdminApiTest.find(reset.path("upsert"), first).has("ageSeconds")).isFalse();
                assertThat(list.events("server").getFirst().data().path("reset").asBoolean()).isTrue();
                assertThat(list.events("server").getFirst().data().path("values").has("switchboard.calls.active")).isTrue();
                assertThat(topics(http, admin)).isEqualTo(2); // the numbers and this scope's list

                String second = server.groupCall(bot.uri("/callback").toString(), Tokens.devBotToken(base));
                await().atMost(CEILING).until(() -> list.any("calls", d -> ids(d.path("upsert")).contains(second)));
                JsonNode added = list.events("calls").stream().map(SseReader.Event::data)
                        .filter(d -> ids(d.path("upsert")).contains(second)).findFirst().orElseThrow();
                assertThat(added.path("reset").asBoolean()).isFalse();
                assertThat(ids(added.path("upsert"))).containsExactly(second); // the first call did not change

                assertThat(http.post("/admin/v1/calls/" + second + "/end", admin, null).status()).isEqualTo(204);
                await().atMost(CEILING).until(() -> list.any("calls", d -> StreamSupport.stream(d.path("upsert").spliterator(), false)
                        .anyMatch(c -> c.path("id").asText().equals(second) && c.path("state").asText().equals("terminated"))));
                assertThat(list.events("levels")).isEmpty();
                assertThat(list.events("call")).isEmpty();
                // numbers after the first frame carry only what changed
                for (SseReader.Event e : list.events("server").subList(1, list.events("server").size())) {
                    assertThat(e.data().path("reset").asBoolean()).isFalse();
                    assertThat(e.data().path("values").size()).isLessThan(reset(list).size());
                }
            }
            // the server sees the client go at its next write (a keep-alive comment at the latest) and stops
            long closed = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).until(() -> topics(http, admin) == 0);
            System.out.println("live feed: topics dropped " + (System.nanoTime() - closed) / 1_000_000 + " ms after the client closed");

            try (SseReader nothing = new SseReader(base, admin, "no-such-call")) {
                await().atMost(CEILING).until(() -> !nothing.events("gone").isEmpty());
                assertThat(nothing.events("gone").getFirst().data().path("callId").asText()).isEqualTo("no-such-call");
            }
        }
    }

    @Test
    void aCallsLevelsAreRenderedOnceForAllItsViewersAndOnlyForThatCall() throws Exception {
        try (BotReceiver bot = new BotReceiver(); TestServer server = TestServer.start(); RtpPeer alice = new RtpPeer("127.0.0.1")) {
            String base = server.baseUrl();
            AdminHttp http = new AdminHttp(base);
            String admin = http.signIn("admin", "admin");
            String callId = server.groupCall(bot.uri("/callback").toString(), Tokens.devBotToken(base));
            String quiet = server.groupCall(bot.uri("/callback").toString(), Tokens.devBotToken(base));
            ClientApi.Joined joined = new ClientApi(new ServerHttp(base), Tokens.aliceToken(base)).join(callId, alice.offer("sendrecv"));
            alice.startTone(mediaPort(joined.sdpAnswer()), 440);
            String pid = joined.participantId();

            try (SseReader one = new SseReader(base, admin, callId); SseReader two = new SseReader(base, admin, callId);
                 SseReader list = new SseReader(base, admin, null)) {
                await().atMost(CEILING).until(() -> one.any("levels", d -> level(d, pid) > 0.1) && two.any("levels", d -> level(d, pid) > 0.1));
                // the call's roster carries no readings: those come in the levels frames
                JsonNode call = one.events("call").getFirst().data();
                assertThat(call.path("reset").asBoolean()).isTrue();
                JsonNode roster = call.path("values").path("participants");
                assertThat(ids(roster)).contains(pid);
                assertThat(AdminApiTest.find(roster, pid).path("legType").asText()).isEqualTo("rtp");
                assertThat(AdminApiTest.find(roster, pid).has("level")).isFalse();
                // both viewers got the same frames, byte for byte: rendered and serialized once
                await().atMost(CEILING).until(() -> shared(one, two) >= 3);
                // nothing about the other call, and no levels on the list
                assertThat(one.events().stream().map(e -> e.data().path("callId").asText(callId))).containsOnly(callId);
                assertThat(list.events("levels")).isEmpty();
                assertThat(topics(http, admin)).isEqualTo(4); // numbers, list, the call, its levels — not the quiet call
                assertThat(quiet).isNotEqualTo(callId);

                // a server mute: the roster changes in a call frame holding only what changed; alice's level falls to 0
                int calls = one.events("call").size();
                assertThat(http.post("/admin/v1/calls/" + callId + "/participants/" + pid + "/mute", admin, null).status()).isEqualTo(200);
                await().atMost(CEILING).until(() -> one.events("call").stream().skip(calls).anyMatch(e -> e.data().path("values")
                        .path("participants").findValuesAsText("id").contains(pid)
                        && AdminApiTest.find(e.data().path("values").path("participants"), pid).path("serverMuted").asBoolean()));
                JsonNode change = one.events("call").stream().skip(calls).map(SseReader.Event::data)
                        .filter(d -> d.path("values").has("participants")).findFirst().orElseThrow();
                assertThat(change.path("reset").asBoolean()).isFalse();
                assertThat(change.path("values").has("tenantId")).isFalse();
                int levels = one.events("levels").size();
                await().atMost(CEILING).until(() -> one.events("levels").stream().skip(levels).anyMatch(e -> level(e.data(), pid) == 0.0));
            }
        }
    }

    /** How many frames the two feeds both received, identical to the byte. */
    private static long shared(SseReader a, SseReader b) {
        Set<String> seen = a.events("levels").stream().map(SseReader.Event::raw).collect(Collectors.toCollection(HashSet::new));
        return b.events("levels").stream().map(SseReader.Event::raw).filter(seen::contains).count();
    }

    private static Map<String, JsonNode> reset(SseReader list) {
        JsonNode values = list.events("server").getFirst().data().path("values");
        return values.properties().stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static double level(JsonNode levels, String pid) {
        return StreamSupport.stream(levels.path("upsert").spliterator(), false).filter(r -> r.path("id").asText().equals(pid))
                .mapToDouble(r -> r.path("level").asDouble(-1)).findFirst().orElse(-1);
    }

    private static List<String> ids(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(n -> n.path("id").asText()).toList();
    }

    private static int topics(AdminHttp http, String admin) throws Exception {
        return http.get("/admin/v1/server", admin).json().path("values").path("switchboard.dashboard.feed.topics").asInt(-1);
    }

    private static int mediaPort(String answer) {
        Matcher m = Pattern.compile("m=audio (\\d+) ").matcher(answer);
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
