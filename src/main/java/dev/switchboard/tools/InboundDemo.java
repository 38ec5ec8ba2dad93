package dev.switchboard.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.notify.NotificationVerificationException;
import dev.switchboard.notify.NotificationVerifier;

import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code switchboard demo --inbound} (docs/inbound-calls.md): alice calls the Dev Bot, whose calling webhook is
 * {@code webhook}; the bot reads the signed incoming-call notification, answers with app-hosted media, and both
 * check what they hear (the bot plays 440 Hz, alice 660 Hz); alice hangs up and the bot is told.
 */
public final class InboundDemo {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final double BOT_HZ = 440;
    private static final double ALICE_HZ = 660;

    private final ServerHttp http;
    private final AudioCodec codec;
    private final CallbackReceiver webhook;
    private final PrintStream out;
    private final List<String> failures = new ArrayList<>();

    /** @param webhook the receiver the server rings as the Dev Bot's calling webhook */
    public InboundDemo(String baseUrl, AudioCodec codec, CallbackReceiver webhook, PrintStream out) {
        this.http = new ServerHttp(baseUrl);
        this.codec = codec;
        this.webhook = webhook;
        this.out = out;
    }

    /** Runs every step; returns the failed checks (empty when the demo behaved). */
    public List<String> run() throws IOException, InterruptedException {
        DevBot bot = new DevBot(http);
        String botToken = bot.token();
        ClientApi alice = bot.user(DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD);
        NotificationVerifier verifier = bot.notificationVerifier();
        try (Softphone botPhone = new Softphone("127.0.0.1", codec, new ToneSource(BOT_HZ, AudioCodec.MIX_RATE));
             Softphone alicePhone = new Softphone("127.0.0.1", codec, new ToneSource(ALICE_HZ, AudioCodec.MIX_RATE))) {
            out.printf("Switchboard inbound demo on %s (codec %s)%n%n", http.baseUrl(), codec.sdpName());
            out.printf("1. alice (%.0f Hz) calls the Dev Bot: POST /client/v1/apps/%s/calls%n", ALICE_HZ, DevIdentities.DEV_BOT_APP_ID);
            ClientApi.Joined leg = alice.dial(DevIdentities.DEV_BOT_APP_ID, alicePhone.sdpOffer());
            alicePhone.start(leg.sdpAnswer());
            out.printf("   201 Created, call %s, alice's leg %s: %s%n", leg.callId(), leg.participantId(),
                    alice.legStatus(leg).path("state").asText());

            out.println("\n2. The bot's calling webhook hears the incoming call");
            JsonNode incoming = webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId()), WAIT);
            verifySignatures(verifier);
            JsonNode call = incoming.path("resourceData");
            out.printf("   %s %s: state=%s direction=%s source=%s target=%s%n", incoming.path("changeType").asText(),
                    incoming.path("resourceUrl").asText(), call.path("state").asText(), call.path("direction").asText(),
                    call.at("/source/identity/user/displayName").asText(), call.at("/targets/0/identity/application/displayName").asText());
            check("incoming".equals(call.path("state").asText()), "the call is incoming");

            out.printf("%n3. The bot answers with app-hosted media (it plays %.0f Hz): POST /communications/calls/%s/answer%n",
                    BOT_HZ, leg.callId());
            String answer = ToolJson.JSON.createObjectNode().put("callbackUri", webhook.url())
                    .<com.fasterxml.jackson.databind.node.ObjectNode>set("acceptedModalities", ToolJson.JSON.createArrayNode().add("audio"))
                    .set("mediaConfig", ToolJson.JSON.createObjectNode().put("@odata.type", "#microsoft.graph.appHostedMediaConfig")
                            .put("blob", botPhone.sdpOffer())).toString();
            int status = http.send(http.request("/v1.0/communications/calls/" + leg.callId() + "/answer")
                    .header("Authorization", "Bearer " + botToken).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(answer)).build()).statusCode();
            out.printf("   %d Accepted%n", status);
            JsonNode got = ServerHttp.json(http.send(http.request("/v1.0/communications/calls/" + leg.callId())
                    .header("Authorization", "Bearer " + botToken).GET().build()).body());
            botPhone.start(got.at("/mediaConfig/blob").asText());
            webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId())
                    && "established".equals(i.at("/resourceData/state").asText()), WAIT);
            out.printf("   bot <- establishing, established; alice's leg: %s%n", alice.legStatus(leg).path("state").asText());
            int aliceMark = alicePhone.streamPositionNow();
            int botMark = botPhone.streamPositionNow();
            Thread.sleep(1500);
            expect(alicePhone, "alice", BOT_HZ, "the bot", aliceMark);
            expect(botPhone, "the bot", ALICE_HZ, "alice", botMark);

            out.println("\n4. alice hangs up (DELETE on her leg)");
            alice.leave(leg);
            JsonNode ended = webhook.awaitItem(i -> i.path("resourceUrl").asText().endsWith(leg.callId())
                    && "terminated".equals(i.at("/resourceData/state").asText()), WAIT);
            verifySignatures(verifier);
            out.printf("   the bot was told: terminated, resultInfo %s%n", ended.at("/resourceData/resultInfo"));
        }
        out.println(failures.isEmpty() ? "Inbound demo passed: every step behaved."
                : "Inbound demo FAILED: " + failures.size() + " check(s) did not hold.");
        return List.copyOf(failures);
    }

    private void verifySignatures(NotificationVerifier verifier) {
        for (CallbackReceiver.Received r : webhook.received()) {
            try {
                verifier.verify(r::header, r.body());
            } catch (NotificationVerificationException e) {
                check(false, "notification signature: " + e.getMessage());
                return;
            }
        }
        out.printf("   %d notification POSTs so far, every signature verified%n", webhook.received().size());
    }

    private void expect(Softphone phone, String listener, double hz, String talker, int fromSample) {
        double level = phone.recording().receivedLevelSinceDbfs(hz, Math.max(0, fromSample));
        boolean ok = ToneMeter.verdict(level) == ToneMeter.Verdict.PRESENT;
        out.printf(Locale.ROOT, "   %-4s %s hears %s (%.0f Hz): %.1f dBFS%n", ok ? "ok" : "FAIL", listener, talker, hz, level);
        if (!ok) {
            failures.add(listener + " should hear " + talker + " (" + level + " dBFS)");
        }
    }

    private void check(boolean ok, String what) {
        out.printf("   %-4s %s%n", ok ? "ok" : "FAIL", what);
        if (!ok) {
            failures.add(what);
        }
    }
}
