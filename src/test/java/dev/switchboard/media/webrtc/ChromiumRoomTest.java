package dev.switchboard.media.webrtc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.media.DropReason;
import dev.switchboard.media.MediaLeg;
import dev.switchboard.media.MediaRoom;
import dev.switchboard.media.RtpLeg;
import dev.switchboard.media.RtpMediaEngine;
import dev.switchboard.testsupport.RtpPeer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A headless Chromium joins a media room as a WebRTC leg next to a plain RTP peer (bob, PCMU): bob hears the
 * browser's fake microphone (660 Hz) through SRTP unprotect → ingress filter → playout → mix; the page hears bob's
 * 440 Hz through mix → sender → SRTP protect; a server mute of the browser's leg silences it for bob (dropped as
 * server_muted) and unmuting brings it back. Skipped without chromium/chromium-driver.
 */
class ChromiumRoomTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void aBrowserInARoomIsHeardMutedAndHears() throws Exception {
        Chromium.requireOrSkip();
        Path dir = Files.createDirectories(Path.of("target/webrtc-chromium-room"));
        Path wav = dir.resolve("tone-660.wav");
        ChromiumWebRtcTest.writeTone(wav, 660, 2);
        Path page = dir.resolve("peer.html");
        try (InputStream in = getClass().getResourceAsStream("/webrtc/peer.html")) {
            Files.write(page, in.readAllBytes());
        }
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (RtpMediaEngine engine = new RtpMediaEngine("127.0.0.1", 47_100, 47_199, meters);
             RtpPeer bob = new RtpPeer("127.0.0.1");
             Chromium chromium = new Chromium(wav.toAbsolutePath(), dir)) {
            WebRtcGateway gateway = engine.enableWebRtc(new InetSocketAddress("127.0.0.1", 0), ConsentPolicy.DEFAULT, meters);
            MediaRoom room = engine.openRoom("webrtc-call");
            RtpLeg bobLeg = (RtpLeg) room.addLeg("bob", bob.offer("sendrecv"), LOOPBACK);
            bob.startTone(bobLeg.localPort(), 440);

            chromium.open(page.toAbsolutePath().toUri().toString());
            String offer = chromium.executeAsync("const done = arguments[arguments.length - 1];"
                    + "window.startCall().then(done, e => done('ERR ' + e));").asText();
            MediaLeg browser = room.addLeg("browser", offer, LOOPBACK);
            assertThat(((RtpLeg) browser).isWebRtc()).isTrue();
            Files.writeString(dir.resolve("answer.sdp"), browser.sdpAnswer());
            JsonNode state = chromium.executeAsync("const done = arguments[arguments.length - 1];"
                    + "window.acceptAnswer(arguments[0]).then(done, e => done('ERR ' + e));", browser.sdpAnswer());
            assertThat(state.asText()).isEqualTo("connected");

            await().atMost(Duration.ofSeconds(15)).until(() -> level660(bob) > -30);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).until(() -> {
                JsonNode l = chromium.execute("return window.levels();");
                return l != null && !l.isNull() && l.path("f440").asDouble() > -60 && l.path("f440").asDouble() > l.path("f1500").asDouble() + 20;
            });
            chromium.screenshot(dir.resolve("connected.png"));

            browser.setServerMuted(true);
            bob.drain();
            assertThat(level660(bob)).as("muted by the server: bob no longer hears the browser").isLessThan(-60);
            assertThat(engine.stats().dropped().get(DropReason.SERVER_MUTED)).isPositive();

            browser.setServerMuted(false);
            await().atMost(Duration.ofSeconds(10)).until(() -> level660(bob) > -30);
            assertThat(gateway.counters().dropped(WebRtcDropReason.SRTP_AUTH_FAILED)).isZero();
            assertThat(meters.find("switchboard.media.dropped.packets").tag("reason", "srtp_replay").functionCounter()).isNotNull();

            browser.close();
            assertThat(gateway.legs()).isZero();
        }
    }

    /** The median 660 Hz level (dBFS) of bob's next 25 packets (half a second). */
    private static double level660(RtpPeer bob) {
        double[] levels = new double[25];
        for (int i = 0; i < levels.length; i++) {
            RtpPeer.Packet p = bob.receive(1000);
            levels[i] = p == null ? -200 : p.pcmuLevelDbfs(660);
        }
        Arrays.sort(levels);
        return levels[levels.length / 2];
    }
}
