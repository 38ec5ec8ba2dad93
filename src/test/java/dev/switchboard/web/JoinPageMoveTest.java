package dev.switchboard.web;

import com.microsoft.graph.communications.calls.item.transfer.TransferPostRequestBody;
import com.microsoft.graph.models.InvitationParticipantInfo;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.api.GraphSdk;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.webrtc.Chromium;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static dev.switchboard.web.JoinPageBrowserTest.level660;
import static dev.switchboard.web.JoinPageBrowserTest.mediaPort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A browser participant moved by a consultative transfer (docs/inbound-calls.md): alice (headless Chromium, fake
 * microphone at 660 Hz) is in a bot's peer-to-peer call A through the join page; the bot calls bob (an RTP peer at
 * 440 Hz) in call B and transfers B with alice as its target, replacing A. Her WebRTC leg moves to B's room without a
 * new offer: the page follows the roster's {@code movedTo}, shows call B and bob, hears bob, and bob hears her.
 * Skipped without Chromium.
 */
class JoinPageMoveTest {
    @Test
    void thePageFollowsAConsultativeTransferAndKeepsItsConnection() throws Exception {
        Chromium.requireOrSkip();
        Path dir = JoinPageBrowserTest.DIR;
        Path wav = JoinPageBrowserTest.microphone660();
        try (CallbackReceiver bot = new CallbackReceiver();
             TestServer server = TestServer.start(cfg -> cfg.withMedia(cfg.media().withWebRtcPort(0)));
             RtpPeer bob = new RtpPeer("127.0.0.1");
             Chromium chromium = new Chromium(wav.toAbsolutePath(), dir)) {
            GraphServiceClient graph = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
            String a = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID)).getId();
            JoinPageDriver page = new JoinPageDriver(chromium);
            page.signInAndJoin(JoinPage.link(server.baseUrl(), a), DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD);
            String aliceId = page.participantId();
            await().atMost(Duration.ofSeconds(15)).until(() -> page.rosterState(aliceId).equals("live")); // its roster is open

            String b = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.BOB_ID)).getId();
            ClientApi bobApi = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.bobToken(server.baseUrl()));
            ClientApi.Joined bobLeg = bobApi.join(b, bob.offer("sendrecv"));
            bob.startTone(mediaPort(bobLeg.sdpAnswer()), 440);
            assertThat(page.hears(440)).as("not yet: bob is in another call").isFalse();

            InvitationParticipantInfo target = GraphSdk.target(DevIdentities.ALICE_ID);
            target.setReplacesCallId(a);
            TransferPostRequestBody transfer = new TransferPostRequestBody();
            transfer.setTransferTarget(target);
            graph.communications().calls().byCallId(b).transfer().post(transfer);

            await().atMost(Duration.ofSeconds(15)).until(() -> b.equals(page.value("return window.switchboardJoin.callId")));
            await().atMost(Duration.ofSeconds(15)).until(() -> page.rosterState(bobLeg.participantId()).equals("live")
                    && page.rosterState(aliceId).equals("live"));
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).until(() -> page.hears(440));
            await().atMost(Duration.ofSeconds(15)).until(() -> level660(bob) > -30);
            assertThat(page.phase()).isEqualTo("joined");
            assertThat(page.value("return window.switchboardJoin.error")).as("no error shown").isEqualTo("null");
            assertThat(page.value("return window.switchboardJoin.participantId")).isEqualTo(aliceId);
            chromium.screenshot(dir.resolve("moved.png"));
        }
    }

    /**
     * A transfer out of a group call: alice (the page) is in the bot's group call G; the bot transfers her to carol (an
     * RTP peer at 440 Hz), who answers her ring by joining the new call. The page follows the roster's per-participant
     * {@code movedTo} with the same WebRTC connection, hears carol, and carol hears it.
     */
    @Test
    void thePageFollowsATransferOutOfAGroupCall() throws Exception {
        Chromium.requireOrSkip();
        Path dir = JoinPageBrowserTest.DIR;
        Path wav = JoinPageBrowserTest.microphone660();
        try (CallbackReceiver bot = new CallbackReceiver();
             TestServer server = TestServer.start(cfg -> cfg.withMedia(cfg.media().withWebRtcPort(0)));
             RtpPeer carol = new RtpPeer("127.0.0.1");
             Chromium chromium = new Chromium(wav.toAbsolutePath(), dir)) {
            GraphServiceClient graph = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
            String g = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID,
                    DevIdentities.BOB_ID)).getId();
            JoinPageDriver page = new JoinPageDriver(chromium);
            page.signInAndJoin(JoinPage.link(server.baseUrl(), g), DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD);
            String aliceId = page.participantId();
            await().atMost(Duration.ofSeconds(15)).until(() -> page.rosterState(aliceId).equals("live"));

            ClientApi carolApi = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.carolToken(server.baseUrl()));
            try (var rings = dev.switchboard.tools.RosterWatcher.ringStream(java.net.http.HttpClient.newHttpClient(),
                    carolApi, m -> { })) {
                rings.await(m -> m.path("type").asText().equals("listening"), Duration.ofSeconds(10));
                com.microsoft.graph.models.ParticipantInfo transferee = new com.microsoft.graph.models.ParticipantInfo();
                transferee.setParticipantId(aliceId);
                TransferPostRequestBody transfer = new TransferPostRequestBody();
                transfer.setTransferTarget(GraphSdk.target(DevIdentities.CAROL_ID));
                transfer.setTransferee(transferee);
                graph.communications().calls().byCallId(g).transfer().post(transfer);
                String x = rings.await(m -> m.path("type").asText().equals("ringing"), Duration.ofSeconds(10))
                        .path("callId").asText();
                ClientApi.Joined carolLeg = carolApi.join(x, carol.offer("sendrecv"));
                carol.startTone(mediaPort(carolLeg.sdpAnswer()), 440);

                await().atMost(Duration.ofSeconds(15)).until(() -> x.equals(page.value("return window.switchboardJoin.callId")));
                await().atMost(Duration.ofSeconds(15)).until(() -> page.rosterState(carolLeg.participantId()).equals("live")
                        && page.rosterState(aliceId).equals("live"));
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).until(() -> page.hears(440));
                await().atMost(Duration.ofSeconds(15)).until(() -> level660(carol) > -30);
            }
            assertThat(page.phase()).isEqualTo("joined");
            assertThat(page.value("return window.switchboardJoin.error")).as("no error shown").isEqualTo("null");
            assertThat(page.value("return window.switchboardJoin.participantId")).isEqualTo(aliceId);
            chromium.screenshot(dir.resolve("moved-out-of-group.png"));
        }
    }
}
