package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.graph.communications.calls.item.playprompt.PlayPromptPostRequestBody;
import com.microsoft.graph.communications.calls.item.participants.item.startholdmusic.StartHoldMusicPostRequestBody;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.Prompt;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Graph actions Switchboard does not implement answer 501 NotImplemented naming the action on the caller's own call,
 * and 404 on anyone else's; every implemented action also answers under its qualified name
 * ({@code microsoft.graph.mute}).
 */
class UnimplementedActionsTest {
    static final String CALLBACK = "http://127.0.0.1:9/callback";
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> CALL_ACTIONS = List.of("changeScreenSharingRole", "addLargeGalleryView");
    static TestServer server;
    static String token;
    static String otherTenantToken;
    static GraphServiceClient bot;

    @BeforeAll
    static void start() {
        server = TestServer.start(new RecordingMediaEngine(), new RecordingNotificationSink());
        token = Tokens.devBotToken(server.baseUrl());
        otherTenantToken = Tokens.otherTenantBotToken(server.baseUrl());
        bot = GraphSdk.client(server.baseUrl(), token);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyUnimplementedCallActionIs501NamingItOnTheCallersOwnCall() throws Exception {
        Call call = groupCall();
        for (String action : CALL_ACTIONS) {
            for (String name : List.of(action, "microsoft.graph." + action)) {
                String path = "/v1.0/communications/calls/" + call.getId() + "/" + name;
                JsonNode error = graphError(post(path, token, "{}"), 501, "NotImplemented");
                assertThat(error.get("message").asText()).contains("'" + action + "'");
            }
        }
        graphError(post("/v1.0/app/calls/" + call.getId() + "/changeScreenSharingRole", token, "{}"), 501, "NotImplemented");
    }

    @Test
    void unimplementedActionsOnSomeoneElsesCallOrNoCallAre404() throws Exception {
        Call call = groupCall();
        graphError(post("/v1.0/communications/calls/" + call.getId() + "/changeScreenSharingRole", otherTenantToken, "{}"), 404, "itemNotFound");
        graphError(post("/v1.0/communications/calls/no-such-call/changeScreenSharingRole", token, "{}"), 404, "itemNotFound");
        graphError(post("/v1.0/communications/calls/" + call.getId() + "/participants/" + call.getMyParticipantId()
                + "/startHoldMusic", otherTenantToken, "{}"), 404, "itemNotFound");
        graphError(post("/v1.0/communications/calls/" + call.getId() + "/participants/no-such-participant/startHoldMusic",
                token, "{}"), 404, "itemNotFound");
        graphError(get("/v1.0/communications/calls/" + call.getId() + "/audioRoutingGroups", otherTenantToken), 404, "itemNotFound");
    }

    @Test
    void holdMusicWithoutServiceHostedMediaIs501() throws Exception {
        Call call = groupCall();
        String callPath = "/v1.0/communications/calls/" + call.getId();
        String participant = callPath + "/participants/" + call.getMyParticipantId();
        // hold music is implemented (IvrMediaEndToEndTest); this server's fake media plane has no service-hosted media
        graphError(post(participant + "/startHoldMusic", token, "{}"), 501, "NotImplemented");
    }

    @Test
    void theSdkSeesNotImplementedAsAnODataErrorWith501() {
        Call call = groupCall();
        var role = new com.microsoft.graph.communications.calls.item.changescreensharingrole.ChangeScreenSharingRolePostRequestBody();
        role.setRole(com.microsoft.graph.models.ScreenSharingRole.Sharer);
        ODataError e = GraphSdk.expectError(() -> bot.communications().calls().byCallId(call.getId()).changeScreenSharingRole()
                .post(role), 501, "NotImplemented");
        assertThat(e.getError().getMessage()).contains("changeScreenSharingRole");
    }

    @Test
    void implementedActionsAnswerUnderTheirQualifiedNames() throws Exception {
        Call call = groupCall();
        String callPath = "/v1.0/communications/calls/" + call.getId();
        HttpResponse<String> mute = post(callPath + "/microsoft.graph.mute", token, "{\"clientContext\":\"q\"}");
        assertThat(mute.statusCode()).as(mute.body()).isEqualTo(200);
        assertThat(JSON.readTree(mute.body()).get("@odata.type").asText()).isEqualTo("#microsoft.graph.muteParticipantOperation");
        HttpResponse<String> unmute = post(callPath + "/microsoft.graph.unmute", token, "{}");
        assertThat(unmute.statusCode()).as(unmute.body()).isEqualTo(200);
        assertThat(JSON.readTree(unmute.body()).get("@odata.type").asText()).isEqualTo("#microsoft.graph.unmuteParticipantOperation");
        assertThat(post(callPath + "/microsoft.graph.keepAlive", token, "").statusCode()).isEqualTo(200);
        HttpResponse<String> participantMute = post(callPath + "/participants/" + call.getMyParticipantId()
                + "/microsoft.graph.mute", token, "{}");
        assertThat(participantMute.statusCode()).as(participantMute.body()).isEqualTo(200);
        String invite = """
                {"participants":[{"@odata.type":"#microsoft.graph.invitationParticipantInfo",
                  "identity":{"user":{"id":"%s"}}}],"clientContext":"i"}""".formatted(DevIdentities.CAROL_ID);
        HttpResponse<String> invited = post(callPath + "/participants/microsoft.graph.invite", token, invite);
        assertThat(invited.statusCode()).as(invited.body()).isEqualTo(200);
        assertThat(JSON.readTree(invited.body()).get("@odata.type").asText()).isEqualTo("#microsoft.graph.inviteParticipantsOperation");
    }

    static Call groupCall() {
        return bot.communications().calls().post(GraphSdk.call(CALLBACK, DevIdentities.ALICE_ID, DevIdentities.BOB_ID));
    }

    static HttpResponse<String> post(String path, String bearer, String body) throws Exception {
        return new GraphHttp(server.baseUrl()).post(path, bearer, body);
    }

    static HttpResponse<String> get(String path, String bearer) throws Exception {
        return new GraphHttp(server.baseUrl()).get(path, bearer);
    }

    static JsonNode graphError(HttpResponse<String> r, int status, String code) throws Exception {
        return GraphHttp.graphError(r, status, code);
    }
}
