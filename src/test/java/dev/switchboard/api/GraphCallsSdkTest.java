package dev.switchboard.api;

import com.microsoft.graph.communications.calls.item.participants.invite.InvitePostRequestBody;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.CallDirection;
import com.microsoft.graph.models.CallState;
import com.microsoft.graph.models.CommsOperation;
import com.microsoft.graph.models.InviteParticipantsOperation;
import com.microsoft.graph.models.MuteParticipantOperation;
import com.microsoft.graph.models.OperationStatus;
import com.microsoft.graph.models.OutgoingCallOptions;
import com.microsoft.graph.models.Participant;
import com.microsoft.graph.models.UnmuteParticipantOperation;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.http.middleware.options.HeadersInspectionOption;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.core.Caller;
import dev.switchboard.core.JoinResult;
import dev.switchboard.notify.NotificationKind;
import dev.switchboard.testsupport.RecordingNotificationSink.Recorded;
import dev.switchboard.testsupport.RecordingMediaEngine;
import dev.switchboard.testsupport.RecordingNotificationSink;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static dev.switchboard.api.GraphSdk.expectError;
import static org.assertj.core.api.Assertions.assertThat;

/** Every Graph calls endpoint driven by the official Java SDK against the real server with real tokens. */
class GraphCallsSdkTest {
    static final String CALLBACK = "http://127.0.0.1:9/callback";
    static final RecordingMediaEngine media = new RecordingMediaEngine();
    static final RecordingNotificationSink sink = new RecordingNotificationSink(media);
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static TestServer server;
    static String devBotToken;
    static GraphServiceClient bot;
    static GraphServiceClient p2pBot;
    static GraphServiceClient otherTenantBot;

