package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.IdentitySet;
import com.microsoft.graph.models.InvitationParticipantInfo;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.graph.GraphEcho;
import dev.switchboard.testsupport.RecordingMediaEngine;
import dev.switchboard.testsupport.RecordingNotificationSink;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a call keeps of its create (or answer) request is bounded, so a bot cannot make the server hold its 1 MiB
 * bodies for the calls' lives: identity strings and the subject up to 256 characters, the callback URL up to 2,048,
 * up to 100 targets, and up to 16 KiB of the parts shown back on the call (mediaConfig, targets, meetingInfo,
 * chatInfo, callOptions). Past each bound: a 400 naming it, and no call. Within them, the call shows its parts back.
 */
class CallRequestLimitsTest {
    static final String CALLBACK = "http://127.0.0.1:9/callback";
    static final ObjectMapper JSON = new ObjectMapper();
    static TestServer server;
    static String token;
    static GraphServiceClient bot;

    @BeforeAll
    static void start() {
        server = TestServer.start(new RecordingMediaEngine(), new RecordingNotificationSink());
        token = Tokens.devBotToken(server.baseUrl());
        bot = GraphSdk.client(server.baseUrl(), token);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void identityStringsAndTheSubjectStopAt256Characters() throws Exception {
        for (String field : List.of("id", "displayName", "tenantId")) {
            String over = body(target(DevIdentities.ALICE_ID, field, "x".repeat(257)), "\"s\"", "{}");
            JsonNode e = refused(create(over));
            assertThat(e.get("message").asText()).contains("'targets[0].identity.user." + field + "'", "256", "257");
        }
        String exactly = body(target(DevIdentities.ALICE_ID, "displayName", "y".repeat(256)), "\"s\"", "{}");
        assertThat(create(exactly).statusCode()).isEqualTo(201);
        JsonNode subject = refused(create(body(target(DevIdentities.ALICE_ID, null, null), "\"" + "s".repeat(257) + "\"", "{}")));
        assertThat(subject.get("message").asText()).contains("'subject'", "256");
        JsonNode source = refused(create(body(target(DevIdentities.ALICE_ID, null, null), "\"s\"", "{}")
                .replace("\"subject\"", "\"source\":{\"identity\":{\"applicationInstance\":{\"id\":\"" + "i".repeat(300)
                        + "\"}}},\"subject\"")));
        assertThat(source.get("message").asText()).contains("'source.identity.applicationInstance.id'", "256");
        // an invitation's users are read the same way, through the Graph SDK too
        Call call = bot.communications().calls().post(GraphSdk.call(CALLBACK, DevIdentities.ALICE_ID, DevIdentities.BOB_ID));
        var invite = new com.microsoft.graph.communications.calls.item.participants.invite.InvitePostRequestBody();
        InvitationParticipantInfo who = new InvitationParticipantInfo();
        IdentitySet identity = new IdentitySet();
        com.microsoft.graph.models.Identity user = new com.microsoft.graph.models.Identity();
        user.setId(DevIdentities.CAROL_ID);
        user.setDisplayName("c".repeat(1000));
        identity.setUser(user);
        who.setIdentity(identity);
        invite.setParticipants(List.of(who));
        ODataError error = GraphSdk.expectError(() -> bot.communications().calls().byCallId(call.getId()).participants()
                .invite().post(invite), 400, "BadRequest");
        assertThat(error.getError().getMessage()).contains("identity.user.displayName", "256", "1000");
    }

    @Test
    void theCallbackUrlStopsAt2048Characters() throws Exception {
        String longUrl = "http://127.0.0.1:9/" + "p".repeat(2049 - "http://127.0.0.1:9/".length());
        JsonNode e = refused(create(body(target(DevIdentities.ALICE_ID, null, null), "\"s\"", "{}")
                .replace(CALLBACK, longUrl)));
        assertThat(e.get("message").asText()).contains("'callbackUri'", "2048", "2049");
    }

    @Test
    void aNewCallRingsAtMost100Users() throws Exception {
        List<String> targets = new ArrayList<>();
        for (int i = 0; i < 100; i++) { // and bob: 101
            targets.add(target("00000000-0000-4000-8000-%012d".formatted(i), null, null));
        }
        JsonNode e = refused(create(body(String.join(",", targets), "\"s\"", "{}")));
        assertThat(e.get("message").asText()).contains("at most 100", "101");
        assertThat(create(body(String.join(",", targets.subList(0, 99)), "\"s\"", "{}")).statusCode()).isEqualTo(201);
    }

    @Test
    void aCallKeepsAtMost16KiBToShowBackAndShowsBackWhatItKept() throws Exception {
        String padding = "z".repeat(GraphEcho.MAX_BYTES);
        JsonNode e = refused(create(body(target(DevIdentities.ALICE_ID, null, null), "\"s\"",
                "{\"note\":\"" + padding + "\"}")));
        assertThat(e.get("message").asText()).contains("16 KiB", "mediaConfig, targets, meetingInfo, chatInfo and callOptions");
        // the same bound counts every part together: 10 KiB in the targets and 10 KiB in callOptions is past it
        String half = "h".repeat(10 * 1024);
        String both = body(target(DevIdentities.ALICE_ID, null, null).replace("\"identity\"", "\"note\":\"" + half
                + "\",\"identity\""), "\"s\"", "{}").replace("\"requestedModalities\"",
                "\"callOptions\":{\"@odata.type\":\"#microsoft.graph.outgoingCallOptions\",\"note\":\"" + half
                        + "\"},\"requestedModalities\"");
        refused(create(both));
        // within the bound, GET shows back exactly what was sent
        String kept = "k".repeat(15 * 1024);
        HttpResponse<String> created = create(body(target(DevIdentities.ALICE_ID, "displayName", "Alice"), "\"s\"",
                "{\"note\":\"" + kept + "\"}"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JSON.readTree(created.body()).get("id").asText();
        HttpResponse<String> got = new GraphHttp(server.baseUrl()).get("/v1.0/communications/calls/" + id, token);
        JsonNode call = JSON.readTree(got.body());
        assertThat(call.get("mediaConfig").get("note").asText()).isEqualTo(kept);
        assertThat(call.get("targets").get(0).get("identity").get("user").get("displayName").asText()).isEqualTo("Alice");
        assertThat(call.get("subject").asText()).isEqualTo("s");
    }

    /** A mistyped or missing part of the second target is named by its place, not only by its property's name. */
    @Test
    void aBadTargetIsNamedByItsPlaceInTheList() throws Exception {
        String good = target(DevIdentities.ALICE_ID, null, null);
        String[][] cases = {
                {"{\"identity\":{\"user\":{\"id\":5}}}", "'targets[1].identity.user.id' must be a string."},
                {"{\"identity\":{\"user\":{\"id\":\"" + DevIdentities.BOB_ID + "\",\"displayName\":[]}}}",
                        "'targets[1].identity.user.displayName' must be a string."},
                {"{\"identity\":{\"user\":\"bob\"}}", "'targets[1].identity.user' must be an object."},
                {"{\"identity\":\"bob\"}", "'targets[1].identity' must be an object."},
                {"{\"identity\":null}", "'targets[1].identity' is required."},
                {"{\"identity\":{\"user\":{}}}", "'targets[1].identity.user.id' is required."},
        };
        for (String[] c : cases) {
            String body = """
                    {"callbackUri":"%s","requestedModalities":["audio"],
                     "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},
                     "targets":[%s, %s]}""".formatted(CALLBACK, good, c[0]);
            assertThat(refused(create(body)).get("message").asText()).as(c[0]).isEqualTo(c[1]);
        }
    }

    private static JsonNode refused(HttpResponse<String> r) throws Exception {
        JsonNode error = GraphHttp.graphError(r, 400, "BadRequest");
        return error;
    }

    private static HttpResponse<String> create(String body) throws Exception {
        return new GraphHttp(server.baseUrl()).post("/v1.0/communications/calls", token, body);
    }

    /** A target user; {@code field} (may be null) set to {@code value} inside identity.user. */
    private static String target(String id, String field, String value) {
        String user = "\"id\":\"" + (field != null && field.equals("id") ? value : id) + "\"";
        if (field != null && !field.equals("id")) {
            user += ",\"" + field + "\":\"" + value + "\"";
        }
        return "{\"@odata.type\":\"#microsoft.graph.invitationParticipantInfo\",\"identity\":{\"user\":{" + user + "}}}";
    }

    /** A group call body with these targets, subject (JSON) and extra mediaConfig properties (a JSON object). */
    private static String body(String targets, String subject, String mediaExtras) {
        String extras = mediaExtras.equals("{}") ? "" : "," + mediaExtras.substring(1, mediaExtras.length() - 1);
        return """
                {"@odata.type":"#microsoft.graph.call","callbackUri":"%s","subject":%s,
                 "requestedModalities":["audio"],
                 "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"%s},
                 "targets":[%s, %s]}""".formatted(CALLBACK, subject, extras, targets,
                target(DevIdentities.BOB_ID, null, null));
    }
}
