package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.communications.calls.item.participants.item.mute.MutePostRequestBody;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.RosterWatcher;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 5's participant view: a WebSocket reader sees the roster update after a mute made through the Graph SDK. */
class RosterStreamSdkTest {
    static final String OFFER = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";

    @Test
    void theMutedParticipantAndTheOthersSeeTheServerMute() throws Exception {
        // the bot outlives the server: the live call's last notifications arrive at once (not retried for the 10 s drain)
        try (CallbackReceiver bot = new CallbackReceiver(); TestServer server = TestServer.start()) {
            GraphServiceClient graph = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
            Call call = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID, DevIdentities.BOB_ID));
            ClientApi alice = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.aliceToken(server.baseUrl()));
            ClientApi bob = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.bobToken(server.baseUrl()));
            ClientApi.Joined aliceJoined = alice.join(call.getId(), OFFER);
            bob.join(call.getId(), OFFER);
            HttpClient http = HttpClient.newHttpClient();
            try (RosterWatcher aliceView = RosterWatcher.connect(http, alice, call.getId(), m -> { });
                 RosterWatcher bobView = RosterWatcher.connect(http, bob, call.getId(), m -> { })) {
                aliceView.await(m -> m.get("participants").size() == 3, Duration.ofSeconds(5));
                graph.communications().calls().byCallId(call.getId()).participants()
                        .byParticipantId(aliceJoined.participantId()).mute().post(new MutePostRequestBody());
                for (RosterWatcher view : new RosterWatcher[] {aliceView, bobView}) {
                    JsonNode muted = view.await(m -> serverMuted(m, aliceJoined.participantId()), Duration.ofSeconds(5));
                    // a reader whose subscription raced the mute gets it in its first message (whose "changed" is everyone)
                    assertThat(muted.get("changed").findValuesAsText("id")).contains(aliceJoined.participantId());
                }
            }
        }
    }

    static boolean serverMuted(JsonNode message, String participantId) {
        for (JsonNode p : message.get("participants")) {
            if (p.get("id").asText().equals(participantId)) {
                return p.get("isMuted").asBoolean() && p.at("/mediaStreams/0/serverMuted").asBoolean();
            }
        }
        return false;
    }
}