    @BeforeAll
    static void start() {
        server = TestServer.start(media, sink);
        devBotToken = Tokens.devBotToken(server.baseUrl());
        bot = GraphSdk.client(server.baseUrl(), devBotToken);
        p2pBot = GraphSdk.client(server.baseUrl(), Tokens.p2pBotToken(server.baseUrl()));
        otherTenantBot = GraphSdk.client(server.baseUrl(), Tokens.otherTenantBotToken(server.baseUrl()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Call groupCall() {
        return bot.communications().calls().post(GraphSdk.call(CALLBACK, DevIdentities.ALICE_ID, DevIdentities.BOB_ID));
    }

    static JoinResult join(Call call, String userId, String name) {
        return server.server().calls().participants().join(call.getId(), Caller.user(DevIdentities.TENANT_ID, DevIdentities.DEV_BOT_APP_ID, userId, name), "v=0 offer", java.net.InetAddress.getLoopbackAddress());
    }

    static Participant participant(Call call, String participantId) {
        return bot.communications().calls().byCallId(call.getId()).participants().byParticipantId(participantId).get();
    }

    static HttpResponse<String> getWithToken(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + devBotToken).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void createsAGroupCallThatIsEstablishingThenEstablished() {
        HeadersInspectionOption headers = new HeadersInspectionOption(false, true);
        Call created = bot.communications().calls().post(GraphSdk.call(CALLBACK, DevIdentities.ALICE_ID, DevIdentities.BOB_ID),
                cfg -> cfg.options.add(headers));
        assertThat(created.getState()).isEqualTo(CallState.Establishing);
        assertThat(created.getDirection()).isEqualTo(CallDirection.Outgoing);
        assertThat(created.getMyParticipantId()).isNotBlank();
        assertThat(created.getCallChainId()).isNotBlank();
        assertThat(created.getSource().getIdentity().getApplication().getId()).isEqualTo(DevIdentities.DEV_BOT_APP_ID);
        assertThat(created.getCallbackUri()).isEqualTo(CALLBACK);
        assertThat(headers.getResponseHeaders().get("Location"))
                .containsExactly(server.baseUrl() + "/v1.0/communications/calls/" + created.getId());
        Call fetched = bot.communications().calls().byCallId(created.getId()).get();
        assertThat(fetched.getState()).isEqualTo(CallState.Established);
        assertThat(fetched.getMyParticipantId()).isEqualTo(created.getMyParticipantId());
        assertThat(sink.of(created.getId(), NotificationKind.CALL_STATE)).hasSize(2);
    }

    @Test
    void muteAndUnmuteTheBotWithAndWithoutClientContext() throws Exception {
        Call call = groupCall();
        var calls = bot.communications().calls().byCallId(call.getId());
        var body = new com.microsoft.graph.communications.calls.item.mute.MutePostRequestBody();
        body.setClientContext("ctx-mute");
        HeadersInspectionOption headers = new HeadersInspectionOption(false, true);
        MuteParticipantOperation op = calls.mute().post(body, cfg -> cfg.options.add(headers));
        assertThat(op.getStatus()).isEqualTo(OperationStatus.Completed);
        assertThat(op.getClientContext()).isEqualTo("ctx-mute");
        assertThat(media.leg(call.getMyParticipantId()).serverMuted()).isTrue();

        String location = headers.getResponseHeaders().get("Location").iterator().next();
        assertThat(location).isEqualTo(server.baseUrl() + "/v1.0/communications/calls/" + call.getId() + "/operations/" + op.getId());
        HttpResponse<String> viaLocation = getWithToken(location);
        assertThat(viaLocation.statusCode()).isEqualTo(200);
        assertThat(viaLocation.body()).contains("\"status\":\"Completed\"", "\"clientContext\":\"ctx-mute\"");
        CommsOperation viaSdk = calls.operations().byCommsOperationId(op.getId()).get();
        assertThat(viaSdk).isInstanceOf(MuteParticipantOperation.class);
        assertThat(viaSdk.getStatus()).isEqualTo(OperationStatus.Completed);

        Participant me = participant(call, call.getMyParticipantId());
        assertThat(me.getIsMuted()).isTrue();
        assertThat(me.getMediaStreams().getFirst().getServerMuted()).isTrue();

        MuteParticipantOperation again = calls.mute().post(new com.microsoft.graph.communications.calls.item.mute.MutePostRequestBody());
        assertThat(again.getId()).isNotEqualTo(op.getId());
        assertThat(again.getClientContext()).isNull();

        UnmuteParticipantOperation unmute = calls.unmute().post(new com.microsoft.graph.communications.calls.item.unmute.UnmutePostRequestBody());
        assertThat(unmute.getStatus()).isEqualTo(OperationStatus.Completed);
        assertThat(media.leg(call.getMyParticipantId()).serverMuted()).isFalse();
        assertThat(participant(call, call.getMyParticipantId()).getIsMuted()).isFalse();
    }

    @Test
    void participantMuteIsAServerMuteThatTheParticipantsOwnUnmuteDoesNotLift() throws Exception {
        Call call = groupCall();
        JoinResult alice = join(call, DevIdentities.ALICE_ID, "Alice");
        var body = new com.microsoft.graph.communications.calls.item.participants.item.mute.MutePostRequestBody();
        body.setClientContext("ctx-p");
        MuteParticipantOperation op = bot.communications().calls().byCallId(call.getId()).participants()
                .byParticipantId(alice.participantId()).mute().post(body);
        assertThat(op.getStatus()).isEqualTo(OperationStatus.Completed);
        assertThat(op.getClientContext()).isEqualTo("ctx-p");
        assertThat(media.leg(alice.participantId()).serverMuted()).isTrue();

        server.server().calls().participants().setClientMuted(call.getId(), alice.participantId(), false,
                Caller.user(DevIdentities.TENANT_ID, DevIdentities.DEV_BOT_APP_ID, DevIdentities.ALICE_ID, "Alice"));
        List<Participant> roster = bot.communications().calls().byCallId(call.getId()).participants().get().getValue();
        Participant seen = roster.stream().filter(p -> p.getId().equals(alice.participantId())).findFirst().orElseThrow();
        assertThat(seen.getIsMuted()).isTrue();
        assertThat(seen.getMediaStreams().getFirst().getServerMuted()).isTrue();
        assertThat(seen.getInfo().getIdentity().getUser().getId()).isEqualTo(DevIdentities.ALICE_ID);
        assertThat(seen.getRosterSequenceNumber()).isPositive();
        assertThat(roster).hasSize(2);

        // the Switchboard extension lifts it (the SDK has no builder for it: plain HTTP)
        HttpResponse<String> unmute = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1.0/communications/calls/"
                        + call.getId() + "/participants/" + alice.participantId() + "/unmute"))
                .header("Authorization", "Bearer " + devBotToken).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unmute.statusCode()).isEqualTo(200);
        assertThat(unmute.body()).contains("#microsoft.graph.unmuteParticipantOperation", "\"status\":\"Completed\"");
        assertThat(unmute.headers().firstValue("Location")).isPresent();
        assertThat(media.leg(alice.participantId()).serverMuted()).isFalse();
        assertThat(participant(call, alice.participantId()).getIsMuted()).isFalse();
    }

