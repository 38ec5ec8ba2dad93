package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.graph.communications.calls.item.senddtmftones.SendDtmfTonesPostRequestBody;
import com.microsoft.graph.communications.calls.item.subscribetotone.SubscribeToTonePostRequestBody;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.CommsOperation;
import com.microsoft.graph.models.OperationStatus;
import com.microsoft.graph.models.SendDtmfCompletionReason;
import com.microsoft.graph.models.SendDtmfTonesOperation;
import com.microsoft.graph.models.SubscribeToToneOperation;
import com.microsoft.graph.models.Tone;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.serialization.JsonParseNodeFactory;
import com.microsoft.kiota.serialization.Parsable;
import com.microsoft.kiota.serialization.ParsableFactory;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.codec.AudioCodec;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * DTMF end to end (docs/dtmf.md): the official Graph Java SDK drives the bot, real RTP legs carry RFC 4733
 * telephone-events — from the project's softphone, and from packets written here from the RFC (with redundant end
 * packets, a duplicate and a late retransmission) — and a real webhook receiver hears the {@code toneInfo} updates.
 */
class DtmfEndToEndTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration PATIENCE = Duration.ofSeconds(30);
    static TestServer server;
    static CallbackReceiver bot;
    static GraphServiceClient graph;
    static ClientApi alice;
    static ClientApi bob;
    static String botToken;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        bot = new CallbackReceiver();
        botToken = Tokens.devBotToken(server.baseUrl());
        graph = GraphSdk.client(server.baseUrl(), botToken);
        alice = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.aliceToken(server.baseUrl()));
        bob = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.bobToken(server.baseUrl()));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            bot.close();
        }
    }

    static String groupCall() {
        return graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID, DevIdentities.BOB_ID))
                .getId();
    }

    static SubscribeToToneOperation subscribe(String callId) {
        SubscribeToTonePostRequestBody body = new SubscribeToTonePostRequestBody();
        body.setClientContext("tones-" + callId);
        return graph.communications().calls().byCallId(callId).subscribeToTone().post(body);
    }

    /** The toneInfo call updates the bot received for this call, in arrival order, parsed by the SDK. */
    static List<Call> toneUpdates(String callId) {
        List<Call> calls = new ArrayList<>();
        for (JsonNode item : bot.items()) {
            if (item.path("resourceUrl").asText().equals("/communications/calls/" + callId)
                    && item.path("resourceData").has("toneInfo")) {
                assertThat(item.path("changeType").asText()).isEqualTo("updated");
                calls.add(parse(item.get("resourceData"), Call::createFromDiscriminatorValue));
            }
        }
        return calls;
    }

    static <T extends Parsable> T parse(JsonNode json, ParsableFactory<T> factory) {
        return new JsonParseNodeFactory().getParseNode("application/json",
                new ByteArrayInputStream(json.toString().getBytes(StandardCharsets.UTF_8))).getObjectValue(factory);
    }

    static void expectTones(List<Call> updates, Tone... tones) {
        assertThat(updates).hasSize(tones.length);
        for (int i = 0; i < tones.length; i++) {
            Call c = updates.get(i);
            assertThat(c.getToneInfo().getTone()).as("tone %d", i).isEqualTo(tones[i]);
            assertThat(c.getToneInfo().getSequenceId()).as("sequenceId %d", i).isEqualTo(i + 1L);
            assertThat(c.getState()).isEqualTo(com.microsoft.graph.models.CallState.Established);
        }
    }

    @ParameterizedTest
    @EnumSource(value = AudioCodec.class, names = {"PCMU", "OPUS"})
    void keysPressedOnTheSoftphoneReachTheBotAsToneInfoInOrder(AudioCodec codec) throws Exception {
        String callId = groupCall();
        SubscribeToToneOperation op = subscribe(callId);
        assertThat(op.getStatus()).isEqualTo(OperationStatus.Completed);
        assertThat(op.getClientContext()).isEqualTo("tones-" + callId);
        try (Softphone phone = new Softphone("127.0.0.1", codec, null, true)) {
            ClientApi.Joined joined = alice.join(callId, phone.sdpOffer());
            assertThat(joined.sdpAnswer()).contains("telephone-event/" + codec.clockRate());
            phone.start(joined.sdpAnswer());
            CompletableFuture<Boolean> sent = new CompletableFuture<>();
            phone.sendDtmf("1234#", 60, sent::complete);
            assertThat(sent.get(30, TimeUnit.SECONDS)).isTrue();
            await().atMost(PATIENCE).until(() -> toneUpdates(callId).size() >= 5);
            Thread.sleep(500); // nothing more may come: each end packet went out three times
            expectTones(toneUpdates(callId), Tone.Tone1, Tone.Tone2, Tone.Tone3, Tone.Tone4, Tone.Pound);
            alice.leave(joined);
        } finally {
            graph.communications().calls().byCallId(callId).delete();
        }
    }

    @Test
    void aKeyPressedOnTheSoftphoneEndsARecordingWhoseStopTonesHaveIt() throws Exception {
        String callId = graph.communications().calls().post(GraphSdk.call(bot.url(), DevIdentities.ALICE_ID)).getId(); // P2P
        try (Softphone phone = new Softphone("127.0.0.1", AudioCodec.PCMU, null, true)) {
            ClientApi.Joined joined = alice.join(callId, phone.sdpOffer());
            phone.start(joined.sdpAnswer());
            com.microsoft.graph.communications.calls.item.recordresponse.RecordResponsePostRequestBody record =
                    new com.microsoft.graph.communications.calls.item.recordresponse.RecordResponsePostRequestBody();
            record.setInitialSilenceTimeoutInSeconds(60);
            record.setMaxSilenceTimeoutInSeconds(60);
            record.setMaxRecordDurationInSeconds(60);
            record.setPlayBeep(false);
            record.setStopTones(List.of("#"));
            String opId = graph.communications().calls().byCallId(callId).recordResponse().post(record).getId();
            CompletableFuture<Boolean> sent = new CompletableFuture<>();
            phone.sendDtmf("5#", 60, sent::complete); // 5 is not a stop tone, # is
            assertThat(sent.get(30, TimeUnit.SECONDS)).isTrue();
            JsonNode done = bot.awaitItem(i -> i.path("resourceUrl").asText().endsWith("/operations/" + opId), PATIENCE)
                    .path("resourceData");
            assertThat(done.path("status").asText()).isEqualTo("Completed");
            assertThat(done.path("completionReason").asText()).as("ended by the RFC 4733 '#', long before any timeout")
                    .isEqualTo("stopToneDetected");
        } finally {
            graph.communications().calls().byCallId(callId).delete();
        }
    }

    /** One key press as RFC 4733 §2.5 has it sent: start (marker), two updates, three end packets. */
    /** An offer of PCMU with telephone-event/8000 as payload type 101, from {@code port} on loopback. */
    static String pcmuWithTelephoneEvents(int port) {
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=rfc4733\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + port + " RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n";
    }

    static List<byte[]> press(int ssrc, int seq, int timestamp, int event) {
        List<byte[]> packets = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            boolean end = i >= 3;
            int duration = Math.min(i + 1, 4) * 160;
            byte[] payload = {(byte) event, (byte) ((end ? 0x80 : 0) | 10), (byte) (duration >>> 8), (byte) duration};
            byte[] d = RtpPeer.rtp(101, seq + i, timestamp, ssrc, payload);
            if (i == 0) {
                d[1] |= (byte) 0x80;
            }
            packets.add(d);
        }
        return packets;
    }

    @Test
    void rawRfc4733PacketsCountOncePerKeyAndTheQualifiedActionNameWorks() throws Exception {
        String callId = groupCall();
        HttpResponse<String> r = post(callId, "microsoft.graph.subscribeToTone", "{\"clientContext\":\"qualified\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode op = JSON.readTree(r.body());
        assertThat(op.path("@odata.type").asText()).isEqualTo("#microsoft.graph.subscribeToToneOperation");
        assertThat(op.path("status").asText()).isEqualTo("Completed");
        assertThat(r.headers().firstValue("Location")).hasValueSatisfying(l ->
                assertThat(l).endsWith("/communications/calls/" + callId + "/operations/" + op.path("id").asText()));
        double packetsBefore = metric("switchboard_media_dtmf_packets_in_total");
        try (RtpPeer peer = new RtpPeer("127.0.0.1")) {
            ClientApi.Joined joined = bob.join(callId, pcmuWithTelephoneEvents(peer.port()));
            int port = MuteEndToEndTest.audioPort(joined.sdpAnswer());
            int ssrc = 0x0D7F0001;
            int seq = 4000;
            int ts = 160_000;
            int sent = 0;
            List<byte[]> previous = null;
            for (int key : new int[] {1, 2, 3, 4, 11}) {
                List<byte[]> packets = press(ssrc, seq, ts, key);
                for (byte[] p : packets) {
                    peer.sendRaw(port, p);
                    sent++;
                    Thread.sleep(5);
                }
                peer.sendRaw(port, packets.get(4)); // a duplicated end packet
                sent++;
                if (previous != null) {
                    peer.sendRaw(port, previous.get(0)); // the previous key's start, retransmitted late
                    sent++;
                }
                previous = packets;
                seq += 6;
                ts += 1600;
            }
            await().atMost(PATIENCE).until(() -> toneUpdates(callId).size() >= 5);
            Thread.sleep(500);
            expectTones(toneUpdates(callId), Tone.Tone1, Tone.Tone2, Tone.Tone3, Tone.Tone4, Tone.Pound);
            int sentPackets = sent;
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(metric("switchboard_media_dtmf_packets_in_total") - packetsBefore)
                    .as("every telephone-event packet is counted").isGreaterThanOrEqualTo(sentPackets));
            dev.switchboard.media.RtpMediaEngine media = (dev.switchboard.media.RtpMediaEngine) server.server().media();
            assertThat(media.room(callId).leg(joined.participantId()).dtmfDigitsReceived()).isEqualTo(5);
            assertThat(media.legStats(callId, joined.participantId()).orElseThrow().framesMixed())
                    .as("telephone-events are signalling, never mixed as audio").isZero();
            bob.leave(joined);
        } finally {
            graph.communications().calls().byCallId(callId).delete();
        }
    }

    /**
     * A peer that sends 45 key presses at once (a new telephone-event in every packet: no keypad does; within the
     * packet burst of 50, so the packet budget drops none) makes the bot hear about its key-press burst of 20 (then 25
     * a second; the packets arrive within milliseconds, however loaded the machine): the rest are dropped and counted
     * as {@code key_press_rate}, every one accounted for. Keys pressed at a human pace afterwards all arrive, in order.
     */
    @Test
    void aPeerPressingKeysFasterThanAnyKeypadIsHeardAtTheKeyPressBudgetAndHumanPressesStillArrive() throws Exception {
        String callId = groupCall();
        subscribe(callId);
        try (RtpPeer peer = new RtpPeer("127.0.0.1")) {
            ClientApi.Joined joined = bob.join(callId, pcmuWithTelephoneEvents(peer.port()));
            int port = MuteEndToEndTest.audioPort(joined.sdpAnswer());
            int ssrc = 0x0D7F0002;
            int flood = 45;
            for (int i = 0; i < flood; i++) { // one packet per key press: its end, with a timestamp of its own
                byte[] payload = {(byte) (i % 10), (byte) 0x8A, 0, (byte) 160};
                peer.sendRaw(port, RtpPeer.rtp(101, 7000 + i, 320_000 + i * 160, ssrc, payload));
            }
            dev.switchboard.media.RtpMediaEngine media = (dev.switchboard.media.RtpMediaEngine) server.server().media();
            await().atMost(PATIENCE).until(() -> {
                var stats = media.legStats(callId, joined.participantId()).orElseThrow();
                return media.room(callId).leg(joined.participantId()).dtmfDigitsReceived()
                        + stats.dropped(dev.switchboard.media.DropReason.KEY_PRESS_RATE)
                        + stats.dropped(dev.switchboard.media.DropReason.QUEUE_FULL) == flood;
            });
            long passed = media.room(callId).leg(joined.participantId()).dtmfDigitsReceived();
            long cut = media.legStats(callId, joined.participantId()).orElseThrow()
                    .dropped(dev.switchboard.media.DropReason.KEY_PRESS_RATE);
            System.out.println("dtmf flood: " + flood + " key presses sent, " + passed + " passed on, " + cut + " cut");
            assertThat(cut).as("key presses beyond the budget are dropped and counted").isPositive();
            assertThat(passed).as("at least the burst").isGreaterThanOrEqualTo(20).isLessThan(flood);
            await().atMost(PATIENCE).until(() -> toneUpdates(callId).size() >= passed);

            Thread.sleep(1000); // the budget refills (25 a second)
            int seq = 8000;
            int ts = 900_000;
            for (int key : new int[] {1, 2, 3}) {
                for (byte[] p : press(ssrc, seq, ts, key)) {
                    peer.sendRaw(port, p);
                    Thread.sleep(20);
                }
                seq += 6;
                ts += 1600;
            }
            await().atMost(PATIENCE).until(() -> toneUpdates(callId).size() >= passed + 3);
            Thread.sleep(500);
            List<Call> updates = toneUpdates(callId);
            assertThat(updates).as("one toneInfo per key press passed on").hasSize((int) passed + 3);
            for (int i = 0; i < updates.size(); i++) {
                assertThat(updates.get(i).getToneInfo().getSequenceId()).isEqualTo(i + 1L);
            }
            assertThat(updates.subList(updates.size() - 3, updates.size()).stream().map(c -> c.getToneInfo().getTone()))
                    .containsExactly(Tone.Tone1, Tone.Tone2, Tone.Tone3);
            assertThat(metric("switchboard_media_dropped_packets_total\\{reason=\"key_press_rate\"}"))
                    .as("the engine's counter").isGreaterThanOrEqualTo(cut);
            bob.leave(joined);
        } finally {
            graph.communications().calls().byCallId(callId).delete();
        }
    }

    @ParameterizedTest
    @EnumSource(value = AudioCodec.class, names = {"PCMU", "OPUS"})
    void sendDtmfTonesReachesEveryOtherParticipantAndCompletes(AudioCodec codec) throws Exception {
        String callId = groupCall();
        try (Softphone alicePhone = new Softphone("127.0.0.1", codec, null);
             Softphone bobPhone = new Softphone("127.0.0.1", codec, null)) {
            ClientApi.Joined a = alice.join(callId, alicePhone.sdpOffer());
            alicePhone.start(a.sdpAnswer());
            ClientApi.Joined b = bob.join(callId, bobPhone.sdpOffer());
            bobPhone.start(b.sdpAnswer());
            await().atMost(PATIENCE).until(() -> alicePhone.packetsReceived() > 0 && bobPhone.packetsReceived() > 0);

            SendDtmfTonesPostRequestBody body = new SendDtmfTonesPostRequestBody();
            body.setTones(List.of(Tone.Tone1, Tone.Tone2, Tone.Star, Tone.Pound, Tone.A, Tone.Tone0));
            body.setDelayBetweenTonesMs(50);
            body.setClientContext("dtmf-" + codec);
            SendDtmfTonesOperation op = graph.communications().calls().byCallId(callId).sendDtmfTones().post(body);
            assertThat(op.getStatus()).isEqualTo(OperationStatus.Running);
            assertThat(op.getClientContext()).isEqualTo("dtmf-" + codec);

            await().atMost(PATIENCE).until(() -> alicePhone.dtmfReceived().length() >= 6 && bobPhone.dtmfReceived().length() >= 6);
            assertThat(alicePhone.dtmfReceived()).isEqualTo("12*#A0");
            assertThat(bobPhone.dtmfReceived()).isEqualTo("12*#A0");

            JsonNode done = bot.awaitItem(i -> i.path("resourceUrl").asText()
                    .equals("/communications/calls/" + callId + "/operations/" + op.getId()), PATIENCE);
            assertThat(done.path("changeType").asText()).isEqualTo("deleted");
            CommsOperation finished = parse(done.get("resourceData"), CommsOperation::createFromDiscriminatorValue);
            assertThat(finished).isInstanceOf(SendDtmfTonesOperation.class);
            assertThat(finished.getStatus()).isEqualTo(OperationStatus.Completed);
            assertThat(((SendDtmfTonesOperation) finished).getCompletionReason()).isEqualTo(SendDtmfCompletionReason.CompletedSuccessfully);
            CommsOperation got = graph.communications().calls().byCallId(callId).operations().byCommsOperationId(op.getId()).get();
            assertThat(got).isInstanceOf(SendDtmfTonesOperation.class);
            assertThat(((SendDtmfTonesOperation) got).getCompletionReason()).isEqualTo(SendDtmfCompletionReason.CompletedSuccessfully);
            alice.leave(a);
            bob.leave(b);
        } finally {
            graph.communications().calls().byCallId(callId).delete();
        }
    }

    @Test
    void sendDtmfTonesWithNobodyToHearThemCompletesAtOnceAsUnknown() {
        String callId = groupCall();
        try {
            SendDtmfTonesPostRequestBody body = new SendDtmfTonesPostRequestBody();
            body.setTones(List.of(Tone.Tone5));
            SendDtmfTonesOperation op = graph.communications().calls().byCallId(callId).sendDtmfTones().post(body);
            assertThat(op.getStatus()).isEqualTo(OperationStatus.Completed);
            assertThat(op.getCompletionReason()).isEqualTo(SendDtmfCompletionReason.Unknown);
            assertThat(op.getResultInfo().getCode()).isEqualTo(400);
        } finally {
            graph.communications().calls().byCallId(callId).delete();
        }
    }

    @Test
    void badInputIsAGraphStyle400() throws Exception {
        String callId = groupCall();
        try {
            HttpResponse<String> unknownTone = post(callId, "sendDtmfTones", "{\"tones\":[\"tone1\",\"tone10\"]}");
            assertThat(unknownTone.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(unknownTone.body()).at("/error/code").asText()).isEqualTo("BadRequest");
            assertThat(JSON.readTree(unknownTone.body()).at("/error/message").asText()).contains("'tone10'").contains("pound");

            SendDtmfTonesPostRequestBody empty = new SendDtmfTonesPostRequestBody();
            empty.setTones(List.of());
            GraphSdk.expectError(() -> graph.communications().calls().byCallId(callId).sendDtmfTones().post(empty), 400, "BadRequest");

            HttpResponse<String> characters = post(callId, "sendDtmfTones", "{\"tones\":[\"1\",\"#\"]}");
            assertThat(characters.statusCode()).as("sendDtmfTones takes tone names, not characters").isEqualTo(400);
            HttpResponse<String> negative = post(callId, "sendDtmfTones", "{\"tones\":[\"tone1\"],\"delayBetweenTonesMs\":-5}");
            assertThat(negative.statusCode()).isEqualTo(400);

            HttpResponse<String> badStatus = post(callId, "updateRecordingStatus", "{\"status\":\"paused\"}");
            assertThat(badStatus.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(badStatus.body()).at("/error/message").asText()).contains("'paused'").contains("notRecording");
            assertThat(post(callId, "updateRecordingStatus", "{}").statusCode()).isEqualTo(400);
            assertThat(post(callId, "microsoft.graph.updateRecordingStatus", "{\"status\":\"Recording\"}").statusCode())
                    .as("enum values are read in any casing").isEqualTo(200);
        } finally {
            graph.communications().calls().byCallId(callId).delete();
        }
    }

    static HttpResponse<String> post(String callId, String action, String json) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                        + "/v1.0/communications/calls/" + callId + "/" + action))
                .header("Authorization", "Bearer " + botToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static double metric(String name) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + name + " ([0-9.eE+-]+)$").matcher(r.body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
