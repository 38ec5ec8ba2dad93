package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.communications.calls.item.participants.item.startholdmusic.StartHoldMusicPostRequestBody;
import com.microsoft.graph.communications.calls.item.participants.item.stopholdmusic.StopHoldMusicPostRequestBody;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.MediaDirection;
import com.microsoft.graph.models.Participant;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.FfmpegPeer;
import dev.switchboard.testsupport.FfmpegPeer.Codec;
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
 * Hold music on the roster (official Graph SDK): startHoldMusic and stopHoldMusic each change the held participant's
 * roster entry — its audio {@code mediaStreams} entry goes {@code inactive} and back to {@code sendReceive} — with a
 * new rosterSequenceNumber, a roster notification to the bot and a roster stream update to the participants.
 */
class IvrHoldRosterEndToEndTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static TestServer server;
    static CallbackReceiver bot;
    static GraphServiceClient graph;
    static ClientApi alice;
    static ClientApi bob;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        bot = new CallbackReceiver();
        graph = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
        alice = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.aliceToken(server.baseUrl()));
        bob = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.bobToken(server.baseUrl()));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            bot.close();
        }
    }

    @Test
    void holdAndItsEndEachChangeTheHeldParticipantsRosterEntryForTheBotAndTheParticipants() throws Exception {
        Call call = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID, DevIdentities.BOB_ID));
        String callId = call.getId();
        ClientApi.Joined a = alice.join(callId, FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(), Codec.PCMU, "sendrecv"));
        ClientApi.Joined b = bob.join(callId, FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(), Codec.PCMU, "sendrecv"));
        String bobId = b.participantId();
        try (RosterWatcher roster = RosterWatcher.connect(HttpClient.newHttpClient(), alice, callId, m -> { })) {
            JsonNode joined = bot.awaitItem(i -> entry(i, callId, bobId) != null, WAIT);
            long before = entry(joined, callId, bobId).path("rosterSequenceNumber").asLong();
            assertThat(direction(graph.communications().calls().byCallId(callId).participants().byParticipantId(bobId).get()))
                    .isEqualTo(MediaDirection.SendReceive);

            StartHoldMusicPostRequestBody hold = new StartHoldMusicPostRequestBody();
            hold.setClientContext("hold");
            graph.communications().calls().byCallId(callId).participants().byParticipantId(bobId).startHoldMusic().post(hold);
            JsonNode held = bot.awaitItem(i -> shows(i, callId, bobId, MediaDirection.Inactive), WAIT);
            long heldSeq = entry(held, callId, bobId).path("rosterSequenceNumber").asLong();
            assertThat(heldSeq).as("a new roster sequence number").isGreaterThan(before);
            JsonNode streamHeld = roster.await(m -> streamShows(m, bobId, "inactive"), WAIT);
            assertThat(streamHeld.path("changed").toString()).contains(bobId);
            assertThat(direction(graph.communications().calls().byCallId(callId).participants().byParticipantId(bobId).get()))
                    .isEqualTo(MediaDirection.Inactive);
            Participant aliceEntry = graph.communications().calls().byCallId(callId).participants()
                    .byParticipantId(a.participantId()).get();
            assertThat(direction(aliceEntry)).as("only the held participant changes").isEqualTo(MediaDirection.SendReceive);

            graph.communications().calls().byCallId(callId).participants().byParticipantId(bobId).stopHoldMusic()
                    .post(new StopHoldMusicPostRequestBody());
            JsonNode back = bot.awaitItem(i -> shows(i, callId, bobId, MediaDirection.SendReceive)
                    && entry(i, callId, bobId).path("rosterSequenceNumber").asLong() > heldSeq, WAIT);
            assertThat(entry(back, callId, bobId).path("isMuted").asBoolean()).isFalse();
            roster.await(m -> streamShows(m, bobId, "sendReceive") && m.path("changed").toString().contains(bobId)
                    && m.path("rosterSequenceNumber").asLong() > heldSeq, WAIT);
            assertThat(direction(graph.communications().calls().byCallId(callId).participants().byParticipantId(bobId).get()))
                    .isEqualTo(MediaDirection.SendReceive);
        } finally {
            graph.communications().calls().byCallId(callId).delete();
        }
    }

    /** The participant's entry in a roster notification of this call, or null. */
    static JsonNode entry(JsonNode item, String callId, String participantId) {
        if (!item.path("resourceUrl").asText().equals("/communications/calls/" + callId + "/participants")) {
            return null;
        }
        for (JsonNode p : item.path("resourceData")) {
            if (p.path("id").asText().equals(participantId)) {
                return p;
            }
        }
        return null;
    }

    /** Whether a roster notification shows the participant's audio in this direction, as the SDK parses it. */
    static boolean shows(JsonNode item, String callId, String participantId, MediaDirection direction) {
        JsonNode p = entry(item, callId, participantId);
        return p != null && direction(DtmfEndToEndTest.parse(p, Participant::createFromDiscriminatorValue)) == direction;
    }

    static MediaDirection direction(Participant p) {
        return p.getMediaStreams().get(0).getDirection();
    }

    static boolean streamShows(JsonNode message, String participantId, String direction) {
        for (JsonNode p : message.path("participants")) {
            if (p.path("id").asText().equals(participantId)
                    && direction.equals(p.path("mediaStreams").path(0).path("direction").asText())) {
                return true;
            }
        }
        return false;
    }
}