    @Test
    void rosterUpdatesReachTheBotOnlyWhenSomethingChanged() {
        Call call = groupCall();
        int before = sink.of(call.getId(), NotificationKind.ROSTER).size();
        var calls = bot.communications().calls().byCallId(call.getId());
        calls.mute().post(new com.microsoft.graph.communications.calls.item.mute.MutePostRequestBody());
        calls.mute().post(new com.microsoft.graph.communications.calls.item.mute.MutePostRequestBody());
        List<Recorded> roster = sink.of(call.getId(), NotificationKind.ROSTER);
        assertThat(roster).hasSize(before + 1);
        assertThat(roster.getLast().commsNotification().at("/resourceData/0/isMuted").asBoolean()).isTrue();
        assertThat(roster.getLast().callbackUri()).isEqualTo(URI.create(CALLBACK));
    }

    @Test
    void inviteRunsUntilTheInviteeJoinsThenCompletes() {
        Call call = groupCall();
        InvitePostRequestBody body = new InvitePostRequestBody();
        body.setParticipants(List.of(GraphSdk.target(DevIdentities.CAROL_ID)));
        body.setClientContext("inv-1");
        InviteParticipantsOperation op = bot.communications().calls().byCallId(call.getId()).participants().invite().post(body);
        assertThat(op.getStatus()).isEqualTo(OperationStatus.Running);
        assertThat(op.getParticipants()).hasSize(1);
        join(call, DevIdentities.CAROL_ID, "Carol");
        CommsOperation done = bot.communications().calls().byCallId(call.getId()).operations().byCommsOperationId(op.getId()).get();
        assertThat(done).isInstanceOf(InviteParticipantsOperation.class);
        assertThat(done.getStatus()).isEqualTo(OperationStatus.Completed);
        assertThat(done.getClientContext()).isEqualTo("inv-1");
        assertThat(sink.of(call.getId(), NotificationKind.OPERATION)).hasSize(1);
    }

    @Test
    void removingAParticipantClosesItsLeg() {
        Call call = groupCall();
        JoinResult bob = join(call, DevIdentities.BOB_ID, "Bob");
        bot.communications().calls().byCallId(call.getId()).participants().byParticipantId(bob.participantId()).delete();
        assertThat(media.leg(bob.participantId()).closed()).isTrue();
        expectError(() -> participant(call, bob.participantId()), 404, "itemNotFound");
    }

    @Test
    void keepAliveAnswers200UntilTheCallIsDeletedThen404() {
        Call call = groupCall();
        var calls = bot.communications().calls().byCallId(call.getId());
        calls.keepAlive().post();
        calls.delete();
        expectError(() -> calls.get(), 404, "itemNotFound");
        expectError(() -> calls.keepAlive().post(), 404, "itemNotFound");
        expectError(() -> calls.mute().post(new com.microsoft.graph.communications.calls.item.mute.MutePostRequestBody()), 404, "itemNotFound");
        Recorded last = sink.of(call.getId(), NotificationKind.CALL_STATE).getLast();
        assertThat(last.commsNotification().get("changeType").asText()).isEqualTo("deleted");
        assertThat(last.commsNotification().at("/resourceData/resultInfo/code").asInt()).isEqualTo(200);
        assertThat(media.leg(call.getMyParticipantId()).closed()).isTrue();
    }

