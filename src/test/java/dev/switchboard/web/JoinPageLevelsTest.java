package dev.switchboard.web;

import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.webrtc.Chromium;
import dev.switchboard.testsupport.FfmpegPeer;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static dev.switchboard.web.JoinPageBrowserTest.graph;
import static dev.switchboard.web.JoinPageBrowserTest.mediaPort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The join page's level meter per participant, fed by the roster stream's {@code levels} messages: in headless
 * Chromium (alice, fake microphone at 660 Hz), bob talks (ffmpeg, a 440 Hz tone) and carol is silent (an RTP peer
 * sending digital silence). Bob's meter and alice's own move, carol's stays at 0; once the bot server-mutes bob
 * through Graph his meter falls to 0 and stays there. Screenshot {@code target/join-page/levels.png}. Skipped without
 * Chromium or ffmpeg.
 */
class JoinPageLevelsTest {
    @Test
    void theMeterOfATalkingParticipantMovesASilentOrServerMutedOneDoesNot() throws Exception {
        Chromium.requireOrSkip();
        assumeThat(FfmpegPeer.available()).as("ffmpeg at " + FfmpegPeer.FFMPEG).isTrue();
        Path dir = JoinPageBrowserTest.DIR;
        Path wav = JoinPageBrowserTest.microphone660();
        try (CallbackReceiver bot = new CallbackReceiver();
             TestServer server = TestServer.start(cfg -> cfg.withMedia(cfg.media().withWebRtcPort(0)));
             RtpPeer carol = new RtpPeer("127.0.0.1");
             Chromium chromium = new Chromium(wav.toAbsolutePath(), dir)) {
            String botToken = Tokens.devBotToken(server.baseUrl());
            String callId = server.groupCall(bot.url(), botToken);
            ClientApi bobApi = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.bobToken(server.baseUrl()));
            ClientApi.Joined bob = bobApi.join(callId, FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(), FfmpegPeer.Codec.PCMU, "sendrecv"));
            ClientApi carolApi = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.carolToken(server.baseUrl()));
            ClientApi.Joined carolJoined = carolApi.join(callId, carol.offer("sendrecv"));
            carol.startTone(mediaPort(carolJoined.sdpAnswer()), 0); // digital silence, 50 packets a second

            try (FfmpegPeer bobVoice = FfmpegPeer.sendTone("127.0.0.1", mediaPort(bob.sdpAnswer()), FfmpegPeer.Codec.PCMU, 440, 120, dir)) {
                JoinPageDriver page = new JoinPageDriver(chromium);
                page.signInAndJoin(JoinPage.link(server.baseUrl(), callId), DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD);
                String aliceId = page.participantId();

                await().atMost(Duration.ofSeconds(30)).until(() -> level(page, bob.participantId()) > 0.05
                        && level(page, aliceId) > 0.05 && meter(page, bob.participantId()) > 0.05);
                for (int i = 0; i < 10; i++) {
                    assertThat(level(page, carolJoined.participantId())).as("silent carol's meter").isZero();
                    assertThat(meter(page, carolJoined.participantId())).isZero();
                    Thread.sleep(200);
                }
                // levels keep coming: an unchanged message is sent again only once a second (docs/roster-stream.md),
                // so steady tones may bring one a second; the loop above took about 2 s (3 seen once in CI)
                await("levels keep coming").atMost(Duration.ofSeconds(15))
                        .until(() -> page.number("return window.switchboardJoin.levelMessages") > 3);
                chromium.screenshot(dir.resolve("levels.png"));

                String participant = callId + "/participants/" + bob.participantId();
                assertThat(graph(server, botToken, "POST", participant + "/mute", "{}").statusCode()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(10)).until(() -> level(page, bob.participantId()) == 0 && meter(page, bob.participantId()) == 0);
                for (int i = 0; i < 10; i++) {
                    assertThat(level(page, bob.participantId())).as("server-muted bob's meter").isZero();
                    Thread.sleep(200);
                }
                assertThat(bobVoice.isAlive()).as("bob kept talking while muted").isTrue();
                assertThat(level(page, aliceId)).as("alice still talks").isGreaterThan(0.05);
            }
            carol.stopTone();
        }
    }

    /** The level the page got for a participant (0 when it has none). */
    private static double level(JoinPageDriver page, String participantId) throws Exception {
        return page.number("return window.switchboardJoin.levels[arguments[0]] || 0", participantId);
    }

    /** The value the participant's meter in the roster shows. */
    private static double meter(JoinPageDriver page, String participantId) throws Exception {
        return page.number("const li = document.querySelector('#roster li[data-participant-id=\"' + arguments[0] + '\"]');"
                + "return li ? li.querySelector('meter.level').value : -1;", participantId);
    }
}
