package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.ContentSharingSessionCollectionResponse;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.RecordingMediaEngine;
import dev.switchboard.testsupport.RecordingNotificationSink;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;

import static dev.switchboard.api.GraphHttp.JSON;
import static dev.switchboard.api.GraphHttp.graphError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A call's content sharing sessions: Switchboard is audio-only, so the caller's own call lists none (with Graph's
 * {@code @odata.context}) and any session id is 404 itemNotFound; someone else's call is 404 as on every call route.
 */
class ContentSharingSessionsTest {
    static final String CALLBACK = "http://127.0.0.1:9/callback";
    static TestServer server;
    static GraphHttp http;
    static GraphServiceClient bot;
    static GraphServiceClient otherTenant;
    static String token;
    static String otherTenantToken;

    @BeforeAll
    static void start() {
        server = TestServer.start(new RecordingMediaEngine(), new RecordingNotificationSink());
        String base = server.baseUrl();
        http = new GraphHttp(base);
        token = Tokens.devBotToken(base);
        otherTenantToken = Tokens.otherTenantBotToken(base);
        bot = GraphSdk.client(base, token);
        otherTenant = GraphSdk.client(base, otherTenantToken);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Call groupCall() {
        return bot.communications().calls().post(GraphSdk.call(CALLBACK, DevIdentities.ALICE_ID,
                DevIdentities.BOB_ID));
    }

    @Test
    void theSdkListsNoContentSharingSessionsOnTheCallersOwnCall() {
        Call call = groupCall();
        ContentSharingSessionCollectionResponse sessions = bot.communications().calls().byCallId(call.getId())
                .contentSharingSessions().get();
        assertThat(sessions).isNotNull();
        assertThat(sessions.getValue()).isEmpty();
        assertThat(sessions.getOdataNextLink()).isNull();
    }

    @Test
    void aCallThatAsksForContentSharingNotificationsIsCreatedAndStillListsNone() {
        Call body = GraphSdk.call(CALLBACK, DevIdentities.ALICE_ID, DevIdentities.BOB_ID);
        com.microsoft.graph.models.OutgoingCallOptions options = new com.microsoft.graph.models.OutgoingCallOptions();
        options.setIsContentSharingNotificationEnabled(true);
        body.setCallOptions(options);
        Call call = bot.communications().calls().post(body);
        assertThat(bot.communications().calls().byCallId(call.getId()).contentSharingSessions().get().getValue()).isEmpty();
    }

    @Test
    void theListIsAnEmptyValueWithGraphsContextUnderBothRoots() throws Exception {
        Call call = groupCall();
        String base = server.baseUrl();
        for (String root : List.of("/v1.0/communications/calls/", "/v1.0/app/calls/")) {
            HttpResponse<String> r = http.get(root + call.getId() + "/contentSharingSessions", token);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.get("@odata.context").asText()).isEqualTo(base + "/v1.0/$metadata#communications/calls('"
                    + call.getId() + "')/contentSharingSessions");
            assertThat(body.get("value").isArray()).isTrue();
            assertThat(body.get("value")).isEmpty();
        }
    }

    @Test
    void anySessionIdIs404ItemNotFoundSayingTheCallCarriesAudioOnly() throws Exception {
        Call call = groupCall();
        ODataError e = GraphSdk.expectError(() -> bot.communications().calls().byCallId(call.getId())
                .contentSharingSessions().byContentSharingSessionId("a7ebfb2d-0000-4000-8000-000000000001").get(),
                404, "itemNotFound");
        assertThat(e.getError().getMessage())
                .contains("'a7ebfb2d-0000-4000-8000-000000000001'")
                .contains("'" + call.getId() + "'")
                .contains("audio only");
        JsonNode alias = graphError(http.get("/v1.0/app/calls/" + call.getId() + "/contentSharingSessions/s1", token),
                404, "itemNotFound");
        assertThat(alias.get("message").asText()).contains("Content sharing session 's1'");
    }

    @Test
    void someoneElsesCallOrNoCallIs404LikeEveryCallRoute() throws Exception {
        Call call = groupCall();
        String path = "/v1.0/communications/calls/" + call.getId() + "/contentSharingSessions";
        ODataError list = GraphSdk.expectError(() -> otherTenant.communications().calls().byCallId(call.getId())
                .contentSharingSessions().get(), 404, "itemNotFound");
        ODataError item = GraphSdk.expectError(() -> otherTenant.communications().calls().byCallId(call.getId())
                .contentSharingSessions().byContentSharingSessionId("s1").get(), 404, "itemNotFound");
        // the same answer as for a call that does not exist: nothing says the call or its sessions exist
        assertThat(list.getError().getMessage()).doesNotContain("Content sharing");
        assertThat(item.getError().getMessage()).doesNotContain("Content sharing");
        JsonNode none = graphError(http.get("/v1.0/communications/calls/no-such-call/contentSharingSessions", token), 404,
                "itemNotFound");
        assertThat(list.getError().getMessage()).isEqualTo(none.get("message").asText().replace("no-such-call", call.getId()));
        graphError(http.get(path, otherTenantToken), 404, "itemNotFound");
    }
}
