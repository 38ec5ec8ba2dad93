package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.communications.calls.item.subscribetotone.SubscribeToTonePostRequestBody;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A key held down longer than RFC 4733's 16-bit duration field can say arrives in segments (§2.5.1.3): with
 * {@code telephone-event/48000}, as an Opus leg negotiates it, that is any press over 1.37 s. The bot must hear one
 * key press, not one per segment. Packets written here from the RFC, over real UDP.
 */
class DtmfLongPressEndToEndTest {
    static final Duration PATIENCE = Duration.ofSeconds(15);
    static TestServer server;
    static CallbackReceiver bot;
    static GraphServiceClient graph;
    static ClientApi bob;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        bot = new CallbackReceiver();
        graph = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
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
    void aKeyHeldThreeSecondsOnAnOpusLegIsOneKeyPress() throws Exception {
        String callId = graph.communications().calls()
                .post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID, DevIdentities.BOB_ID)).getId();
        graph.communications().calls().byCallId(callId).subscribeToTone().post(new SubscribeToTonePostRequestBody());
        try (RtpPeer peer = new RtpPeer("127.0.0.1")) {
            String offer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=long-press\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                    + "m=audio " + peer.port() + " RTP/AVP 111 110\r\na=rtpmap:111 opus/48000/2\r\n"
                    + "a=rtpmap:110 telephone-event/48000\r\na=fmtp:110 0-15\r\na=ptime:20\r\na=sendrecv\r\n";
            ClientApi.Joined joined = bob.join(callId, offer);
            assertThat(joined.sdpAnswer()).contains("telephone-event/48000");
            int port = MuteEndToEndTest.audioPort(joined.sdpAnswer());
            Sender send = new Sender(peer, port);
            int ts = 960_000;
            // '5' held 3 s = 144,000 units at 48 kHz: segments of 0xFFFF, each further one 0xFFFF later, no marker
            send.event(ts, 5, false, 960, true);
            send.event(ts, 5, false, 30_000, false);
            send.event(ts, 5, false, 0xFFFF, false);
            send.event(ts + 0xFFFF, 5, false, 960, false);
            send.event(ts + 0xFFFF, 5, false, 0xFFFF, false);
            int last = ts + 2 * 0xFFFF;
            send.event(last, 5, false, 960, false);
            for (int i = 0; i < 3; i++) {
                send.event(last, 5, true, 144_000 - 2 * 0xFFFF, false);
            }
            // then '#' pressed briefly
            int pound = last + 48_000;
            send.event(pound, 11, false, 960, true);
            for (int i = 0; i < 3; i++) {
                send.event(pound, 11, true, 4800, false);
            }

            await().atMost(PATIENCE).until(() -> tones(callId).contains("pound"));
            Thread.sleep(300);
            assertThat(tones(callId)).as("one press of 5, then #").containsExactly("tone5", "pound");
            bob.leave(joined);
        } finally {
            graph.communications().calls().byCallId(callId).delete();
        }
    }

    /** The tones of the call's toneInfo updates, in arrival order. */
    static List<String> tones(String callId) {
        return bot.items().stream()
                .filter(i -> i.path("resourceUrl").asText().equals("/communications/calls/" + callId))
                .map(i -> i.path("resourceData").path("toneInfo"))
                .filter(JsonNode::isObject)
                .map(t -> t.path("tone").asText())
                .toList();
    }

    /** Writes telephone-event packets (RFC 4733 §2.3) on PT 110 to the leg's port, one SSRC, rising sequence. */
    record Sender(RtpPeer peer, int port, int[] seq) {
        Sender(RtpPeer peer, int port) {
            this(peer, port, new int[] {7000});
        }

        void event(int timestamp, int event, boolean end, int duration, boolean marker) throws InterruptedException {
            byte[] payload = {(byte) event, (byte) ((end ? 0x80 : 0) | 10), (byte) (duration >>> 8), (byte) duration};
            byte[] d = RtpPeer.rtp(110, seq[0]++, timestamp, 0x0D7F0002, payload);
            if (marker) {
                d[1] |= (byte) 0x80;
            }
            peer.sendRaw(port, d);
            Thread.sleep(10);
        }
    }
}
