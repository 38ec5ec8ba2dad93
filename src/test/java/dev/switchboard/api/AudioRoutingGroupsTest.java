package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.graph.communications.calls.item.participants.invite.InvitePostRequestBody;
import com.microsoft.graph.models.AudioRoutingGroup;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.Identity;
import com.microsoft.graph.models.IdentitySet;
import com.microsoft.graph.models.InvitationParticipantInfo;
import com.microsoft.graph.models.RoutingMode;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.core.Caller;
import dev.switchboard.media.AudioRoutes;
import dev.switchboard.testsupport.RecordingMediaEngine;
import dev.switchboard.testsupport.RecordingNotificationSink;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.switchboard.api.GraphSdk.expectError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code audioRoutingGroups} through the official Java SDK and raw HTTP: create, list, get, change, delete; every bad
 * body a 400 naming what is wrong, and nothing kept; someone else's call 404; the permission; and what reaches the
 * media room (who is outside the default group, who hears whom).
 */
class AudioRoutingGroupsTest {
    static final String CALLBACK = "http://127.0.0.1:9/callback";
    static final ObjectMapper JSON = new ObjectMapper();
    static final RecordingMediaEngine media = new RecordingMediaEngine();
    static TestServer server;
    static String token;
    static GraphServiceClient bot;
    static GraphServiceClient p2pBot;
    static GraphServiceClient otherTenantBot;

