package dev.switchboard.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.notify.NotificationVerificationException;
import dev.switchboard.notify.NotificationVerifier;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one-command demo: a Graph bot (the Dev Bot, app-hosted media playing 440 Hz) creates a group call, alice
 * (660 Hz) and bob (880 Hz) join through the client API, then the bot mutes itself, mutes alice, alice tries to
 * unmute herself, and the bot unmutes itself. At each step it prints the roster notifications the bot received
 * (signature checked) and the tone levels each listener measured, and checks them against what must hold.
 */
public final class Demo {
    static final double BOT_HZ = 440;
    static final double ALICE_HZ = 660;
    static final double BOB_HZ = 880;
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int SETTLE_MILLIS = 600;
    private static final int MARGIN_MILLIS = 200;

    private final ServerHttp http;
    private final AudioCodec codec;
    private final PrintStream out;
    private final List<String> failures = new ArrayList<>();
    /** How many callback POSTs earlier steps already looked at: each step waits for a newer notification. */
    private int consumedPosts;
    /** With {@code demo --hold}: called with the join link before everyone leaves; returns when the person is done. */
    private java.util.function.Consumer<String> hold;

    public Demo(String baseUrl, AudioCodec codec, PrintStream out) {
        this.http = new ServerHttp(baseUrl);
        this.codec = codec;
        this.out = out;
    }

    /**
     * Keeps the call up after the last mute step until {@code waitWithLink} returns, so a person can join it in a
     * browser through the join link it is given.
     */
    public Demo holdAfterwards(java.util.function.Consumer<String> waitWithLink) {
        this.hold = waitWithLink;
        return this;
    }

    /** The join page of a call on this server (what a person opens in a browser). */
    public String joinLink(String callId) {
        return http.baseUrl() + "/join/" + callId;
    }

