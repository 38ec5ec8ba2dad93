package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.testsupport.Prometheus;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.ServerHttp;
import dev.switchboard.tools.Softphone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A participant whose plain RTP peer goes away without leaving (a softphone killed with -9, a network gone) is taken
 * out of the call after {@code --media-timeout} (docs/media.md, "When a peer goes away"), as a browser whose ICE consent
 * expired is: the soak of session 25 found such legs kept for ever, with their UDP port, their room and their mixer
 * work, also in a group call whose bot had hung up, which nobody could end any more. A peer that only listens and sends
 * RTCP reports stays. Real server, real UDP, real webhooks.
 */
class SilentPeerEndToEndTest {
    /** Three RTCP report intervals of the softphone (2 s): a loaded machine may delay one report, not three. */
    static final Duration TIMEOUT = Duration.ofSeconds(6);
    static final Duration PATIENCE = Duration.ofSeconds(15);
    static TestServer server;
    static CallbackReceiver bot;
    static ServerHttp http;
    static String botToken;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(c -> c.withMediaTimeout(TIMEOUT));
        bot = new CallbackReceiver();
        http = new ServerHttp(server.baseUrl());
        botToken = Tokens.devBotToken(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            bot.close();
        }
    }

    @Test
    void aVanishedPeerLeavesTheCallAndTheLastOneTakesTheRoomAndPortsWithIt() throws Exception {
        String callId = server.groupCall(bot.url(), botToken);
        ClientApi alice = new ClientApi(http, Tokens.aliceToken(server.baseUrl()));
        ClientApi bob = new ClientApi(http, Tokens.bobToken(server.baseUrl()));
        ClientApi carol = new ClientApi(http, Tokens.carolToken(server.baseUrl()));

        RtpPeer talker = new RtpPeer("127.0.0.1");
        ClientApi.Joined aliceJoined = alice.join(callId, talker.offer("sendrecv"));
        talker.startTone(serverPort(aliceJoined), 660);
        // bob only listens: no audio, only RTCP receiver reports (every 2 s), as RFC 3550 peers send them
        Softphone listener = new Softphone("127.0.0.1", AudioCodec.PCMU, null);
        ClientApi.Joined bobJoined = bob.join(callId, listener.sdpOffer());
        listener.start(bobJoined.sdpAnswer());
        // carol's client died right after its join: nothing ever comes from her address
        RtpPeer mute = new RtpPeer("127.0.0.1");
        ClientApi.Joined carolJoined = carol.join(callId, mute.offer("sendrecv"));
        mute.close();
        assertThat(participants(callId)).contains(aliceJoined.participantId(), bobJoined.participantId(),
                carolJoined.participantId());
        assertThat(Prometheus.sample(server.baseUrl(), "switchboard_media_ports")).isEqualTo(3);

        Thread.sleep(1000); // alice has been heard
        talker.close(); // killed: no leave, no more packets
        await().atMost(PATIENCE).until(() -> !participants(callId).contains(aliceJoined.participantId())
                && !participants(callId).contains(carolJoined.participantId()));
        // the bot heard both go, as for a leave
        await().atMost(PATIENCE).until(() -> {
            String roster = lastRoster(callId);
            return roster.contains(bobJoined.participantId()) && !roster.contains(aliceJoined.participantId())
                    && !roster.contains(carolJoined.participantId());
        });
        assertThat(Prometheus.sample(server.baseUrl(), "switchboard_media_ports")).isEqualTo(1);

        // bob, who only sends reports, stays: he joined before carol, so without his reports he would have gone with
        // her (give the once-a-second check two more rounds)
        Thread.sleep(2000);
        assertThat(participants(callId)).contains(bobJoined.participantId());

        // the bot hangs up; the call goes on with bob, whose softphone then dies too: nothing is left behind
        http.graph(botToken, "DELETE", "/v1.0/communications/calls/" + callId, null);
        listener.close();
        await().atMost(PATIENCE).until(() -> Prometheus.sample(server.baseUrl(), "switchboard_media_legs") == 0
                && Prometheus.sample(server.baseUrl(), "switchboard_media_rooms") == 0
                && Prometheus.sample(server.baseUrl(), "switchboard_media_ports") == 0);
        for (ClientApi.Joined j : List.of(aliceJoined, bobJoined, carolJoined)) {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort(j)))) {
                assertThat(s.getLocalPort()).as("the leg's UDP port was closed").isEqualTo(serverPort(j));
            }
        }
    }

    private static List<String> participants(String callId) {
        JsonNode list = http.graph(botToken, "GET", "/v1.0/communications/calls/" + callId + "/participants", null);
        List<String> ids = new ArrayList<>();
        list.path("value").forEach(p -> ids.add(p.path("id").asText()));
        return ids;
    }

    /** The last roster notification the bot received for the call, as text ("" before the first). */
    private static String lastRoster(String callId) {
        String last = "";
        for (JsonNode item : bot.items()) {
            if (item.path("resourceUrl").asText().contains(callId) && item.path("resourceUrl").asText().endsWith("/participants")) {
                last = item.toString();
            }
        }
        return last;
    }

    /** The server's UDP port of a leg, from its SDP answer. */
    private static int serverPort(ClientApi.Joined joined) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("m=audio (\\d+) ").matcher(joined.sdpAnswer());
        assertThat(m.find()).as(joined.sdpAnswer()).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
