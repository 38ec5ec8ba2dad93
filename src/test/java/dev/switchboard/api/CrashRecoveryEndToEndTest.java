package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.journal.FileCallJournal;
import dev.switchboard.notify.NotificationVerifier;
import dev.switchboard.server.SwitchboardServer;
import dev.switchboard.testsupport.ServerProcess;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kill -9} and a restart on the same data directory: the bot of every call that was live hears a signed
 * {@code terminated} (500/9001), a call that had ended is not announced again, and the journal is empty after.
 */
class CrashRecoveryEndToEndTest {
    static final String OFFER = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";

    static boolean isCall(JsonNode item, String callId) {
        return item.path("resourceUrl").asText().equals("/communications/calls/" + callId);
    }

    @Test
    void afterKillNineTheRestartedServerTellsTheBotOfEachLiveCallItWasLostAndOnlyThose(@TempDir Path dataDir)
            throws Exception {
        String liveId;
        String endedId;
        ClientApi.Joined alice;
        try (CallbackReceiver bot = new CallbackReceiver()) {
            try (ServerProcess first = ServerProcess.start(dataDir)) {
                GraphServiceClient graph = GraphSdk.client(first.baseUrl(), Tokens.devBotToken(first.baseUrl()));
                Call live = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID,
                        DevIdentities.BOB_ID));
                liveId = live.getId();
                alice = new ClientApi(new ServerHttp(first.baseUrl()), Tokens.aliceToken(first.baseUrl())).join(liveId, OFFER);
                Call ended = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID,
                        DevIdentities.BOB_ID));
                endedId = ended.getId();
                graph.communications().calls().byCallId(endedId).delete();
                bot.awaitItem(i -> isCall(i, endedId) && i.path("changeType").asText().equals("deleted"), Duration.ofSeconds(10));
                bot.awaitItem(i -> isCall(i, liveId) && i.at("/resourceData/state").asText().equals("established"),
                        Duration.ofSeconds(10));
                // the ended call's end is written once the server has its bot's answer to the terminated, which may
                // come just after the bot received it (docs/durability.md)
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                        assertThat(FileCallJournal.read(dataDir.resolve(SwitchboardServer.JOURNAL_FILE)))
                                .as("the journal holds the live call with its participants, not the ended one")
                                .singleElement().satisfies(c -> {
                                    assertThat(c.callId()).isEqualTo(liveId);
                                    assertThat(c.participantIds()).containsExactly(live.getMyParticipantId(), alice.participantId());
                                }));

                first.kill();
                assertThat(first.output()).noneMatch(l -> l.contains("Switchboard stopped"));
            }
            int beforeRestart = bot.received().size();
            assertThat(bot.items()).noneMatch(i -> isCall(i, liveId) && i.path("changeType").asText().equals("deleted"));

            try (ServerProcess second = ServerProcess.start(dataDir)) {
                JsonNode terminated = bot.awaitItem(i -> isCall(i, liveId) && i.path("changeType").asText().equals("deleted"),
                        Duration.ofSeconds(30));
                assertThat(terminated.at("/resourceData/state").asText()).isEqualTo("terminated");
                assertThat(terminated.at("/resourceData/resultInfo/code").asInt()).isEqualTo(500);
                assertThat(terminated.at("/resourceData/resultInfo/subcode").asInt()).isEqualTo(9001);
                assertThat(terminated.at("/resourceData/resultInfo/message").asText()).contains("restarted");
                assertThat(terminated.at("/resourceData/myParticipantId").asText()).isNotBlank();

                // the POST is signed by the restarted server with the keys kept in the data directory
                CallbackReceiver.Received post = bot.received().stream().skip(beforeRestart)
                        .filter(r -> r.json().path("value").findValues("resourceUrl").stream()
                                .anyMatch(u -> u.asText().equals("/communications/calls/" + liveId)))
                        .findFirst().orElseThrow();
                NotificationVerifier verifier = NotificationVerifier.forJwksUrl(URI.create(second.baseUrl() + "/"
                        + DevIdentities.TENANT_ID + "/discovery/v2.0/keys").toURL(), DevIdentities.DEV_BOT_APP_ID,
                        NotificationVerifier.DEFAULT_ISSUERS, dev.switchboard.notify.NotificationKeys.fetchedFrom(
                                URI.create(second.baseUrl()), t -> dev.switchboard.testsupport.Tokens.devBotToken(second.baseUrl())));
                assertThat(verifier.verify(post::header, post.body())).isEqualTo(DevIdentities.TENANT_ID);

                // only the live call is announced: the server announces lost calls before it listens, once each
                assertThat(second.output()).filteredOn(l -> l.contains("call lost in a crash")).singleElement()
                        .satisfies(l -> assertThat(l).contains("callId=" + liveId).contains(alice.participantId()));
                List<JsonNode> afterRestart = bot.received().stream().skip(beforeRestart)
                        .flatMap(r -> r.json().path("value").valueStream()).toList();
                assertThat(afterRestart).isNotEmpty().allMatch(i -> isCall(i, liveId));
                org.awaitility.Awaitility.await("after its bot heard it, the journal forgets the lost call")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> FileCallJournal.read(dataDir.resolve(SwitchboardServer.JOURNAL_FILE)).isEmpty());

                // the call is gone for its bot and for its participant
                String botToken = Tokens.devBotToken(second.baseUrl());
                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(second.baseUrl()
                        + "/v1.0/communications/calls/" + liveId)).header("Authorization", "Bearer " + botToken).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(get.statusCode()).isEqualTo(404);
                HttpResponse<String> leave = http.send(HttpRequest.newBuilder(URI.create(second.baseUrl()
                        + alice.location().getPath())).header("Authorization", "Bearer " + Tokens.aliceToken(second.baseUrl()))
                        .DELETE().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(leave.statusCode()).isEqualTo(404);
            }
        }
    }

    @Test
    void aRingingIncomingCallLostInACrashIsAnnouncedToTheBotsCallingWebhook(@TempDir Path dataDir) throws Exception {
        String ringingId;
        try (CallbackReceiver bot = new CallbackReceiver()) {
            String webhook = DevIdentities.DEV_BOT_APP_ID + "=" + bot.url();
            try (ServerProcess first = ServerProcess.start(dataDir, "--calling-webhook", webhook)) {
                ClientApi.Joined caller = new ClientApi(new ServerHttp(first.baseUrl()), Tokens.aliceToken(first.baseUrl()))
                        .dial(DevIdentities.DEV_BOT_APP_ID, OFFER);
                ringingId = caller.callId();
                bot.awaitItem(i -> isCall(i, ringingId) && i.at("/resourceData/state").asText().equals("incoming"),
                        Duration.ofSeconds(10));
                assertThat(FileCallJournal.read(dataDir.resolve(SwitchboardServer.JOURNAL_FILE)))
                        .as("the ringing call is journaled with the calling webhook as its callback")
                        .singleElement().satisfies(c -> {
                            assertThat(c.callId()).isEqualTo(ringingId);
                            assertThat(c.callbackUri().toString()).isEqualTo(bot.url());
                        });
                first.kill();
            }
            try (ServerProcess second = ServerProcess.start(dataDir, "--calling-webhook", webhook)) {
                JsonNode terminated = bot.awaitItem(i -> isCall(i, ringingId)
                        && i.path("changeType").asText().equals("deleted"), Duration.ofSeconds(30));
                assertThat(terminated.at("/resourceData/state").asText()).isEqualTo("terminated");
                assertThat(terminated.at("/resourceData/resultInfo/code").asInt()).isEqualTo(500);
                assertThat(terminated.at("/resourceData/resultInfo/subcode").asInt()).isEqualTo(9001);
                org.awaitility.Awaitility.await("after its bot heard it, the journal forgets the lost call")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> FileCallJournal.read(dataDir.resolve(SwitchboardServer.JOURNAL_FILE)).isEmpty());
            }
        }
    }

    @Test
    void aLostCallStaysInTheJournalUntilItsBotHearsItSoASecondCrashDoesNotLoseTheNews(@TempDir Path dataDir)
            throws Exception {
        String liveId;
        try (CallbackReceiver bot = new CallbackReceiver()) {
            try (ServerProcess first = ServerProcess.start(dataDir)) {
                GraphServiceClient graph = GraphSdk.client(first.baseUrl(), Tokens.devBotToken(first.baseUrl()));
                liveId = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID,
                        DevIdentities.BOB_ID)).getId();
                bot.awaitItem(i -> isCall(i, liveId) && i.at("/resourceData/state").asText().equals("established"),
                        Duration.ofSeconds(10));
                first.kill();
            }
            bot.answerWith(503); // the bot is down while the server comes back, and the server crashes again
            try (ServerProcess second = ServerProcess.start(dataDir)) {
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                        .until(() -> second.output().stream().anyMatch(l -> l.contains("call lost in a crash")
                                && l.contains("callId=" + liveId)));
                second.kill();
            }
            assertThat(FileCallJournal.read(dataDir.resolve(SwitchboardServer.JOURNAL_FILE)))
                    .as("the undelivered news of the lost call is still in the journal")
                    .extracting(c -> c.callId()).containsExactly(liveId);
            assertThat(bot.items()).noneMatch(i -> isCall(i, liveId) && i.path("changeType").asText().equals("deleted"));

            bot.answerWith(202);
            try (ServerProcess third = ServerProcess.start(dataDir)) {
                JsonNode terminated = bot.awaitItem(i -> isCall(i, liveId) && i.path("changeType").asText().equals("deleted"),
                        Duration.ofSeconds(30));
                assertThat(terminated.at("/resourceData/resultInfo/subcode").asInt()).isEqualTo(9001);
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                        .until(() -> FileCallJournal.read(dataDir.resolve(SwitchboardServer.JOURNAL_FILE)).isEmpty());
            }
        }
    }

    /**
     * A peer-to-peer call ends (its user hangs up) while the bot's webhook is down, and the server crashes before the
     * bot heard the end: the restarted server tells the bot, as for a call that was live, so no bot keeps a call it
     * believes live. It used to write the call's end into the journal at once, and the news died with the process.
     */
    @Test
    void aCallThatEndedBeforeItsBotHeardItIsAnnouncedAfterACrash(@TempDir Path dataDir) throws Exception {
        String callId;
        try (CallbackReceiver bot = new CallbackReceiver()) {
            try (ServerProcess first = ServerProcess.start(dataDir)) {
                GraphServiceClient graph = GraphSdk.client(first.baseUrl(), Tokens.p2pBotToken(first.baseUrl()));
                callId = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.BOB_ID)).getId();
                ClientApi bob = new ClientApi(new ServerHttp(first.baseUrl()), Tokens.bobToken(first.baseUrl()));
                ClientApi.Joined joined = bob.join(callId, OFFER);
                bot.awaitItem(i -> isCall(i, callId) && i.at("/resourceData/state").asText().equals("established"),
                        Duration.ofSeconds(10));
                bot.answerWith(503); // the bot's webhook goes down
                bob.leave(joined);
                HttpClient http = HttpClient.newHttpClient();
                HttpRequest get = HttpRequest.newBuilder(URI.create(first.baseUrl() + "/v1.0/communications/calls/" + callId))
                        .header("Authorization", "Bearer " + Tokens.p2pBotToken(first.baseUrl())).build();
                org.awaitility.Awaitility.await("the call ended on the server").atMost(Duration.ofSeconds(10))
                        .until(() -> http.send(get, HttpResponse.BodyHandlers.ofString()).statusCode() == 404);
                first.kill(); // every POST since bob left was answered 503: the bot accepted none
            }
            bot.answerWith(202);
            int beforeRestart = bot.received().size();
            try (ServerProcess second = ServerProcess.start(dataDir)) {
                org.awaitility.Awaitility.await("the restarted server tells the bot its call is over")
                        .atMost(Duration.ofSeconds(15)).until(() -> bot.received().stream().skip(beforeRestart)
                                .flatMap(r -> r.json().path("value").valueStream())
                                .anyMatch(i -> isCall(i, callId) && i.at("/resourceData/state").asText().equals("terminated")));
                org.awaitility.Awaitility.await("after its bot heard it, the journal forgets the call")
                        .atMost(Duration.ofSeconds(15))
                        .until(() -> FileCallJournal.read(dataDir.resolve(SwitchboardServer.JOURNAL_FILE)).isEmpty());
            }
        }
    }

    /**
     * SIGTERM ends every call and delivers for up to 10 s: a bot whose webhook was down all that time did not hear its
     * call end, so the next start tells it, with the reason the call ended with (503/0, the stop); a bot that heard it
     * is not told again.
     */
    @Test
    void aGracefulStopWhoseEndABotDidNotHearIsAnnouncedAtTheNextStart(@TempDir Path dataDir) throws Exception {
        String unheard;
        String heard;
        try (CallbackReceiver down = new CallbackReceiver(); CallbackReceiver up = new CallbackReceiver()) {
            try (ServerProcess first = ServerProcess.start(dataDir)) {
                GraphServiceClient graph = GraphSdk.client(first.baseUrl(), Tokens.devBotToken(first.baseUrl()));
                unheard = graph.communications().calls().post(GraphSdk.call(down.url(), DevIdentities.ALICE_ID,
                        DevIdentities.BOB_ID)).getId();
                heard = graph.communications().calls().post(GraphSdk.call(up.url(), DevIdentities.ALICE_ID,
                        DevIdentities.BOB_ID)).getId();
                down.awaitItem(i -> isCall(i, unheard) && i.at("/resourceData/state").asText().equals("established"),
                        Duration.ofSeconds(10));
                up.awaitItem(i -> isCall(i, heard) && i.at("/resourceData/state").asText().equals("established"),
                        Duration.ofSeconds(10));
                down.answerWith(503);
                first.terminate();
                assertThat(first.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                assertThat(first.process().exitValue()).isZero();
                assertThat(up.items()).anyMatch(i -> isCall(i, heard)
                        && i.at("/resourceData/resultInfo/code").asInt() == 503);
            }
            down.answerWith(202);
            int downBefore = down.received().size();
            int upBefore = up.received().size();
            try (ServerProcess second = ServerProcess.start(dataDir)) {
                org.awaitility.Awaitility.await("the restarted server tells the bot its call ended")
                        .atMost(Duration.ofSeconds(15)).until(() -> down.received().size() > downBefore);
                JsonNode terminated = down.received().get(downBefore).json().path("value").get(0);
                assertThat(isCall(terminated, unheard)).isTrue();
                assertThat(terminated.at("/resourceData/state").asText()).isEqualTo("terminated");
                assertThat(terminated.at("/resourceData/resultInfo/code").asInt())
                        .as("the reason it ended with (the stop), kept in the journal").isEqualTo(503);
                assertThat(terminated.at("/resourceData/resultInfo/subcode").asInt()).isZero();
                assertThat(second.output()).filteredOn(l -> l.contains("call lost in a crash")).singleElement()
                        .satisfies(l -> assertThat(l).contains("callId=" + unheard));
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15))
                        .until(() -> FileCallJournal.read(dataDir.resolve(SwitchboardServer.JOURNAL_FILE)).isEmpty());
                assertThat(up.received()).as("the bot that heard its call end is not told again").hasSize(upBefore);
                assertThat(down.received().size()).isGreaterThan(downBefore);
            }
        }
    }

    /**
     * A second server started on a running one's data directory would read its live calls from the journal as lost
     * in a crash and end them for their bots: it is refused (exit 74, naming the holder), and the first server's
     * call and bot are untouched. In-process too: the server is not built at all.
     */
    @Test
    void aSecondServerOnARunningServersDataDirectoryIsRefusedAndItsBotsHearNothing(@TempDir Path dataDir)
            throws Exception {
        try (CallbackReceiver bot = new CallbackReceiver();
             ServerProcess first = ServerProcess.start(dataDir)) {
            GraphServiceClient graph = GraphSdk.client(first.baseUrl(), Tokens.devBotToken(first.baseUrl()));
            String callId = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID,
                    DevIdentities.BOB_ID)).getId();
            bot.awaitItem(i -> isCall(i, callId) && i.at("/resourceData/state").asText().equals("established"),
                    Duration.ofSeconds(10));

            ServerProcess.Exited second = ServerProcess.run(dataDir);
            assertThat(second.exitCode()).as(second.output()).isEqualTo(74);
            assertThat(second.output()).contains("in use by another running server (pid " + first.process().pid() + ")");
            assertThat(second.output()).doesNotContain("Switchboard listening");

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SwitchboardServer(
                            dev.switchboard.server.ServerConfig.defaults(dataDir).withPort(0),
                            new dev.switchboard.testsupport.RecordingMediaEngine(), null))
                    .isInstanceOf(dev.switchboard.tools.ToolException.class).hasMessageContaining("in use");

            Thread.sleep(1000); // what a wrongly started second server would have sent by now
            assertThat(bot.items()).as("the bot hears nothing of its call's end")
                    .noneMatch(i -> isCall(i, callId) && i.path("changeType").asText().equals("deleted"));
            assertThat(graph.communications().calls().byCallId(callId).get().getState().getValue()).isEqualTo("established");
            assertThat(FileCallJournal.read(dataDir.resolve(SwitchboardServer.JOURNAL_FILE))).singleElement()
                    .satisfies(c -> assertThat(c.callId()).isEqualTo(callId));
        }
    }
}
