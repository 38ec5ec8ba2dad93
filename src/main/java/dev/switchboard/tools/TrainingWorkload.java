package dev.switchboard.tools;

import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.codec.AudioCodec;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The short, representative workload of {@code switchboard train}: the paths a server runs all day, run a few
 * thousand times so a JDK 25 AOT cache ({@code -XX:AOTCacheOutput}, JEP 483/515) records their classes and method
 * profiles. Against a server with the development identities: the Dev Bot creates group calls with app-hosted media
 * (signed webhooks to a loopback receiver), alice and bob join each through the client API with real RTP legs that
 * talk (PCMU rooms and one Opus room), and the bot mutes and unmutes itself and a participant through the Graph API
 * (token check, JSON, roster notification, 200); the legs talk for a few seconds more, then the bot hangs up.
 * Besides the rooms of 3, one big PCMU room and one big Opus room (the trainees {@link #trainee(int)} join them) talk
 * through the whole run and take their share of the mutes: a cache trained on rooms of 3 only carried their method
 * profiles (loops of 3 legs, small rosters), and the mixer compiled from them was slower in big rooms
 * (docs/benchmarks.md, "Issue 17, late ticks and the AOT cache"). Single-threaded caller; not thread-safe.
 */
public final class TrainingWorkload {
    /** The trainees' password (the server's directory must have {@link #trainee(int)} users with it). */
    public static final String TRAINEE_PASSWORD = "train";

    /** The user name of trainee {@code i} (0-based), e.g. {@code trainee7@switchboard.local}. */
    public static String trainee(int i) {
        return "trainee" + i + "@switchboard.local";
    }

    private final ServerHttp http;
    private final PrintStream out;

    /** @param baseUrl the server, started with the development identities; @param out progress lines */
    public TrainingWorkload(String baseUrl, PrintStream out) {
        this.http = new ServerHttp(baseUrl);
        this.out = out;
    }

    /**
     * Runs the workload.
     *
     * @param pcmuRooms PCMU rooms of 3 talking legs (the bot, alice, bob); one more room of 3 runs Opus
     * @param mutes     mute + unmute pairs through the Graph API, spread over the rooms
     * @param seconds   the legs talk at least this long, however fast the mutes went
     * @throws ToolException if the server refuses a step (the workload would train the wrong paths)
     */
    public void run(int pcmuRooms, int mutes, double seconds) throws IOException, InterruptedException {
        run(pcmuRooms, 0, 0, mutes, seconds);
    }

    /**
     * Runs the workload with big rooms too.
     *
     * @param bigPcmuRoom the legs of one more PCMU room (the bot and trainees; 0: none)
     * @param bigOpusRoom the legs of one more Opus room (the bot and trainees; 0: none)
     * @throws ToolException if the server refuses a step, e.g. a trainee it does not know
     */
    public void run(int pcmuRooms, int bigPcmuRoom, int bigOpusRoom, int mutes, double seconds) throws IOException, InterruptedException {
        DevBot bot = new DevBot(http);
        ClientApi alice = bot.user(DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD);
        ClientApi bob = bot.user(DevIdentities.BOB_USERNAME, DevIdentities.BOB_PASSWORD);
        List<Softphone> phones = new ArrayList<>();
        List<String[]> calls = new ArrayList<>(); // {callId, alice's participant id}
        long t0 = System.nanoTime();
        int webhooks = 0;
        try (CallbackReceiver callback = new CallbackReceiver()) {
            for (int r = 0; r <= pcmuRooms; r++) {
                AudioCodec codec = r < pcmuRooms ? AudioCodec.PCMU : AudioCodec.OPUS;
                String callId = bot.createGroupCall(callback.url(), phone(phones, codec, 440 + 10 * r)).get("id").asText();
                Softphone alicePhone = phone(phones, codec, 660);
                ClientApi.Joined aliceJoined = alice.join(callId, alicePhone.sdpOffer());
                alicePhone.start(aliceJoined.sdpAnswer());
                Softphone bobPhone = phone(phones, codec, 880);
                bobPhone.start(bob.join(callId, bobPhone.sdpOffer()).sdpAnswer());
                calls.add(new String[] {callId, aliceJoined.participantId()});
            }
            List<ClientApi> trainees = new ArrayList<>();
            for (int i = 0; i < Math.max(bigPcmuRoom, bigOpusRoom) - 1; i++) {
                trainees.add(bot.user(trainee(i), TRAINEE_PASSWORD));
            }
            int[] big = {bigPcmuRoom, bigOpusRoom};
            for (int b = 0; b < 2; b++) {
                if (big[b] < 2) {
                    continue;
                }
                AudioCodec codec = b == 0 ? AudioCodec.PCMU : AudioCodec.OPUS;
                String callId = bot.createGroupCall(callback.url(), phone(phones, codec, 330).withoutRecording())
                        .get("id").asText();
                String first = null;
                for (int i = 0; i < big[b] - 1; i++) {
                    Softphone p = phone(phones, codec, 200 + 7 * i).withoutRecording();
                    ClientApi.Joined joined = trainees.get(i).join(callId, p.sdpOffer());
                    p.start(joined.sdpAnswer());
                    first = first == null ? joined.participantId() : first;
                }
                calls.add(new String[] {callId, first});
            }
            out.printf("training: %d rooms of 3 talking legs (%d PCMU, 1 Opus), big rooms of %d PCMU and %d Opus legs%n",
                    pcmuRooms + 1, pcmuRooms, bigPcmuRoom, bigOpusRoom);
            for (int i = 0; i < mutes; i++) {
                String[] call = calls.get(i % calls.size());
                String path = "/v1.0/communications/calls/" + call[0];
                if (i % 4 == 3) {
                    path += "/participants/" + call[1]; // a participant's server mute, now and then
                    bot.graph("POST", path + "/mute", "");
                    bot.graph("POST", path + "/unmute", "");
                } else {
                    bot.graph("POST", path + "/mute", "{\"clientContext\":\"train\"}");
                    bot.graph("POST", path + "/unmute", "{\"clientContext\":\"train\"}");
                }
                if (i % 200 == 0) {
                    bot.graph("GET", "/v1.0/communications/calls/" + call[0] + "/participants", null);
                    webhooks += callback.forget();
                }
            }
            while (System.nanoTime() - t0 < seconds * 1e9) {
                Thread.sleep(100); // the media plane keeps mixing: its loops run as long as in a real call's first seconds
            }
            for (String[] call : calls) {
                bot.graph("DELETE", "/v1.0/communications/calls/" + call[0], null);
            }
            awaitTerminated(callback, calls);
            out.printf("training: %d mute/unmute pairs in %.1f s, %d webhooks received%n", mutes,
                    (System.nanoTime() - t0) / 1e9, webhooks + callback.forget());
        } finally {
            for (Softphone p : phones) {
                p.close();
            }
        }
    }

    /**
     * Waits (10 s at most) until the bot heard every call's end: closing the receiver first would leave the server's
     * last notifications undelivered, and its stop would wait out the delivery drain for them.
     */
    private static void awaitTerminated(CallbackReceiver callback, List<String[]> calls) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (String[] call : calls) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                callback.awaitItem(i -> i.path("changeType").asText().equals("deleted")
                        && i.path("resourceUrl").asText().endsWith("/calls/" + call[0]), Duration.ofNanos(left));
            } catch (IllegalStateException notHeard) {
                return; // the server's own stop delivers what is left
            }
        }
    }

    private static Softphone phone(List<Softphone> phones, AudioCodec codec, double hz) throws IOException {
        Softphone p = new Softphone("127.0.0.1", codec, new ToneSource(hz, AudioCodec.MIX_RATE));
        phones.add(p);
        return p;
    }

}
