package dev.switchboard.admin;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.Participant;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.api.GraphSdk;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.notify.BotReceiver;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The admin API over HTTP against a real server: who is refused (no token, app token, plain user, wrong password),
 * what an admin sees (calls, one call, deliveries, server numbers), tenant-scoped admins, and actions that take the
 * bot's path through core (the bot's webhook hears the roster change, the SDK reads it) and are audited.
 */
class AdminApiTest {

    @Test
    void noTokenAppTokenAndPlainUsersAreRefusedWithGraphErrors() throws Exception {
        try (TestServer server = TestServer.start()) {
            AdminHttp http = new AdminHttp(server.baseUrl());
            AdminHttp.Answer none = http.get("/admin/v1/calls", null);
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.json().path("error").path("code").asText()).isEqualTo("InvalidAuthenticationToken");

            AdminHttp.Answer app = http.get("/admin/v1/calls", Tokens.devBotToken(server.baseUrl()));
            assertThat(app.status()).isEqualTo(403);
            assertThat(app.json().path("error").path("message").asText()).contains("application tokens are refused");

            AdminHttp.Answer alice = http.get("/admin/v1/calls", Tokens.aliceToken(server.baseUrl()));
            assertThat(alice.status()).isEqualTo(403);
            assertThat(alice.json().path("error").path("code").asText()).isEqualTo("Forbidden");

            assertThat(http.get("/admin/v1/feed", Tokens.aliceToken(server.baseUrl())).status()).isEqualTo(403);
            assertThat(http.post("/admin/v1/signin", null, "{\"username\":\"admin\",\"password\":\"wrong\"}").status()).isEqualTo(401);
            assertThat(http.post("/admin/v1/signin", null, "{\"username\":\"" + DevIdentities.ALICE_USERNAME
                    + "\",\"password\":\"alice\"}").status()).isEqualTo(403);
            assertThat(http.post("/admin/v1/signin", null, "not json").status()).isEqualTo(400);
            assertThat(http.get("/admin/v1/me", "not.a.token").status()).isEqualTo(401);
        }
    }

    @Test
    void anAdminSeesTheCallAndItsDeliveriesAndMutesThroughTheBotsPath() throws Exception {
        ListAppender<ILoggingEvent> audit = new ListAppender<>();
        audit.start();
        ((Logger) LoggerFactory.getLogger("switchboard.audit")).addAppender(audit);
        try (BotReceiver bot = new BotReceiver(); TestServer server = TestServer.start()) {
            AdminHttp http = new AdminHttp(server.baseUrl());
            String admin = http.signIn("admin", "admin");
            GraphServiceClient graph = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
            Call call = graph.communications().calls().post(GraphSdk.call(bot.uri("/callback").toString(), DevIdentities.ALICE_ID,
                    DevIdentities.BOB_ID));
            String callId = call.getId();

            JsonNode list = http.get("/admin/v1/calls", admin).json();
            JsonNode row = find(list.path("value"), callId);
            assertThat(row.path("tenantId").asText()).isEqualTo(DevIdentities.TENANT_ID);
            assertThat(row.path("appId").asText()).isEqualTo(DevIdentities.DEV_BOT_APP_ID);
            assertThat(row.path("kind").asText()).isEqualTo("group");
            assertThat(row.path("mediaMode").asText()).isEqualTo("serviceHosted");
            assertThat(http.get("/admin/v1/calls?app=nobody", admin).json().path("value")).isEmpty();
            assertThat(http.get("/admin/v1/calls?state=live&tenant=" + DevIdentities.TENANT_ID, admin).json().path("value")).hasSize(1);

            JsonNode one = http.get("/admin/v1/calls/" + callId, admin).json();
            String botPid = one.path("myParticipantId").asText();
            assertThat(one.path("participants").get(0).path("legType").asText()).isEqualTo("serverBot");
            await().atMost(Duration.ofSeconds(20)).until(() -> http.get("/admin/v1/calls/" + callId, admin).json()
                    .path("deliveries").findValuesAsText("state").contains("delivered"));
            JsonNode delivery = http.get("/admin/v1/calls/" + callId, admin).json().path("deliveries").get(0);
            assertThat(delivery.path("statusCode").asInt()).isEqualTo(200);
            assertThat(delivery.path("latencyMillis").asLong()).isGreaterThanOrEqualTo(0);
            AdminHttp.Answer body = http.get("/admin/v1/calls/" + callId + "/deliveries/" + delivery.path("notificationId").asText(), admin);
            assertThat(body.json().path("value").get(0).path("resourceUrl").asText()).contains(callId);

            int before = bot.accepted().size();
            AdminHttp.Answer mute = http.post("/admin/v1/calls/" + callId + "/participants/" + botPid + "/mute", admin, null);
            assertThat(mute.status()).as(mute.text()).isEqualTo(200);
            assertThat(mute.json().path("type").asText()).isEqualTo("muteParticipantOperation");
            Participant me = graph.communications().calls().byCallId(callId).participants().byParticipantId(botPid).get();
            assertThat(me.getIsMuted()).isTrue();
            await().atMost(Duration.ofSeconds(20)).until(() -> bot.accepted().stream().skip(before)
                    .flatMap(BotReceiver.Received::items).anyMatch(i -> i.path("resourceUrl").asText().endsWith("/participants")));
            assertThat(http.get("/admin/v1/calls/" + callId, admin).json().path("operations").findValuesAsText("type"))
                    .contains("muteParticipantOperation");

            JsonNode numbers = http.get("/admin/v1/server", admin).json().path("values");
            assertThat(numbers.has("switchboard.calls.active")).isTrue();
            assertThat(numbers.has("switchboard.media.mixed.after.mute")).isTrue();

            assertThat(http.post("/admin/v1/calls/" + callId + "/end", admin, null).status()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(20)).until(() -> bot.accepted().stream()
                    .flatMap(BotReceiver.Received::items).anyMatch(i -> i.path("resourceData").path("state").asText().equals("terminated")));
            JsonNode ended = find(http.get("/admin/v1/calls?state=terminated", admin).json().path("value"), callId);
            assertThat(ended.path("resultInfo").path("subcode").asInt()).isEqualTo(5010);
            assertThat(http.post("/admin/v1/calls/" + callId + "/end", admin, null).status()).isEqualTo(404);
            // an ended call still kept has no legs to read; a call never seen is a 404, as the call itself is
            assertThat(http.get("/admin/v1/calls/" + callId + "/levels", admin).json().path("value")).isEmpty();
            assertThat(http.get("/admin/v1/calls/00000000-0000-4000-8000-000000000000/levels", admin).status()).isEqualTo(404);

            assertThat(audit.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anyMatch(l -> l.contains("action=mute") && l.contains("callId=" + callId) && l.contains("actor=admin")
                            && l.contains("outcome=ok"))
                    .anyMatch(l -> l.contains("action=end") && l.contains("callId=" + callId) && l.contains("outcome=ok"));
        } finally {
            ((Logger) LoggerFactory.getLogger("switchboard.audit")).detachAppender(audit);
        }
    }

    @Test
    void aTenantScopedAdminSeesOnlyItsTenant() throws Exception {
        Path dir = Files.createTempDirectory("admin-config");
        Path config = dir.resolve("config.json");
        Files.writeString(config, """
                {"tenants":[
                  {"id":"11111111-1111-4111-8111-111111111111","apps":[{"appId":"11111111-1111-4111-8111-0000000000a1",
                    "secret":"a-secret","roles":["Calls.Initiate.All","Calls.InitiateGroupCall.All","Calls.JoinGroupCall.All","Calls.AccessMedia.All"]}],
                   "users":[{"id":"11111111-1111-4111-8111-0000000000ad","username":"ops-a","password":"pw-a","roles":["Switchboard.TenantAdmin"]}]},
                  {"id":"22222222-2222-4222-8222-222222222222","apps":[{"appId":"22222222-2222-4222-8222-0000000000a2",
                    "secret":"b-secret","roles":["Calls.Initiate.All","Calls.InitiateGroupCall.All","Calls.JoinGroupCall.All","Calls.AccessMedia.All"]}],
                   "users":[]}]}""");
        try (BotReceiver bot = new BotReceiver(); TestServer server = TestServer.start(cfg -> cfg.withConfigFile(config))) {
            AdminHttp http = new AdminHttp(server.baseUrl());
            String a = Tokens.appToken(server.baseUrl(), "11111111-1111-4111-8111-111111111111", "11111111-1111-4111-8111-0000000000a1", "a-secret");
            String b = Tokens.appToken(server.baseUrl(), "22222222-2222-4222-8222-222222222222", "22222222-2222-4222-8222-0000000000a2", "b-secret");
            String callA = GraphSdk.client(server.baseUrl(), a).communications().calls()
                    .post(GraphSdk.call(bot.uri("/a").toString(), "11111111-1111-4111-8111-0000000000aa", "11111111-1111-4111-8111-0000000000bb")).getId();
            String callB = GraphSdk.client(server.baseUrl(), b).communications().calls()
                    .post(GraphSdk.call(bot.uri("/b").toString(), "22222222-2222-4222-8222-0000000000aa", "22222222-2222-4222-8222-0000000000bb")).getId();
            String ops = http.signIn("ops-a", "pw-a");
            assertThat(http.get("/admin/v1/me", ops).json().path("scope").asText()).isEqualTo("tenant");
            JsonNode list = http.get("/admin/v1/calls", ops).json().path("value");
            assertThat(list.findValuesAsText("id")).containsExactly(callA);
            assertThat(http.get("/admin/v1/calls/" + callB, ops).status()).isEqualTo(404);
            assertThat(http.get("/admin/v1/calls/" + callB + "/levels", ops).status()).isEqualTo(404);
            assertThat(http.post("/admin/v1/calls/" + callB + "/end", ops, null).status()).isEqualTo(404);
            assertThat(http.get("/admin/v1/calls/" + callA, ops).status()).isEqualTo(200);
        }
    }

    @Test
    void emptyFiltersMatchEveryCallAndAnUnknownStateIsABadRequest() throws Exception {
        try (BotReceiver bot = new BotReceiver(); TestServer server = TestServer.start()) {
            AdminHttp http = new AdminHttp(server.baseUrl());
            String admin = http.signIn("admin", "admin");
            String callId = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl())).communications().calls()
                    .post(GraphSdk.call(bot.uri("/callback").toString(), DevIdentities.ALICE_ID, DevIdentities.BOB_ID)).getId();

            // the form the docs show, as a page's empty filter fields send it: no filter at all
            AdminHttp.Answer empty = http.get("/admin/v1/calls?app=&tenant=&state=", admin);
            assertThat(empty.status()).isEqualTo(200);
            find(empty.json().path("value"), callId);
            find(http.get("/admin/v1/calls?state=ESTABLISHED", admin).json().path("value"), callId);

            AdminHttp.Answer bogus = http.get("/admin/v1/calls?state=bogus", admin);
            assertThat(bogus.status()).isEqualTo(400);
            assertThat(bogus.json().path("error").path("code").asText()).isEqualTo("BadRequest");
            assertThat(bogus.json().path("error").path("message").asText()).contains("'state'", "live", "terminated", "bogus");
            assertThat(bogus.json().path("error").path("innerError").path("request-id").asText()).isNotBlank();
        }
    }

    static JsonNode find(JsonNode list, String callId) {
        return StreamSupport.stream(list.spliterator(), false).filter(n -> n.path("id").asText().equals(callId)).findFirst()
                .orElseThrow(() -> new AssertionError("call " + callId + " not in " + list));
    }
}
