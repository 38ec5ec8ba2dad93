package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.communications.calls.item.updaterecordingstatus.UpdateRecordingStatusPostRequestBody;
import com.microsoft.graph.models.OperationStatus;
import com.microsoft.graph.models.Participant;
import com.microsoft.graph.models.RecordingStatus;
import com.microsoft.graph.models.UpdateRecordingStatusOperation;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.RosterWatcher;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code updateRecordingStatus} through the official Graph Java SDK: the bot's roster entry shows its
 * {@code recordingInfo} in the roster notifications the bots get, on the participants' roster stream, and on GET.
 */
class RecordingStatusEndToEndTest {
    static final Duration PATIENCE = Duration.ofSeconds(30);
    static TestServer server;
    static CallbackReceiver bot;
    static CallbackReceiver otherBot;
    static GraphServiceClient graph;
    static ClientApi alice;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        bot = new CallbackReceiver();
        otherBot = new CallbackReceiver();
        graph = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
        alice = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.aliceToken(server.baseUrl()));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            bot.close();
            otherBot.close();
        }
    }

    static UpdateRecordingStatusOperation update(String callId, RecordingStatus status) {
        UpdateRecordingStatusPostRequestBody body = new UpdateRecordingStatusPostRequestBody();
        body.setStatus(status);
        body.setClientContext("rec-" + status.getValue());
        return graph.communications().calls().byCallId(callId).updateRecordingStatus().post(body);
    }

    /** The bot's entry in a roster notification's participants, with this recording status, parsed by the SDK. */
    static boolean rosterShows(JsonNode item, String callId, String botParticipantId, String status) {
        if (!item.path("resourceUrl").asText().equals("/communications/calls/" + callId + "/participants")) {
            return false;
        }
        for (JsonNode p : item.path("resourceData")) {
            if (p.path("id").asText().equals(botParticipantId)) {
                Participant parsed = DtmfEndToEndTest.parse(p, Participant::createFromDiscriminatorValue);
                return parsed.getRecordingInfo() != null
                        && parsed.getRecordingInfo().getRecordingStatus() == RecordingStatus.forValue(status);
            }
        }
        return false;
    }

    /** Alice joins (only participants may follow the roster); returns the call id. */
    static String join(String callId, dev.switchboard.tools.Softphone phone) {
        phone.start(alice.join(callId, phone.sdpOffer()).sdpAnswer());
        return callId;
    }

    @Test
    void theBotsRecordingStatusShowsOnTheRosterForEveryParticipant() throws Exception {
        var created = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID, DevIdentities.BOB_ID));
        String callId = created.getId();
        String botPid = created.getMyParticipantId();
        // a second bot in the same group call: it hears the first bot's recording status as a roster update
        String joinId = ((com.microsoft.graph.models.JoinMeetingIdMeetingInfo) created.getMeetingInfo()).getJoinMeetingId();
        com.microsoft.graph.models.Call second = GraphSdk.joinMeeting(otherBot.url(), joinId);
        com.microsoft.graph.models.ParticipantInfo source = new com.microsoft.graph.models.ParticipantInfo();
        com.microsoft.graph.models.CommunicationsIdentitySet ids = new com.microsoft.graph.models.CommunicationsIdentitySet();
        com.microsoft.graph.models.Identity app = new com.microsoft.graph.models.Identity();
        app.setId("recorder-observer");
        app.setDisplayName("Observer");
        ids.setApplicationInstance(app);
        source.setIdentity(ids);
        second.setSource(source);
        String secondId = graph.communications().calls().post(second).getId();
        try (dev.switchboard.tools.Softphone phone = new dev.switchboard.tools.Softphone("127.0.0.1",
                dev.switchboard.media.codec.AudioCodec.PCMU, null);
             RosterWatcher roster = RosterWatcher.connect(HttpClient.newHttpClient(), alice,
                     join(callId, phone), m -> { })) {
            UpdateRecordingStatusOperation op = update(callId, RecordingStatus.Recording);
            assertThat(op.getStatus()).isEqualTo(OperationStatus.Completed);
            assertThat(op.getClientContext()).isEqualTo("rec-recording");

            bot.awaitItem(i -> rosterShows(i, callId, botPid, "recording"), PATIENCE);
            otherBot.awaitItem(i -> rosterShows(i, secondId, botPid, "recording"), PATIENCE);
            JsonNode message = roster.await(m -> {
                for (JsonNode p : m.path("participants")) {
                    if (p.path("id").asText().equals(botPid) && "recording".equals(p.at("/recordingInfo/recordingStatus").asText())) {
                        return true;
                    }
                }
                return false;
            }, PATIENCE);
            assertThat(message.path("changed").toString()).contains(botPid);

            Participant got = graph.communications().calls().byCallId(callId).participants().byParticipantId(botPid).get();
            assertThat(got.getRecordingInfo().getRecordingStatus()).isEqualTo(RecordingStatus.Recording);
            assertThat(got.getRecordingInfo().getInitiator()).as("the bot initiated it").isNotNull();

            assertThat(update(callId, RecordingStatus.NotRecording).getStatus()).isEqualTo(OperationStatus.Completed);
            bot.awaitItem(i -> rosterShows(i, callId, botPid, "notRecording"), PATIENCE);
            roster.await(m -> m.toString().contains("\"recordingStatus\":\"notRecording\""), PATIENCE);
        } finally {
            graph.communications().calls().byCallId(secondId).delete();
            graph.communications().calls().byCallId(callId).delete();
        }
    }
}