    @Test
    void peerToPeerCallsRefuseMuteUnmuteParticipantMuteAndInvite() {
        Call call = p2pBot.communications().calls().post(GraphSdk.call(CALLBACK, DevIdentities.ALICE_ID));
        var calls = p2pBot.communications().calls().byCallId(call.getId());
        String code = "NotSupportedInPeerToPeerCall";
        ODataError e = expectError(() -> calls.mute().post(new com.microsoft.graph.communications.calls.item.mute.MutePostRequestBody()), 400, code);
        assertThat(e.getError().getMessage()).contains("group calls only");
        expectError(() -> calls.unmute().post(new com.microsoft.graph.communications.calls.item.unmute.UnmutePostRequestBody()), 400, code);
        expectError(() -> calls.participants().byParticipantId(call.getMyParticipantId()).mute()
                .post(new com.microsoft.graph.communications.calls.item.participants.item.mute.MutePostRequestBody()), 400, code);
        InvitePostRequestBody invite = new InvitePostRequestBody();
        invite.setParticipants(List.of(GraphSdk.target(DevIdentities.BOB_ID)));
        // the P2P bot lacks Calls.InitiateGroupCall.All, so the dev bot's P2P call shows the group-only rule
        Call devP2p = bot.communications().calls().post(GraphSdk.call(CALLBACK, DevIdentities.BOB_ID));
        expectError(() -> bot.communications().calls().byCallId(devP2p.getId()).participants().invite().post(invite), 400, code);
        assertThat(media.leg(call.getMyParticipantId()).serverMuted()).isFalse();
    }

    @Test
    void aP2pBotCannotCreateAGroupCall() {
        expectError(() -> p2pBot.communications().calls().post(GraphSdk.call(CALLBACK, DevIdentities.ALICE_ID, DevIdentities.BOB_ID)),
                403, "Forbidden");
    }

    @Test
    void anotherTenantSeesTheSame404AsForAnUnknownCall() {
        Call call = groupCall();
        ODataError foreign = expectError(() -> otherTenantBot.communications().calls().byCallId(call.getId()).get(), 404, "itemNotFound");
        ODataError unknown = expectError(() -> bot.communications().calls().byCallId("no-such-call").get(), 404, "itemNotFound");
        assertThat(foreign.getError().getMessage().replace(call.getId(), "X"))
                .isEqualTo(unknown.getError().getMessage().replace("no-such-call", "X"));
        expectError(() -> otherTenantBot.communications().calls().byCallId(call.getId()).mute()
                .post(new com.microsoft.graph.communications.calls.item.mute.MutePostRequestBody()), 404, "itemNotFound");
        expectError(() -> otherTenantBot.communications().calls().byCallId(call.getId()).delete(), 404, "itemNotFound");
        assertThat(media.leg(call.getMyParticipantId()).serverMuted()).isFalse();
        assertThat(bot.communications().calls().byCallId(call.getId()).get().getState()).isEqualTo(CallState.Established);
    }

    @Test
    void unknownParticipantAndOperationAre404AndALongClientContextIs400() {
        Call call = groupCall();
        var calls = bot.communications().calls().byCallId(call.getId());
        expectError(() -> calls.participants().byParticipantId("nobody").get(), 404, "itemNotFound");
        expectError(() -> calls.participants().byParticipantId("nobody").mute()
                .post(new com.microsoft.graph.communications.calls.item.participants.item.mute.MutePostRequestBody()), 404, "itemNotFound");
        expectError(() -> calls.operations().byCommsOperationId("no-op").get(), 404, "itemNotFound");
        var tooLong = new com.microsoft.graph.communications.calls.item.mute.MutePostRequestBody();
        tooLong.setClientContext("x".repeat(257));
        ODataError e = expectError(() -> calls.mute().post(tooLong), 400, "BadRequest");
        assertThat(e.getError().getMessage()).contains("256");
        assertThat(media.leg(call.getMyParticipantId()).serverMuted()).isFalse();
    }