    /** Runs every step; returns the failed checks (empty when the demo behaved). */
    public List<String> run() throws IOException, InterruptedException {
        DevBot bot = new DevBot(http);
        ClientApi alice = bot.user(DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD);
        ClientApi bob = bot.user(DevIdentities.BOB_USERNAME, DevIdentities.BOB_PASSWORD);
        NotificationVerifier verifier = bot.notificationVerifier();

        try (CallbackReceiver callback = new CallbackReceiver();
             Softphone botPhone = new Softphone("127.0.0.1", codec, new ToneSource(BOT_HZ, AudioCodec.MIX_RATE));
             Softphone alicePhone = new Softphone("127.0.0.1", codec, new ToneSource(ALICE_HZ, AudioCodec.MIX_RATE));
             Softphone bobPhone = new Softphone("127.0.0.1", codec, new ToneSource(BOB_HZ, AudioCodec.MIX_RATE))) {
            out.printf("Switchboard demo on %s (codec %s)%n", http.baseUrl(), codec.sdpName());

            step("1. The Dev Bot creates a group call with app-hosted media (it plays %.0f Hz)", BOT_HZ);
            JsonNode call = bot.createGroupCall(callback.url(), botPhone);
            String callId = call.get("id").asText();
            String botParticipant = call.get("myParticipantId").asText();
            out.printf("   call %s, state %s, bot participant %s%n", callId, call.get("state").asText(), botParticipant);
            if (hold != null) {
                out.printf("   a person can join in a browser while the demo runs: %s (sign in as %s, password %s)%n",
                        joinLink(callId), DevIdentities.CAROL_USERNAME, DevIdentities.CAROL_PASSWORD);
            }

            step("2. alice (%.0f Hz) and bob (%.0f Hz) join through the client API with SDP offers", ALICE_HZ, BOB_HZ);
            ClientApi.Joined aliceJoined = alice.join(callId, alicePhone.sdpOffer());
            alicePhone.start(aliceJoined.sdpAnswer());
            ClientApi.Joined bobJoined = bob.join(callId, bobPhone.sdpOffer());
            bobPhone.start(bobJoined.sdpAnswer());
            awaitRoster(callback, verifier, callId, roster -> roster.size() == 3, "the bot, alice and bob in the roster");
            Thread.sleep(SETTLE_MILLIS);
            int mark = bobPhone.recording().length();
            Thread.sleep(SETTLE_MILLIS);
            expect(bobPhone, "bob", BOT_HZ, "the bot", true, mark);
            expect(bobPhone, "bob", ALICE_HZ, "alice", true, mark);
            expect(alicePhone, "alice", BOT_HZ, "the bot", true, alicePhone.recording().length() - ms(SETTLE_MILLIS - MARGIN_MILLIS));

            step("3. The bot mutes itself: POST /communications/calls/%s/mute", callId);
            JsonNode op = bot.graph("POST", "/v1.0/communications/calls/" + callId + "/mute",
                    "{\"clientContext\":\"demo-mute-bot\"}");
            mark = markAfter(bobPhone);
            int aliceMark = markAfter(alicePhone);
            out.printf("   200 OK: %s status=%s clientContext=%s%n", op.get("@odata.type").asText(), op.get("status").asText(),
                    op.path("clientContext").asText());
            awaitRoster(callback, verifier, callId, roster -> serverMuted(roster, botParticipant), "the bot server-muted");
            Thread.sleep(SETTLE_MILLIS);
            expect(bobPhone, "bob", BOT_HZ, "the bot", false, mark);
            expect(alicePhone, "alice", BOT_HZ, "the bot", false, aliceMark);
            expect(bobPhone, "bob", ALICE_HZ, "alice", true, mark);
            expect(botPhone, "the muted bot", ALICE_HZ, "alice", true, markAfter(botPhone) - ms(SETTLE_MILLIS));

            step("4. The bot mutes alice: POST …/participants/%s/mute", aliceJoined.participantId());
            bot.graph("POST", "/v1.0/communications/calls/" + callId + "/participants/" + aliceJoined.participantId()
                    + "/mute", "");
            mark = markAfter(bobPhone);
            awaitRoster(callback, verifier, callId, roster -> serverMuted(roster, aliceJoined.participantId()), "alice server-muted");
            Thread.sleep(SETTLE_MILLIS);
            expect(bobPhone, "bob", ALICE_HZ, "alice", false, mark);
            expect(alicePhone, "the muted alice", BOB_HZ, "bob", true, markAfter(alicePhone) - ms(SETTLE_MILLIS));

            step("5. alice unmutes herself (client API): a server mute is not hers to lift");
            JsonNode aliceView = alice.setMuted(aliceJoined, false);
            mark = markAfter(bobPhone);
            out.printf("   alice: isMuted=%s serverMuted=%s%n", aliceView.get("isMuted").asBoolean(),
                    aliceView.at("/mediaStreams/0/serverMuted").asBoolean());
            check(aliceView.get("isMuted").asBoolean(), "alice stays muted after her own unmute");
            Thread.sleep(SETTLE_MILLIS);
            expect(bobPhone, "bob", ALICE_HZ, "alice", false, mark);

            step("6. The bot unmutes itself: POST /communications/calls/%s/unmute", callId);
            bot.graph("POST", "/v1.0/communications/calls/" + callId + "/unmute", "{}");
            awaitRoster(callback, verifier, callId, roster -> !serverMuted(roster, botParticipant), "the bot unmuted");
            mark = markAfter(bobPhone);
            Thread.sleep(SETTLE_MILLIS);
            expect(bobPhone, "bob", BOT_HZ, "the bot", true, mark + ms(MARGIN_MILLIS));

            if (hold != null) {
                step("Holding the call for a person to join: %s", joinLink(callId));
                out.printf("   sign in as %s (password %s); the bot plays %.0f Hz, bob %.0f Hz, alice stays muted by the server%n",
                        DevIdentities.CAROL_USERNAME, DevIdentities.CAROL_PASSWORD, BOT_HZ, BOB_HZ);
                out.flush();
                hold.accept(joinLink(callId));
            }

            step("7. Everyone leaves; the bot hangs up");
            alice.leave(aliceJoined);
            bob.leave(bobJoined);
            bot.graph("DELETE", "/v1.0/communications/calls/" + callId, null);
            JsonNode ended = callback.awaitItem(item -> "deleted".equals(item.path("changeType").asText())
                    && item.at("/resourceData/state").asText().equals("terminated"), WAIT);
            out.printf("   the bot was told: terminated, resultInfo %s%n", ended.at("/resourceData/resultInfo"));
            out.printf("   notifications received by the bot: %d POSTs, every signature verified%n", callback.received().size());
        }
        out.println(failures.isEmpty() ? "Demo passed: every step behaved." : "Demo FAILED: " + failures.size() + " check(s) did not hold.");
        return List.copyOf(failures);
    }

