package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.communications.calls.item.participants.invite.InvitePostRequestBody;
import com.microsoft.graph.communications.calls.item.transfer.TransferPostRequestBody;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.CallState;
import com.microsoft.graph.models.InvitationParticipantInfo;
import com.microsoft.graph.models.InviteParticipantsOperation;
import com.microsoft.graph.models.Participant;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.core.Caller;
import dev.switchboard.notify.NotificationKind;
import dev.switchboard.testsupport.RecordingMediaEngine;
import dev.switchboard.testsupport.RecordingNotificationSink;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the user cannot be moved (here: a media plane whose rooms cannot hand a leg over, so the move fails after the
 * checks passed — as when the user leaves the replaced call in between), nothing is lost: a consultative transfer goes
 * back to {@code established} with 500/7700, a replacing invitation fails with 500/7700, and the user stays in the
 * call that was to be replaced.
 */
class ReplaceRefusedByMediaTest {
    static final String CALLBACK = "http://127.0.0.1:9/callback";
    static final RecordingMediaEngine media = new RecordingMediaEngine();
    static final RecordingNotificationSink sink = new RecordingNotificationSink(media);
    static TestServer server;
    static GraphServiceClient bot;

    @BeforeAll
    static void start() {
        server = TestServer.start(media, sink);
        bot = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String join(String callId, String userId) {
        return server.server().calls().participants().join(callId, Caller.user(DevIdentities.TENANT_ID,
                DevIdentities.DEV_BOT_APP_ID, userId, userId), "v=0 offer", java.net.InetAddress.getLoopbackAddress())
                .participantId();
    }

    private static String p2p(String userId) {
        String id = bot.communications().calls().post(GraphSdk.call(CALLBACK, userId)).getId();
        join(id, userId);
        assertThat(bot.communications().calls().byCallId(id).get().getState()).isEqualTo(CallState.Established);
        return id;
    }

    @Test
    void aTransferWhoseTargetCannotMoveGoesBackToEstablishedWith7700() {
        String a = p2p(DevIdentities.ALICE_ID);
        String b = p2p(DevIdentities.BOB_ID);
        InvitationParticipantInfo alice = GraphSdk.target(DevIdentities.ALICE_ID);
        alice.setReplacesCallId(a);
        TransferPostRequestBody transfer = new TransferPostRequestBody();
        transfer.setTransferTarget(alice);
        bot.communications().calls().byCallId(b).transfer().post(transfer);

        List<JsonNode> states = sink.of(b, NotificationKind.CALL_STATE).stream()
                .map(n -> n.commsNotification().path("resourceData")).toList();
        assertThat(states).extracting(s -> s.path("state").asText()).endsWith("transferring", "established");
        JsonNode failed = states.getLast().path("resultInfo");
        assertThat(failed.path("code").asInt()).isEqualTo(500);
        assertThat(failed.path("subcode").asInt()).isEqualTo(7700);
        assertThat(bot.communications().calls().byCallId(b).get().getState()).isEqualTo(CallState.Established);
        assertThat(bot.communications().calls().byCallId(a).get().getState()).as("the call to replace goes on")
                .isEqualTo(CallState.Established);
        assertThat(users(a)).containsExactly(DevIdentities.ALICE_ID);
        assertThat(sink.of(a, NotificationKind.CALL_STATE)).extracting(n -> n.commsNotification().at("/resourceData/state").asText())
                .doesNotContain("terminated");
    }

    @Test
    void aReplacingInvitationWhoseInviteeCannotMoveFailsWith7700() {
        String p = p2p(DevIdentities.CAROL_ID);
        Call group = bot.communications().calls().post(GraphSdk.call(CALLBACK, DevIdentities.ALICE_ID, DevIdentities.BOB_ID));
        join(group.getId(), DevIdentities.BOB_ID);
        InvitationParticipantInfo carol = GraphSdk.target(DevIdentities.CAROL_ID);
        carol.setReplacesCallId(p);
        InvitePostRequestBody invite = new InvitePostRequestBody();
        invite.setParticipants(List.of(carol));
        InviteParticipantsOperation op = bot.communications().calls().byCallId(group.getId()).participants().invite().post(invite);

        JsonNode finished = sink.of(group.getId(), NotificationKind.OPERATION).stream()
                .map(n -> n.commsNotification().path("resourceData"))
                .filter(d -> d.path("id").asText().equals(op.getId())).findFirst().orElseThrow();
        assertThat(finished.path("status").asText()).isEqualToIgnoringCase("failed");
        assertThat(finished.at("/resultInfo/subcode").asInt()).isEqualTo(7700);
        assertThat(users(p)).containsExactly(DevIdentities.CAROL_ID);
        assertThat(users(group.getId())).doesNotContain(DevIdentities.CAROL_ID);
    }

    /** The users in the call's roster. */
    private static List<String> users(String callId) {
        return bot.communications().calls().byCallId(callId).participants().get().getValue().stream()
                .map(Participant::getInfo).filter(i -> i.getIdentity().getUser() != null)
                .map(i -> i.getIdentity().getUser().getId()).toList();
    }
}