    @BeforeAll
    static void start() {
        server = TestServer.start(media, new RecordingNotificationSink(media));
        token = Tokens.devBotToken(server.baseUrl());
        bot = GraphSdk.client(server.baseUrl(), token);
        p2pBot = GraphSdk.client(server.baseUrl(), Tokens.p2pBotToken(server.baseUrl()));
        otherTenantBot = GraphSdk.client(server.baseUrl(), Tokens.otherTenantBotToken(server.baseUrl()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A group call with Alice and Bob in it (joined), and Carol invited out of the default group, joined too. */
    record Room(Call call, String alice, String bob, String carol) {
    }

    static Room room() {
        Call call = bot.communications().calls().post(GraphSdk.call(CALLBACK, DevIdentities.ALICE_ID, DevIdentities.BOB_ID));
        String alice = join(call, DevIdentities.ALICE_ID, "Alice");
        String bob = join(call, DevIdentities.BOB_ID, "Bob");
        InvitePostRequestBody invite = new InvitePostRequestBody();
        InvitationParticipantInfo carol = new InvitationParticipantInfo();
        IdentitySet ids = new IdentitySet();
        Identity user = new Identity();
        user.setId(DevIdentities.CAROL_ID);
        ids.setUser(user);
        carol.setIdentity(ids);
        carol.setAdditionalData(Map.of("removeFromDefaultAudioRoutingGroup", true));
        invite.setParticipants(List.of(carol));
        bot.communications().calls().byCallId(call.getId()).participants().invite().post(invite);
        return new Room(call, alice, bob, join(call, DevIdentities.CAROL_ID, "Carol"));
    }

    static String join(Call call, String userId, String name) {
        return server.server().calls().participants().join(call.getId(), Caller.user(DevIdentities.TENANT_ID,
                DevIdentities.DEV_BOT_APP_ID, userId, name), "v=0 offer", java.net.InetAddress.getLoopbackAddress())
                .participantId();
    }

    static AudioRoutingGroup group(String id, RoutingMode mode, String source, String... receivers) {
        AudioRoutingGroup g = new AudioRoutingGroup();
        g.setId(id);
        g.setRoutingMode(mode);
        g.setSources(List.of(source));
        g.setReceivers(List.of(receivers));
        return g;
    }

    static com.microsoft.graph.communications.calls.item.audioroutinggroups.AudioRoutingGroupsRequestBuilder groups(Call call) {
        return bot.communications().calls().byCallId(call.getId()).audioRoutingGroups();
    }

    @Test
    void aBotCreatesListsReadsChangesAndDeletesItsGroupsAndTheRoomFollows() {
        Room r = room();
        AudioRoutes invited = media.routes(r.call().getId());
        assertThat(invited).as("carol joined outside the default group").isNotNull();
        assertThat(invited.outsideDefault()).containsExactly(r.carol());
        assertThat(invited.extraSources()).isEmpty();

        AudioRoutingGroup created = groups(r.call()).post(group("whisper", RoutingMode.OneToOne, r.carol(), r.alice()));
        assertThat(created.getId()).isEqualTo("whisper");
        assertThat(created.getRoutingMode()).isEqualTo(RoutingMode.OneToOne);
        assertThat(created.getSources()).containsExactly(r.carol());
        assertThat(created.getReceivers()).containsExactly(r.alice());
        assertThat(media.routes(r.call().getId()).extraSources()).isEqualTo(Map.of(r.alice(), Set.of(r.carol())));

        AudioRoutingGroup named = groups(r.call()).post(group(null, RoutingMode.Multicast, r.alice(), r.carol(), r.bob()));
        assertThat(named.getId()).as("the server names a group given no id").isNotBlank();
        assertThat(groups(r.call()).get().getValue()).extracting(AudioRoutingGroup::getId)
                .containsExactly("whisper", named.getId());
        AudioRoutingGroup read = groups(r.call()).byAudioRoutingGroupId("whisper").get();
        assertThat(read.getSources()).containsExactly(r.carol());

        AudioRoutingGroup patch = new AudioRoutingGroup();
        patch.setReceivers(List.of(r.bob()));
        AudioRoutingGroup changed = groups(r.call()).byAudioRoutingGroupId("whisper").patch(patch);
        assertThat(changed.getReceivers()).containsExactly(r.bob());
        assertThat(changed.getSources()).as("what the patch leaves out stays").containsExactly(r.carol());
        assertThat(media.routes(r.call().getId()).extraSources())
                .isEqualTo(Map.of(r.bob(), Set.of(r.carol(), r.alice()), r.carol(), Set.of(r.alice())));

        groups(r.call()).byAudioRoutingGroupId("whisper").delete();
        groups(r.call()).byAudioRoutingGroupId(named.getId()).delete();
        assertThat(groups(r.call()).get().getValue()).isEmpty();
        AudioRoutes after = media.routes(r.call().getId());
        assertThat(after.extraSources()).isEmpty();
        assertThat(after.outsideDefault()).as("carol stays out of the default group").containsExactly(r.carol());
        expectError(() -> groups(r.call()).byAudioRoutingGroupId("whisper").get(), 404, "itemNotFound");
        expectError(() -> groups(r.call()).byAudioRoutingGroupId("whisper").delete(), 404, "itemNotFound");
    }

    @Test
    void reInvitingWithoutTheFlagBringsAParticipantBackIntoTheDefaultGroup() throws Exception {
        Room r = room();
        String body = """
                {"participants":[{"@odata.type":"#microsoft.graph.invitationParticipantInfo",
                  "identity":{"user":{"id":"%s"}},"removeFromDefaultAudioRoutingGroup":false}]}""".formatted(DevIdentities.CAROL_ID);
        HttpResponse<String> invited = send("POST", path(r.call(), "/participants/invite"), token, body);
        assertThat(invited.statusCode()).as(invited.body()).isEqualTo(200);
        assertThat(media.routes(r.call().getId())).isEqualTo(AudioRoutes.DEFAULT);
    }

    @Test
    void aFlaggedTargetOfANewGroupCallJoinsOutsideTheDefaultGroupTheOthersInside() {
        Call body = GraphSdk.call(CALLBACK, DevIdentities.ALICE_ID, DevIdentities.BOB_ID);
        body.getTargets().get(1).setRemoveFromDefaultAudioRoutingGroup(true);
        Call call = bot.communications().calls().post(body);
        String alice = clientJoin(call, Tokens.aliceToken(server.baseUrl()));
        assertThat(media.routes(call.getId())).as("alice, without the flag, joined the default group").isNull();
        String bob = clientJoin(call, Tokens.bobToken(server.baseUrl()));
        AudioRoutes routes = media.routes(call.getId());
        assertThat(routes).as("bob, flagged on the targets, joined outside the default group").isNotNull();
        assertThat(routes.outsideDefault()).containsExactly(bob).doesNotContain(alice);
        assertThat(routes.extraSources()).isEmpty();

        groups(call).post(group("whisper", RoutingMode.OneToOne, bob, alice));
        assertThat(media.routes(call.getId()).extraSources()).isEqualTo(Map.of(alice, Set.of(bob)));
        bot.communications().calls().byCallId(call.getId()).delete();

        Call p2pBody = GraphSdk.call(CALLBACK, DevIdentities.CAROL_ID);
        p2pBody.getTargets().getFirst().setRemoveFromDefaultAudioRoutingGroup(true);
        Call p2p = p2pBot.communications().calls().post(p2pBody);
        clientJoin(p2p, Tokens.carolToken(server.baseUrl()));
        assertThat(media.routes(p2p.getId())).as("a peer-to-peer call's target stays in the default group, as with invite (group calls only)").isNull();
        p2pBot.communications().calls().byCallId(p2p.getId()).delete();
    }

    @Test
    void aNonBooleanFlagIsA400NamingTheEntryOnTargetsAndOnInvite() throws Exception {
        String create = """
                {"callbackUri":"%s","requestedModalities":["audio"],
                 "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},
                 "targets":[{"identity":{"user":{"id":"%s"}}},
                            {"identity":{"user":{"id":"%s"}},"removeFromDefaultAudioRoutingGroup":"yes"}]}"""
                .formatted(CALLBACK, DevIdentities.ALICE_ID, DevIdentities.BOB_ID);
        HttpResponse<String> created = send("POST", "/v1.0/communications/calls", token, create);
        assertThat(GraphHttp.graphError(created, 400, "BadRequest").get("message").asText())
                .contains("'targets[1].removeFromDefaultAudioRoutingGroup'");

        Room r = room();
        String invite = """
                {"participants":[{"identity":{"user":{"id":"%s"}},"removeFromDefaultAudioRoutingGroup":1}]}"""
                .formatted(DevIdentities.CAROL_ID);
        HttpResponse<String> invited = send("POST", path(r.call(), "/participants/invite"), token, invite);
        assertThat(GraphHttp.graphError(invited, 400, "BadRequest").get("message").asText())
                .contains("'participants[0].removeFromDefaultAudioRoutingGroup'");
        assertThat(media.routes(r.call().getId()).outsideDefault()).as("nothing changed").containsExactly(r.carol());
    }

    /** Joins through the client API over HTTP, as the user's own client does; the participant id. */
    static String clientJoin(Call call, String userToken) {
        return new ClientApi(new ServerHttp(server.baseUrl()), userToken).join(call.getId(), "v=0 offer").participantId();
    }

    @Test
    void theWireShapeIsGraphs() throws Exception {
        Room r = room();
        String body = """
                {"id":"g1","routingMode":"multicast","sources":["%s"],"receivers":["%s","%s"]}""".formatted(r.carol(), r.alice(), r.bob());
        HttpResponse<String> created = send("POST", path(r.call(), "/audioRoutingGroups"), token, body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        JsonNode g = JSON.readTree(created.body());
        assertThat(g.get("@odata.type").asText()).isEqualTo("#microsoft.graph.audioRoutingGroup");
        assertThat(g.get("@odata.context").asText()).endsWith("/v1.0/$metadata#communications/calls('" + r.call().getId()
                + "')/audioRoutingGroups/$entity");
        assertThat(g.get("routingMode").asText()).isEqualTo("multicast");
        JsonNode list = JSON.readTree(send("GET", path(r.call(), "/audioRoutingGroups"), token, null).body());
        assertThat(list.get("@odata.context").asText()).endsWith("/audioRoutingGroups");
        assertThat(list.get("value")).hasSize(1);
        assertThat(list.at("/value/0/receivers/1").asText()).isEqualTo(r.bob());
        HttpResponse<String> alias = send("GET", "/v1.0/app/calls/" + r.call().getId() + "/audioRoutingGroups/g1", token, null);
        assertThat(alias.statusCode()).as(alias.body()).isEqualTo(200);
        assertThat(send("DELETE", path(r.call(), "/audioRoutingGroups/g1"), token, null).statusCode()).isEqualTo(204);
    }

    @Test
    void everyBadBodyIsA400NamingWhatIsWrongAndNothingIsKept() throws Exception {
        Room r = room();
        String a = r.alice(), b = r.bob(), c = r.carol();
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"sources\":[\"" + c + "\"],\"receivers\":[\"" + a + "\"]}", "routingMode");
        cases.put("{\"routingMode\":\"broadcast\",\"sources\":[\"" + c + "\"],\"receivers\":[\"" + a + "\"]}", "broadcast");
        cases.put("{\"routingMode\":\"oneToOne\",\"receivers\":[\"" + a + "\"]}", "'sources' is required");
        cases.put("{\"routingMode\":\"oneToOne\",\"sources\":\"" + c + "\",\"receivers\":[\"" + a + "\"]}", "'sources' must be an array");
        cases.put("{\"routingMode\":\"oneToOne\",\"sources\":[\"" + c + "\",\"" + b + "\"],\"receivers\":[\"" + a + "\"]}", "exactly one");
        cases.put("{\"routingMode\":\"oneToOne\",\"sources\":[\"" + c + "\"],\"receivers\":[\"" + a + "\",\"" + b + "\"]}", "oneToOne");
        cases.put("{\"routingMode\":\"multicast\",\"sources\":[\"" + c + "\"],\"receivers\":[]}", "1 to 1000");
        cases.put("{\"routingMode\":\"multicast\",\"sources\":[\"" + c + "\"],\"receivers\":[\"" + a + "\",\"" + a + "\"]}", "more than once");
        cases.put("{\"routingMode\":\"multicast\",\"sources\":[\"" + c + "\"],\"receivers\":[\"" + a + "\",\"" + c + "\"]}", "does not hear itself");
        cases.put("{\"routingMode\":\"oneToOne\",\"sources\":[\"nobody\"],\"receivers\":[\"" + a + "\"]}", "'nobody'");
        cases.put("{\"routingMode\":\"oneToOne\",\"sources\":[\"" + c + "\"],\"receivers\":[42]}", "participant id");
        cases.put("{\"id\":\"a/b\",\"routingMode\":\"oneToOne\",\"sources\":[\"" + c + "\"],\"receivers\":[\"" + a + "\"]}", "'id'");
        cases.put("[]", "JSON object");
        for (Map.Entry<String, String> e : cases.entrySet()) {
            HttpResponse<String> resp = send("POST", path(r.call(), "/audioRoutingGroups"), token, e.getKey());
            JsonNode error = GraphHttp.graphError(resp, 400, "BadRequest");
            assertThat(error.get("message").asText()).as(e.getKey()).contains(e.getValue());
        }
        assertThat(groups(r.call()).get().getValue()).isEmpty();
        assertThat(media.routes(r.call().getId()).extraSources()).isEmpty();

        groups(r.call()).post(group("g", RoutingMode.OneToOne, c, a));
        HttpResponse<String> taken = send("POST", path(r.call(), "/audioRoutingGroups"), token,
                "{\"id\":\"g\",\"routingMode\":\"oneToOne\",\"sources\":[\"" + a + "\"],\"receivers\":[\"" + b + "\"]}");
        GraphHttp.graphError(taken, 409, "Conflict");
        HttpResponse<String> badPatch = send("PATCH", path(r.call(), "/audioRoutingGroups/g"), token,
                "{\"receivers\":[\"" + a + "\",\"" + b + "\"]}");
        assertThat(GraphHttp.graphError(badPatch, 400, "BadRequest").get("message").asText()).contains("oneToOne");
        HttpResponse<String> renamed = send("PATCH", path(r.call(), "/audioRoutingGroups/g"), token, "{\"id\":\"h\"}");
        assertThat(GraphHttp.graphError(renamed, 400, "BadRequest").get("message").asText()).contains("cannot change");
        AudioRoutingGroup kept = groups(r.call()).byAudioRoutingGroupId("g").get();
        assertThat(kept.getSources()).containsExactly(c);
        assertThat(kept.getReceivers()).containsExactly(a);
        assertThat(media.routes(r.call().getId()).extraSources()).isEqualTo(Map.of(a, Set.of(c)));
    }

    @Test
    void anotherTenantsCallIsNotFoundAndTheGroupCallPermissionIsNeeded() {
        Room r = room();
        expectError(() -> otherTenantBot.communications().calls().byCallId(r.call().getId()).audioRoutingGroups().get(),
                404, "itemNotFound");
        expectError(() -> bot.communications().calls().byCallId("no-such-call").audioRoutingGroups().get(), 404, "itemNotFound");
        expectError(() -> p2pBot.communications().calls().byCallId(r.call().getId()).audioRoutingGroups()
                .post(group("g", RoutingMode.OneToOne, r.carol(), r.alice())), 403, "Forbidden");
        assertThat(groups(r.call()).get().getValue()).isEmpty();
    }

    @Test
    void aBotsGroupsEndWithItsCall() {
        Room r = room();
        groups(r.call()).post(group("g", RoutingMode.OneToOne, r.carol(), r.alice()));
        assertThat(media.routes(r.call().getId()).extraSources()).isNotEmpty();
        bot.communications().calls().byCallId(r.call().getId()).delete();
        assertThat(media.routes(r.call().getId()).extraSources()).isEmpty();
    }

    @Test
    void aTransferredCallsGroupsEndWithIt() {
        Call call = bot.communications().calls().post(GraphSdk.call(CALLBACK, DevIdentities.ALICE_ID));
        String alice = join(call, DevIdentities.ALICE_ID, "Alice");
        String botParticipant = bot.communications().calls().byCallId(call.getId()).get().getMyParticipantId();
        groups(call).post(group("g", RoutingMode.OneToOne, alice, botParticipant));
        assertThat(media.routes(call.getId()).extraSources()).isNotEmpty();
        com.microsoft.graph.communications.calls.item.transfer.TransferPostRequestBody transfer =
                new com.microsoft.graph.communications.calls.item.transfer.TransferPostRequestBody();
        transfer.setTransferTarget(GraphSdk.target(DevIdentities.BOB_ID));
        bot.communications().calls().byCallId(call.getId()).transfer().post(transfer);
        join(call, DevIdentities.BOB_ID, "Bob"); // bob answers: the transfer completes, the bot's call ends
        assertThat(media.routes(call.getId()).extraSources()).as("the groups ended with the transferred call").isEmpty();
    }

    @Test
    void twoBotsInOneMeetingRouteTogetherAndEachBotsGroupsEndWithItsCall() {
        Room r = room();
        var meeting = (com.microsoft.graph.models.JoinMeetingIdMeetingInfo) bot.communications().calls()
                .byCallId(r.call().getId()).get().getMeetingInfo();
        Call second = bot.communications().calls().post(GraphSdk.joinMeetingAs(CALLBACK, meeting.getJoinMeetingId(),
                "instance-2", "Dev Bot, second identity"));

        groups(r.call()).post(group("to-alice", RoutingMode.OneToOne, r.carol(), r.alice()));
        groups(second).post(group("to-bob", RoutingMode.OneToOne, r.carol(), r.bob()));
        assertThat(groups(second).get().getValue()).extracting(AudioRoutingGroup::getId).as("each call lists its own")
                .containsExactly("to-bob");
        AudioRoutes both = media.routes(r.call().getId());
        assertThat(both.extraSources()).isEqualTo(Map.of(r.alice(), Set.of(r.carol()), r.bob(), Set.of(r.carol())));
        assertThat(both.bots()).hasSize(2).contains(r.call().getMyParticipantId(), second.getMyParticipantId());

        bot.communications().calls().byCallId(second.getId()).delete();
        assertThat(media.routes(r.call().getId()).extraSources()).isEqualTo(Map.of(r.alice(), Set.of(r.carol())));
    }

    static String path(Call call, String rest) {
        return "/v1.0/communications/calls/" + call.getId() + rest;
    }

    static HttpResponse<String> send(String method, String path, String bearer, String body) throws Exception {
        return new GraphHttp(server.baseUrl()).send(method, path, bearer, body);
    }
}
