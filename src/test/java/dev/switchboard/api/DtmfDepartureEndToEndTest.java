package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.communications.calls.item.senddtmftones.SendDtmfTonesPostRequestBody;
import com.microsoft.graph.communications.calls.item.transfer.TransferPostRequestBody;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.CommsOperation;
import com.microsoft.graph.models.JoinMeetingIdMeetingInfo;
import com.microsoft.graph.models.OperationStatus;
import com.microsoft.graph.models.SendDtmfCompletionReason;
import com.microsoft.graph.models.SendDtmfTonesOperation;
import com.microsoft.graph.models.Tone;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.server.InboundSettings;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.RosterWatcher;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A bot that leaves a call that goes on takes its {@code sendDtmfTones} with it (docs/dtmf.md): two bots in one group
 * call (the Dev Bot joins its own call again under another applicationInstance, as in {@link TwoBotsMediaEndToEndTest})
 * both send tones to Alice, whose ear is a real RTP socket that negotiated {@code telephone-event/8000}. The second
 * bot hangs up mid-sequence: after its DELETE's 200, at most the tone whose frame was already on its way begins, every
 * begun tone still gets its end packets, and the first bot's tones, queued behind, go out whole.
 */
class DtmfDepartureEndToEndTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    static final int TE = 101;

    static TestServer server;
    static CallbackReceiver firstWebhook;
    static CallbackReceiver secondWebhook;
    static GraphServiceClient bots;
    static ClientApi alice;
    static ClientApi bob;
    static RosterWatcher bobRings;

    @BeforeAll
    static void start() throws Exception {
        firstWebhook = new CallbackReceiver();
        secondWebhook = new CallbackReceiver();
        server = TestServer.start(cfg -> cfg.withInbound(InboundSettings.DEFAULTS
                .withWebhook(DevIdentities.DEV_BOT_APP_ID, firstWebhook.url())));
        bots = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
        alice = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.aliceToken(server.baseUrl()));
        bob = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.bobToken(server.baseUrl()));
        bobRings = RosterWatcher.ringStream(HttpClient.newHttpClient(), bob, m -> { });
        bobRings.await(m -> m.path("type").asText().equals("listening"), WAIT);
    }

    @AfterAll
    static void stop() {
        if (bobRings != null) {
            bobRings.close();
        }
        if (server != null) {
            server.close();
        }
        firstWebhook.close();
        secondWebhook.close();
    }

    /** One received telephone-event packet. */
    record Event(int code, boolean end, int duration, long receivedNanos) {
        /** The first packet of a tone (RFC 4733 §2.5.1.2: duration one frame, no end bit). */
        boolean begins() {
            return !end && duration == 160;
        }
    }

    @Test
    void aBotThatHangsUpStopsItsTonesAndTheOtherBotsTonesStillGoOut() throws Exception {
        try (RtpPeer ear = new RtpPeer("127.0.0.1")) {
            Call created = bots.communications().calls().post(GraphSdk.call(firstWebhook.url(), DevIdentities.ALICE_ID,
                    DevIdentities.BOB_ID));
            ClientApi.Joined leg = alice.join(created.getId(), offerWithDtmf(ear));
            assertThat(leg.sdpAnswer()).contains("telephone-event/8000");
            ear.sendReceiverReport(MuteEndToEndTest.audioPort(leg.sdpAnswer())); // latch: the server sends to us
            String joinId = ((JoinMeetingIdMeetingInfo) created.getMeetingInfo()).getJoinMeetingId();
            Call second = bots.communications().calls().post(GraphSdk.joinMeetingAs(secondWebhook.url(), joinId,
                    "leaving-bot", "Leaving bot"));
            List<Event> events = Collections.synchronizedList(new ArrayList<>());
            Thread listener = Thread.ofVirtual().start(() -> listen(ear, events));
            try {
                SendDtmfTonesOperation leaving = bots.communications().calls().byCallId(second.getId()).sendDtmfTones()
                        .post(tones(Collections.nCopies(30, Tone.Tone1), "leaving"));
                SendDtmfTonesOperation staying = bots.communications().calls().byCallId(created.getId()).sendDtmfTones()
                        .post(tones(List.of(Tone.Tone9, Tone.Tone8, Tone.Tone7), "staying")); // queued behind
                await().atMost(WAIT).until(() -> begun(events, 0).size() >= 2); // two of the leaving bot's tones heard

                bots.communications().calls().byCallId(second.getId()).delete(); // the 200
                long departed = System.nanoTime();

                await().atMost(WAIT).until(() -> events.stream().filter(e -> e.code() == 7 && e.end()).count() >= 3);
                Thread.sleep(300); // nothing more may come

                List<Integer> after = begun(events, departed);
                assertThat(after).as("tones begun after the departure's 200").containsSubsequence(9, 8, 7);
                assertThat(after.stream().filter(c -> c == 1).count())
                        .as("at most the leaving bot's tone already on its way begins after the 200").isLessThanOrEqualTo(1);
                assertThat(after.subList(after.size() - 3, after.size())).containsExactly(9, 8, 7);
                synchronized (events) {
                    for (int code = 0; code <= 9; code++) {
                        int c = code;
                        long starts = events.stream().filter(e -> e.code() == c && e.begins()).count();
                        long ends = events.stream().filter(e -> e.code() == c && e.end()).count();
                        assertThat(ends).as("every begun tone %d ends with three end packets", c).isEqualTo(3 * starts);
                    }
                }

                JsonNode stopped = awaitOperation(secondWebhook, leaving.getId());
                CommsOperation op = DtmfEndToEndTest.parse(stopped.get("resourceData"), CommsOperation::createFromDiscriminatorValue);
                assertThat(op.getStatus()).isEqualTo(OperationStatus.Completed);
                assertThat(((SendDtmfTonesOperation) op).getCompletionReason()).isEqualTo(SendDtmfCompletionReason.MediaOperationCanceled);
                assertThat(op.getResultInfo().getCode()).isEqualTo(410);
                assertThat(op.getResultInfo().getSubcode()).isEqualTo(8501);

                JsonNode done = awaitOperation(firstWebhook, staying.getId());
                CommsOperation completed = DtmfEndToEndTest.parse(done.get("resourceData"), CommsOperation::createFromDiscriminatorValue);
                assertThat(((SendDtmfTonesOperation) completed).getCompletionReason()).isEqualTo(SendDtmfCompletionReason.CompletedSuccessfully);
            } finally {
                listener.interrupt();
                bots.communications().calls().byCallId(created.getId()).delete();
            }
        }
    }

    /**
     * Alice calls the bot, which sends her tones, then transfers her to Bob: once Bob answers (his join's 201) the bot's
     * call is over (0/7015) and its tones stop, while Alice's call with Bob goes on.
     */
    @Test
    void aCompletedTransferStopsTheTransferringBotsTones() throws Exception {
        try (RtpPeer ear = new RtpPeer("127.0.0.1")) {
            ClientApi.Joined leg = alice.dial(DevIdentities.DEV_BOT_APP_ID, offerWithDtmf(ear));
            assertThat(leg.sdpAnswer()).contains("telephone-event/8000");
            firstWebhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId()), WAIT);
            bots.communications().calls().byCallId(leg.callId()).answer().post(GraphSdk.answerServiceHosted(firstWebhook.url()));
            firstWebhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId())
                    && i.path("resourceData").path("state").asText().equals("established"), WAIT);
            ear.sendReceiverReport(MuteEndToEndTest.audioPort(leg.sdpAnswer()));
            List<Event> events = Collections.synchronizedList(new ArrayList<>());
            Thread listener = Thread.ofVirtual().start(() -> listen(ear, events));
            try {
                SendDtmfTonesOperation sending = bots.communications().calls().byCallId(leg.callId()).sendDtmfTones()
                        .post(tones(Collections.nCopies(30, Tone.Tone5), "transferring"));
                await().atMost(WAIT).until(() -> begun(events, 0).size() >= 2);

                TransferPostRequestBody transfer = new TransferPostRequestBody();
                transfer.setTransferTarget(GraphSdk.target(DevIdentities.BOB_ID));
                bots.communications().calls().byCallId(leg.callId()).transfer().post(transfer);
                bobRings.await(m -> m.path("type").asText().equals("ringing") && m.path("callId").asText().equals(leg.callId()), WAIT);
                ClientApi.Joined bobLeg = bob.join(leg.callId(), CrashRecoveryEndToEndTest.OFFER); // the transfer completes
                long departed = System.nanoTime();

                JsonNode stopped = awaitOperation(firstWebhook, sending.getId());
                CommsOperation op = DtmfEndToEndTest.parse(stopped.get("resourceData"), CommsOperation::createFromDiscriminatorValue);
                assertThat(((SendDtmfTonesOperation) op).getCompletionReason()).isEqualTo(SendDtmfCompletionReason.MediaOperationCanceled);
                assertThat(op.getResultInfo().getSubcode()).isEqualTo(8501);
                Thread.sleep(1000); // tones would go on for seconds more
                assertThat(begun(events, departed).size()).as("at most the tone already on its way begins after the"
                        + " transfer completed").isLessThanOrEqualTo(1);
                synchronized (events) {
                    long starts = events.stream().filter(Event::begins).count();
                    long ends = events.stream().filter(Event::end).count();
                    assertThat(ends).as("every begun tone ends with three end packets").isEqualTo(3 * starts);
                }
                bob.leave(bobLeg);
            } finally {
                listener.interrupt();
            }
        }
    }

    private static SendDtmfTonesPostRequestBody tones(List<Tone> tones, String clientContext) {
        SendDtmfTonesPostRequestBody body = new SendDtmfTonesPostRequestBody();
        body.setTones(tones);
        body.setDelayBetweenTonesMs(100);
        body.setClientContext(clientContext);
        return body;
    }

    /** The codes of the tones that began after {@code sinceNanos}, in order. */
    private static List<Integer> begun(List<Event> events, long sinceNanos) {
        synchronized (events) {
            return events.stream().filter(e -> e.begins() && e.receivedNanos() > sinceNanos).map(Event::code).toList();
        }
    }

    private static void listen(RtpPeer ear, List<Event> events) {
        while (!Thread.currentThread().isInterrupted()) {
            RtpPeer.Packet p;
            try {
                p = ear.receive(100);
            } catch (RuntimeException closed) {
                return;
            }
            if (p != null && p.payloadType() == TE && p.payload().length >= 4) {
                byte[] b = p.payload();
                events.add(new Event(b[0] & 0xFF, (b[1] & 0x80) != 0, ((b[2] & 0xFF) << 8) | (b[3] & 0xFF),
                        p.receivedNanos()));
            }
        }
    }

    private static String offerWithDtmf(RtpPeer ear) {
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=peer\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + ear.port() + " RTP/AVP 0 " + TE + "\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:" + TE
                + " telephone-event/8000\r\na=fmtp:" + TE + " 0-16\r\na=ptime:20\r\na=sendrecv\r\n";
    }

    private static JsonNode awaitOperation(CallbackReceiver webhook, String operationId) throws InterruptedException {
        return webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith("/operations/" + operationId)
                && i.path("changeType").asText().equals("deleted"), WAIT);
    }
}