    @Test
    void missingRequiredFieldsAreNamed() {
        Call noCallback = GraphSdk.call(CALLBACK, DevIdentities.ALICE_ID, DevIdentities.BOB_ID);
        noCallback.setCallbackUri(null);
        assertThat(expectError(() -> bot.communications().calls().post(noCallback), 400, "BadRequest").getError().getMessage())
                .contains("callbackUri");
        Call noMedia = GraphSdk.call(CALLBACK, DevIdentities.ALICE_ID, DevIdentities.BOB_ID);
        noMedia.setMediaConfig(null);
        assertThat(expectError(() -> bot.communications().calls().post(noMedia), 400, "BadRequest").getError().getMessage())
                .contains("mediaConfig");
        Call noModalities = GraphSdk.call(CALLBACK, DevIdentities.ALICE_ID, DevIdentities.BOB_ID);
        noModalities.setRequestedModalities(null);
        assertThat(expectError(() -> bot.communications().calls().post(noModalities), 400, "BadRequest").getError().getMessage())
                .contains("requestedModalities");
    }

    @Test
    void theSameAppJoinsItsGroupCallAgainUnderAnotherIdentityByTheMeetingId() {
        Call first = groupCall();
        Call fetched = bot.communications().calls().byCallId(first.getId()).get();
        var meeting = (com.microsoft.graph.models.JoinMeetingIdMeetingInfo) fetched.getMeetingInfo();
        expectError(() -> bot.communications().calls().post(GraphSdk.joinMeeting(CALLBACK, meeting.getJoinMeetingId())),
                409, "Conflict");
        Call second = bot.communications().calls().post(GraphSdk.joinMeetingAs(CALLBACK, meeting.getJoinMeetingId(),
                "instance-2", "Dev Bot, second identity"));
        assertThat(second.getCallChainId()).isEqualTo(first.getCallChainId());
        assertThat(second.getId()).isNotEqualTo(first.getId());
        List<Participant> roster = bot.communications().calls().byCallId(first.getId()).participants().get().getValue();
        assertThat(roster).hasSize(2);
        // the second identity mutes the first; the first sees it
        bot.communications().calls().byCallId(second.getId()).participants().byParticipantId(first.getMyParticipantId()).mute()
                .post(new com.microsoft.graph.communications.calls.item.participants.item.mute.MutePostRequestBody());
        assertThat(participant(first, first.getMyParticipantId()).getIsMuted()).isTrue();
    }

    @Test
    void callOptionsAreHonouredAndUnknownPropertiesIgnored() {
        Call body = GraphSdk.call(CALLBACK, DevIdentities.ALICE_ID, DevIdentities.BOB_ID);
        OutgoingCallOptions options = new OutgoingCallOptions();
        options.setAdditionalData(Map.of("allowSelfUnmute", true));
        body.setCallOptions(options);
        body.setAdditionalData(Map.of("somethingNew", 42));
        Call call = bot.communications().calls().post(body);
        JoinResult alice = join(call, DevIdentities.ALICE_ID, "Alice");
        bot.communications().calls().byCallId(call.getId()).participants().byParticipantId(alice.participantId()).mute()
                .post(new com.microsoft.graph.communications.calls.item.participants.item.mute.MutePostRequestBody());
        server.server().calls().participants().setClientMuted(call.getId(), alice.participantId(), false,
                Caller.user(DevIdentities.TENANT_ID, DevIdentities.DEV_BOT_APP_ID, DevIdentities.ALICE_ID, "Alice"));
        assertThat(participant(call, alice.participantId()).getIsMuted()).isFalse();
        assertThat(bot.communications().calls().byCallId(call.getId()).get().getCallOptions()).isInstanceOf(OutgoingCallOptions.class);
    }
}