    /** Waits for a verified roster notification whose participants satisfy the condition, and prints it. */
    private void awaitRoster(CallbackReceiver callback, NotificationVerifier verifier, String callId,
                             java.util.function.Predicate<JsonNode> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            List<CallbackReceiver.Received> received = callback.received();
            for (; consumedPosts < received.size(); consumedPosts++) {
                CallbackReceiver.Received r = received.get(consumedPosts);
                try {
                    verifier.verify(r::header, r.body());
                } catch (NotificationVerificationException e) {
                    check(false, "notification signature: " + e.getMessage());
                    continue;
                }
                for (JsonNode item : r.json().path("value")) {
                    if (item.path("resourceUrl").asText().equals("/communications/calls/" + callId + "/participants")
                            && condition.test(item.get("resourceData"))) {
                        out.printf("   bot <- roster notification (POST #%s, signature ok): %s%n",
                                r.header("X-Switchboard-Sequence"), describe(item.get("resourceData")));
                        consumedPosts++;
                        return;
                    }
                }
            }
            Thread.sleep(10);
        }
        check(false, "no roster notification showing " + what + " within " + WAIT.toSeconds() + " s");
    }

    private static String describe(JsonNode roster) {
        List<String> parts = new ArrayList<>();
        for (JsonNode p : roster) {
            JsonNode identity = p.at("/info/identity");
            String name = identity.has("application") && !identity.get("application").isNull()
                    ? identity.at("/application/displayName").asText("bot") : identity.at("/user/displayName").asText("user");
            boolean serverMuted = p.at("/mediaStreams/0/serverMuted").asBoolean();
            parts.add(name + (p.path("isMuted").asBoolean() ? (serverMuted ? " muted(server)" : " muted(self)") : " unmuted"));
        }
        return String.join(", ", parts);
    }

    private static boolean serverMuted(JsonNode roster, String participantId) {
        for (JsonNode p : roster) {
            if (p.path("id").asText().equals(participantId)) {
                return p.at("/mediaStreams/0/serverMuted").asBoolean();
            }
        }
        return false;
    }

    private void expect(Softphone phone, String listener, double hz, String talker, boolean present, int fromSample) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (phone.recording().length() < fromSample + ms(SETTLE_MILLIS / 2) && System.nanoTime() < deadline) {
            sleepQuietly(10); // a lagging receiver: measure real audio after the mark, not an empty window
        }
        double level = phone.recording().receivedLevelSinceDbfs(hz, Math.max(0, fromSample));
        ToneMeter.Verdict verdict = ToneMeter.verdict(level);
        boolean ok = present ? verdict == ToneMeter.Verdict.PRESENT : verdict == ToneMeter.Verdict.ABSENT;
        out.printf(Locale.ROOT, "   %-4s %s %s %s (%.0f Hz): %.1f dBFS%n", ok ? "ok" : "FAIL", listener,
                present ? "hears" : "does not hear", talker, hz, level);
        if (!ok) {
            failures.add(listener + (present ? " should hear " : " should not hear ") + talker + " (" + level + " dBFS)");
        }
    }

    private void check(boolean ok, String what) {
        out.printf("   %-4s %s%n", ok ? "ok" : "FAIL", what);
        if (!ok) {
            failures.add(what);
        }
    }

    private void step(String format, Object... args) {
        out.println();
        out.printf(Locale.ROOT, format + "%n", args);
    }

    /**
     * The recording position now plus a small margin: audio the server mixed before an action's 200 OK may still
     * be on its way (one 20 ms tick plus loopback), and must not count against the action.
     */
    /** A position just after what the server has sent so far: audio still on its way to the phone lands before it. */
    private static int markAfter(Softphone phone) {
        return phone.streamPositionNow() + ms(MARGIN_MILLIS);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int ms(int millis) {
        return AudioCodec.MIX_RATE / 1000 * millis;
    }
}
