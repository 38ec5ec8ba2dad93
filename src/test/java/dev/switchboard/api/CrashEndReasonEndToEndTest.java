package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.journal.FileCallJournal;
import dev.switchboard.journal.JournaledCall;
import dev.switchboard.server.SwitchboardServer;
import dev.switchboard.testsupport.ServerProcess;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.switchboard.api.CrashRecoveryEndToEndTest.OFFER;
import static dev.switchboard.api.CrashRecoveryEndToEndTest.isCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Calls that ended for a known reason while their bot's webhook was down, then {@code kill -9}: the restarted server
 * announces each with the reason it ended with (kept in the journal's {@code finished} record, docs/durability.md),
 * not 500/9001; a call that was live at the crash still gets 500/9001. Real server processes, a real webhook.
 */
class CrashEndReasonEndToEndTest {

    @Test
    void callsThatEndedBeforeTheirBotHeardAreAnnouncedWithTheirOwnReasonAfterKillNine(@TempDir Path dataDir)
            throws Exception {
        Path journal = dataDir.resolve(SwitchboardServer.JOURNAL_FILE);
        String liveId;
        String deletedId;
        String peerLeftId;
        try (CallbackReceiver up = new CallbackReceiver(); CallbackReceiver down = new CallbackReceiver()) {
            try (ServerProcess first = ServerProcess.start(dataDir)) {
                GraphServiceClient bot = GraphSdk.client(first.baseUrl(), Tokens.devBotToken(first.baseUrl()));
                GraphServiceClient p2pBot = GraphSdk.client(first.baseUrl(), Tokens.p2pBotToken(first.baseUrl()));
                liveId = bot.communications().calls().post(GraphSdk.call(up.url(), DevIdentities.ALICE_ID,
                        DevIdentities.BOB_ID)).getId();
                Call deleted = bot.communications().calls().post(GraphSdk.call(down.url(), DevIdentities.ALICE_ID,
                        DevIdentities.BOB_ID));
                deletedId = deleted.getId();
                peerLeftId = p2pBot.communications().calls().post(GraphSdk.call(down.url(), DevIdentities.BOB_ID)).getId();
                ClientApi bob = new ClientApi(new ServerHttp(first.baseUrl()), Tokens.bobToken(first.baseUrl()));
                ClientApi.Joined joined = bob.join(peerLeftId, OFFER);
                down.awaitItem(i -> isCall(i, peerLeftId) && i.at("/resourceData/state").asText().equals("established"),
                        Duration.ofSeconds(10));
                down.awaitItem(i -> isCall(i, deletedId) && i.at("/resourceData/state").asText().equals("established"),
                        Duration.ofSeconds(10));

                down.answerWith(503); // the bot's webhook goes down: it hears neither end below
                bot.communications().calls().byCallId(deletedId).delete(); // 200/5001
                bob.leave(joined); // 200/4521 for the peer-to-peer call
                Map<String, JournaledCall> calls = FileCallJournal.read(journal).stream()
                        .collect(Collectors.toMap(JournaledCall::callId, c -> c));
                assertThat(calls).as("ended calls stay in the journal until their bot hears so")
                        .containsOnlyKeys(liveId, deletedId, peerLeftId);
                first.kill();
            }
            down.answerWith(202);
            int downBefore = down.received().size(); // the first server's attempts, answered 503, do not count
            try (ServerProcess second = ServerProcess.start(dataDir)) {
                JsonNode live = up.awaitItem(i -> isCall(i, liveId) && i.path("changeType").asText().equals("deleted"),
                        Duration.ofSeconds(15));
                assertThat(live.at("/resourceData/resultInfo/code").asInt()).as("live at the crash").isEqualTo(500);
                assertThat(live.at("/resourceData/resultInfo/subcode").asInt()).isEqualTo(9001);

                JsonNode deleted = terminatedAfter(down, downBefore, deletedId);
                assertThat(deleted.at("/resourceData/resultInfo/code").asInt()).as("the bot's DELETE").isEqualTo(200);
                assertThat(deleted.at("/resourceData/resultInfo/subcode").asInt()).isEqualTo(5001);
                assertThat(deleted.at("/resourceData/resultInfo/message").asText()).isEqualTo("The conversation has ended.");

                JsonNode peerLeft = terminatedAfter(down, downBefore, peerLeftId);
                assertThat(peerLeft.at("/resourceData/resultInfo/code").asInt()).as("the peer hung up").isEqualTo(200);
                assertThat(peerLeft.at("/resourceData/resultInfo/subcode").asInt()).isEqualTo(4521);

                await("after their bots heard them, the journal forgets the calls").atMost(Duration.ofSeconds(15))
                        .until(() -> FileCallJournal.read(journal).isEmpty());
            }
        }
    }

    /** The {@code terminated} of {@code callId} among what {@code bot} received after its first {@code skip} POSTs. */
    private static JsonNode terminatedAfter(CallbackReceiver bot, int skip, String callId) {
        java.util.concurrent.atomic.AtomicReference<JsonNode> found = new java.util.concurrent.atomic.AtomicReference<>();
        await("the restarted server tells the bot of " + callId).atMost(Duration.ofSeconds(15)).until(() -> {
            bot.received().stream().skip(skip).flatMap(r -> r.json().path("value").valueStream())
                    .filter(i -> isCall(i, callId) && i.at("/resourceData/state").asText().equals("terminated"))
                    .findFirst().ifPresent(found::set);
            return found.get() != null;
        });
        return found.get();
    }
}
