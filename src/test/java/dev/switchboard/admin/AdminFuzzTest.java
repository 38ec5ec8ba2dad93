package dev.switchboard.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.api.GraphSdk;
import dev.switchboard.notify.BotReceiver;
import dev.switchboard.testsupport.Mutation;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API under a tenant-scoped administrator who tries to reach another tenant's call: every endpoint, with
 * the other call's and its participant's ids written otherwise (case, percent-encoding, extra slashes and dots, path
 * parameters, NUL, whitespace, other ids), odd query strings and bodies. Seeded. Checked on every answer: never a
 * 5xx; every refusal a Graph error; nothing of the other tenant in any body (its tenant, app, users, participants,
 * call id) unless the request itself carried it; and the other call unchanged, as its own bot reads it through Graph.
 * {@code -Dfuzz.seed=N} replays a run, {@code -Dfuzz.adminRounds=N} sets its length.
 */
class AdminFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String TENANT_A = "11111111-1111-4111-8111-111111111111";
    private static final String TENANT_B = "22222222-2222-4222-8222-222222222222";
    private static final String APP_A = "11111111-1111-4111-8111-0000000000a1";
    private static final String APP_B = "22222222-2222-4222-8222-0000000000a2";
    private static final String USER_B1 = "22222222-2222-4222-8222-0000000000aa";
    private static final String USER_B2 = "22222222-2222-4222-8222-0000000000bb";

    @Test
    void aTenantAdministratorReachesNothingOfAnotherTenantHoweverThePathIsWritten() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        int rounds = Integer.getInteger("fuzz.adminRounds", 150);
        Random random = new Random(seed);
        Path dir = Files.createTempDirectory("admin-fuzz");
        Path config = dir.resolve("config.json");
        Files.writeString(config, """
                {"tenants":[
                  {"id":"%s","apps":[{"appId":"%s","secret":"a-secret","roles":["Calls.Initiate.All","Calls.InitiateGroupCall.All","Calls.JoinGroupCall.All","Calls.AccessMedia.All"]}],
                   "users":[{"id":"11111111-1111-4111-8111-0000000000ad","username":"ops-a","password":"pw-a","roles":["Switchboard.TenantAdmin"]}]},
                  {"id":"%s","apps":[{"appId":"%s","secret":"b-secret","roles":["Calls.Initiate.All","Calls.InitiateGroupCall.All","Calls.JoinGroupCall.All","Calls.AccessMedia.All"]}],
                   "users":[]}]}""".formatted(TENANT_A, APP_A, TENANT_B, APP_B));
        try (BotReceiver bot = new BotReceiver(); TestServer server = TestServer.start(cfg -> cfg.withConfigFile(config))) {
            AdminHttp http = new AdminHttp(server.baseUrl());
            String a = Tokens.appToken(server.baseUrl(), TENANT_A, APP_A, "a-secret");
            String b = Tokens.appToken(server.baseUrl(), TENANT_B, APP_B, "b-secret");
            var callA = GraphSdk.client(server.baseUrl(), a).communications().calls()
                    .post(GraphSdk.call(bot.uri("/a").toString(), "11111111-1111-4111-8111-0000000000aa", "11111111-1111-4111-8111-0000000000bb"));
            var callB = GraphSdk.client(server.baseUrl(), b).communications().calls()
                    .post(GraphSdk.call(bot.uri("/b").toString(), USER_B1, USER_B2));
            String idB = callB.getId();
            String botB = callB.getMyParticipantId();
            String ops = http.signIn("ops-a", "pw-a");
            String before = snapshot(server, b, idB);
            List<String> secrets = List.of(TENANT_B, APP_B, USER_B1, USER_B2, botB, idB);
            List<String> calls = List.of(idB, idB, idB, callA.getId());
            List<String> participants = List.of(botB, botB, callA.getMyParticipantId(), "00000000-0000-4000-8000-000000000000");
            for (int round = 0; round < rounds; round++) {
                String callId = calls.get(random.nextInt(calls.size()));
                String call = disguise(random, callId);
                String participant = disguise(random, participants.get(random.nextInt(participants.size())));
                String method;
                String path;
                String body = null;
                int kind = random.nextInt(9);
                switch (kind) {
                    case 0 -> { method = "GET"; path = "/calls/" + call; }
                    case 1 -> { method = "GET"; path = "/calls/" + call + "/levels"; }
                    case 2 -> { method = "GET"; path = "/calls/" + call + "/deliveries/" + participant; }
                    case 3 -> { method = "POST"; path = "/calls/" + call + "/end"; }
                    case 4 -> { method = "POST"; path = "/calls/" + call + "/participants/" + participant + "/mute"; body = odd(random); }
                    case 5 -> { method = "POST"; path = "/calls/" + call + "/participants/" + participant + "/unmute"; body = odd(random); }
                    case 6 -> { method = "DELETE"; path = "/calls/" + call + "/participants/" + participant; }
                    case 7 -> {
                        method = "GET";
                        path = "/calls?" + List.of("tenant=", "app=", "state=", "callId=").get(random.nextInt(4))
                                + List.of(TENANT_B, APP_B, "terminated", "live", idB, "%25", "%25zz%00", "").get(random.nextInt(8));
                    }
                    default -> {
                        method = "GET";
                        path = List.of("/feed?callId=" + call, "/deviceQualityReports?tenant=" + TENANT_B, "/me", "/server")
                                .get(random.nextInt(4));
                        if (path.startsWith("/feed")) {
                            continue; // a stream: LiveFeedTest covers its scoping
                        }
                    }
                }
                String context = "seed " + seed + ", round " + round + ": " + method + " " + path + (body == null ? "" : " " + Mutation.abbreviate(body));
                HttpResponse<String> r = send(server.baseUrl() + "/admin/v1" + path, method, ops, body);
                assertThat(r.statusCode()).as("never a server error: " + context + " → " + r.body()).isLessThan(500);
                if (r.statusCode() >= 400) {
                    JsonNode error = JSON.readTree(r.body()).path("error");
                    assertThat(error.path("code").asText()).as("a Graph error: " + context + " → " + r.body()).isNotBlank();
                    assertThat(error.path("message").asText()).as(context).isNotBlank();
                }
                if (kind <= 6 && callId.equals(idB)) {
                    assertThat(r.statusCode()).as("a request about the other tenant's call is refused: " + context + " → " + r.body())
                            .isGreaterThanOrEqualTo(400);
                }
                String asked = decoded(path) + " " + path;
                for (String secret : secrets) {
                    if (!asked.toLowerCase(Locale.ROOT).contains(secret.toLowerCase(Locale.ROOT))) {
                        assertThat(r.body().toLowerCase(Locale.ROOT)).as("nothing of the other tenant: " + context + " → " + r.body())
                                .doesNotContain(secret.toLowerCase(Locale.ROOT));
                    }
                }
                assertThat(snapshot(server, b, idB)).as("the other tenant's call is untouched: " + context).isEqualTo(before);
            }
        }
    }

    /** The id, written otherwise now and then. */
    private static String disguise(Random random, String id) {
        return switch (random.nextInt(14)) {
            case 0 -> id.toUpperCase(Locale.ROOT);
            case 1 -> percentEncoded(id);
            case 2 -> id + "/";
            case 3 -> "." + "/" + id;
            case 4 -> "x/../" + id;
            case 5 -> id + ";jsessionid=1";
            case 6 -> id + "%00";
            case 7 -> "%20" + id;
            case 8 -> id.substring(1);
            case 9 -> id + "%2F..";
            default -> id;
        };
    }

    private static String percentEncoded(String s) {
        StringBuilder b = new StringBuilder();
        for (byte c : s.getBytes(StandardCharsets.UTF_8)) {
            b.append('%').append(String.format("%02X", c & 0xFF));
        }
        return b.toString();
    }

    private static String odd(Random random) {
        return List.of("{}", "", "null", "[]", "{\"clientContext\":\"" + "x".repeat(300) + "\"}", "{\"tenantId\":\"" + TENANT_B + "\"}", "not json")
                .get(random.nextInt(7));
    }

    private static String decoded(String path) {
        try {
            return URLDecoder.decode(path, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return path;
        }
    }

    private static HttpResponse<String> send(String url, String method, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        b.header("Authorization", "Bearer " + token);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The other call as its own bot sees it through Graph: state, participants and their mute flags. */
    private static String snapshot(TestServer server, String token, String callId) throws Exception {
        List<String> parts = new ArrayList<>();
        for (String path : List.of("", "/participants")) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1.0/communications/calls/" + callId + path))
                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode n = JSON.readTree(r.body());
            if (path.isEmpty()) {
                parts.add(r.statusCode() + " " + n.path("state").asText());
            } else {
                for (JsonNode p : n.path("value")) {
                    parts.add(p.path("id").asText() + " muted=" + p.path("isMuted").asText());
                }
            }
        }
        return String.join(", ", parts);
    }
}
