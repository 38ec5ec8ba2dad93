package dev.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.RtpMediaEngine;
import dev.switchboard.media.webrtc.Chromium;
import dev.switchboard.media.webrtc.ChromiumWebRtcTest;
import dev.switchboard.media.webrtc.WebRtcDropReason;
import dev.switchboard.media.webrtc.WebRtcGateway;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server's RTCP as a browser sees it: headless Chromium joins a call (bob, an RTP peer, sends 440 Hz so the
 * browser receives a stream) and its {@code RTCPeerConnection.getStats()} shows a {@code remote-outbound-rtp}
 * for the inbound audio (our Sender Reports: packets and reports counted) and a {@code remote-inbound-rtp} for its
 * outbound audio (our report block, with a round-trip time from LSR/DLSR). The server counts the browser's own
 * reports and drops none as malformed. Skipped without Chromium.
 */
class BrowserRtcpStatsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String STATS = "const done = arguments[arguments.length - 1];"
            + "window.pc.getStats().then(r => { const out = {}; r.forEach(s => {"
            + " if (s.kind === 'audio' && s.type.endsWith('-rtp')) out[s.type] = s; }); done(out); },"
            + " e => done({error: String(e)}));";

    @Test
    void theBrowserSeesOurSenderReportsAndOurReportOnItsStream() throws Exception {
        Chromium.requireOrSkip();
        Path dir = Files.createDirectories(Path.of("target/webrtc-rtcp"));
        Path wav = dir.resolve("tone-660.wav");
        ChromiumWebRtcTest.writeTone(wav, 660, 2);
        Path page = dir.resolve("peer.html");
        try (InputStream in = getClass().getResourceAsStream("/webrtc/peer.html")) {
            Files.write(page, in.readAllBytes());
        }
        try (CallbackReceiver bot = new CallbackReceiver();
             TestServer server = TestServer.start(cfg -> cfg.withMedia(cfg.media().withWebRtcPort(0)));
             RtpPeer bob = new RtpPeer("127.0.0.1");
             Chromium chromium = new Chromium(wav.toAbsolutePath(), dir)) {
            WebRtcGateway gateway = ((RtpMediaEngine) server.server().media()).webRtc();
            String botToken = Tokens.devBotToken(server.baseUrl());
            String callId = server.groupCall(bot.url(), botToken);
            ClientApi bobApi = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.bobToken(server.baseUrl()));
            ClientApi.Joined bobJoined = bobApi.join(callId, bob.offer("sendrecv"));
            bob.startTone(mediaPort(bobJoined.sdpAnswer()), 440);

            chromium.open(page.toAbsolutePath().toUri().toString());
            String offer = chromium.executeAsync("const done = arguments[arguments.length - 1];"
                    + "window.startCall().then(done, e => done('ERR ' + e));").asText();
            ClientApi alice = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.aliceToken(server.baseUrl()));
            ClientApi.Joined joined = alice.join(callId, offer);
            String state = chromium.executeAsync("const done = arguments[arguments.length - 1];"
                    + "window.acceptAnswer(arguments[0]).then(done, e => done('ERR ' + e));", joined.sdpAnswer()).asText();
            assertThat(state).isEqualTo("connected");

            AtomicReference<JsonNode> last = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                JsonNode s = chromium.executeAsync(STATS);
                last.set(s);
                return s.path("remote-outbound-rtp").path("reportsSent").asLong() >= 2
                        && s.path("remote-inbound-rtp").path("roundTripTimeMeasurements").asLong() >= 1;
            });
            JsonNode stats = last.get();
            Files.writeString(dir.resolve("stats.json"), stats.toPrettyString());

            JsonNode ourSr = stats.path("remote-outbound-rtp");
            JsonNode inbound = stats.path("inbound-rtp");
            assertThat(ourSr.path("ssrc").asLong()).as("our SR names the stream the browser receives").isEqualTo(inbound.path("ssrc").asLong());
            assertThat(ourSr.path("packetsSent").asLong()).isPositive();
            assertThat(ourSr.path("bytesSent").asLong()).isPositive();
            assertThat(ourSr.path("reportsSent").asLong()).isGreaterThanOrEqualTo(2);

            JsonNode ourBlock = stats.path("remote-inbound-rtp");
            JsonNode outbound = stats.path("outbound-rtp");
            assertThat(ourBlock.path("ssrc").asLong()).as("our report block is about the browser's stream").isEqualTo(outbound.path("ssrc").asLong());
            assertThat(ourBlock.path("packetsLost").asLong()).as("loopback loses nothing").isZero();
            assertThat(ourBlock.path("roundTripTime").asDouble()).as("LSR/DLSR give a sane loopback RTT")
                    .isGreaterThanOrEqualTo(0).isLessThan(1.0);

            assertThat(gateway.counters().rtcpSenderReports()).as("the browser's SRs were read").isPositive();
            assertThat(gateway.counters().rtcpReportsSent()).isGreaterThanOrEqualTo(2);
            assertThat(gateway.counters().dropped(WebRtcDropReason.RTCP_MALFORMED)).isZero();
            assertThat(gateway.counters().dropped(WebRtcDropReason.SRTP_AUTH_FAILED)).isZero();
            alice.leave(joined);
            bob.stopTone();
        }
    }


    private static int mediaPort(String answer) {
        Matcher m = Pattern.compile("m=audio (\\d+) ").matcher(answer);
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
