package dev.switchboard.api;

import com.microsoft.graph.communications.calls.item.participants.item.mute.MutePostRequestBody;
import com.microsoft.graph.models.Call;
import dev.switchboard.testsupport.RedisServer;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.ServerProcess;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.RosterWatcher;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A roster stream opened on the node that does not hold the call gets no levels (docs/roster-stream.md) and, in a
 * call where nothing changes, no message at all for a long while. It must stay open through that silence (longer
 * than the HTTP server's 30 s idle timeout) and still carry the next change: a participant following the roster
 * through any node is not cut off because the call was quiet. The nodes run with a short WebSocket idle timeout
 * (the production 30 s is ServeCommandTest's) and the quiet spell lasts three of them.
 */
class ClusterQuietRosterStreamTest {
    /** The nodes' {@code --websocket-idle-timeout}: without pings a quiet stream closed with 1001 after this. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
    static final Duration QUIET = IDLE_TIMEOUT.multipliedBy(3);

    @Test
    void aRosterStreamOnTheOtherNodeOutlastsAQuietSpellAndCarriesTheNextChange(@TempDir Path dir) throws Exception {
        RedisServer.requireOrSkip();
        try (ClusterFixture cluster = new ClusterFixture(dir);
             CallbackReceiver bot = new CallbackReceiver();
             RtpPeer botPeer = new RtpPeer("127.0.0.1");
             RtpPeer alicePeer = new RtpPeer("127.0.0.1")) {
            ClusterFixture.CallOnTwoNodes on = cluster.callOnTwoNodes(bot.url(), botPeer,
                    "--websocket-idle-timeout", IDLE_TIMEOUT.toMillis() + "ms");
            String botToken = on.botToken();
            Call call = on.call();
            ServerProcess owner = on.owner();
            ClientApi alice = new ClientApi(new ServerHttp(on.other().baseUrl()), Tokens.aliceToken(on.a().baseUrl()));
            ClientApi.Joined joined = alice.join(call.getId(), alicePeer.offer("sendrecv"));

            try (RosterWatcher onOther = RosterWatcher.connect(HttpClient.newHttpClient(), alice, call.getId(), m -> { })) {
                onOther.await(m -> m.path("participants").size() == 2, Duration.ofSeconds(15));
                Thread.sleep(QUIET.toMillis()); // nothing changes in the call meanwhile

                GraphSdk.client(owner.baseUrl(), botToken).communications().calls().byCallId(call.getId()).participants()
                        .byParticipantId(joined.participantId()).mute().post(new MutePostRequestBody());
                assertThat(onOther.await(m -> RosterStreamSdkTest.serverMuted(m, joined.participantId()),
                        Duration.ofSeconds(15))).as("the stream on the other node still carries the mute").isNotNull();
            }
        }
    }
}
