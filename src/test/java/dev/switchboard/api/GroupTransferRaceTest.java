package dev.switchboard.api;

import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.MediaStats;
import dev.switchboard.media.RtpMediaEngine;
import dev.switchboard.server.InboundSettings;
import dev.switchboard.testsupport.FfmpegPeer;
import dev.switchboard.testsupport.FfmpegPeer.Codec;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.RosterWatcher;
import dev.switchboard.tools.ServerHttp;
import dev.switchboard.tools.ToolException;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Transfers out of a group call racing what people and bots do at the same moment (docs/concurrency.md: the move
 * takes one conference lock at a time): the target answers while the transferee leaves, while the bot hangs up the
 * group call, or while the target declines. Whatever wins, the calls end up consistent: the group call is never left
 * {@code transferring}, the transferee's leg is in at most one room, a target is never left alone in the new call with
 * nobody coming, and at the end no room, leg or port is left over. Real server, real HTTP and WebSockets; the order of
 * each race is random (seeded and printed, so a failure can be replayed).
 */
class GroupTransferRaceTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void racingTransfersLeaveConsistentCallsAndNothingBehind() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        try (CallbackReceiver webhook = new CallbackReceiver();
             TestServer server = TestServer.start(cfg -> cfg.withInbound(InboundSettings.DEFAULTS
                     .withAnswerWindow(Duration.ofSeconds(10)).withWebhook(DevIdentities.DEV_BOT_APP_ID, webhook.url())))) {
            String botToken = Tokens.devBotToken(server.baseUrl());
            GraphHttp http = new GraphHttp(server.baseUrl());
            ClientApi alice = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.aliceToken(server.baseUrl()));
            ClientApi carol = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.carolToken(server.baseUrl()));
            RtpMediaEngine media = (RtpMediaEngine) server.server().media();
            Set<String> rung = new HashSet<>();
            try (RosterWatcher carolRings = RosterWatcher.ringStream(HttpClient.newHttpClient(), carol, m -> { })) {
                carolRings.await(m -> m.path("type").asText().equals("listening"), WAIT);
                for (int round = 0; round < 24; round++) {
                    String context = "seed " + seed + ", round " + round;
                    HttpResponse<String> created = http.post("/v1.0/communications/calls", botToken, """
                            {"callbackUri":"%s","requestedModalities":["audio"],
                             "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},
                             "targets":[{"identity":{"user":{"id":"%s"}}},{"identity":{"user":{"id":"%s"}}}]}"""
                            .formatted(webhook.url(), DevIdentities.ALICE_ID, DevIdentities.BOB_ID));
                    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                    String g = GraphHttp.JSON.readTree(created.body()).get("id").asText();
                    ClientApi.Joined aliceLeg = alice.join(g, offer());
                    HttpResponse<String> transfer = http.post("/v1.0/communications/calls/" + g + "/transfer", botToken,
                            "{\"transferTarget\":{\"identity\":{\"user\":{\"id\":\"" + DevIdentities.CAROL_ID + "\"}}},"
                                    + "\"transferee\":{\"participantId\":\"" + aliceLeg.participantId() + "\"}}");
                    assertThat(transfer.statusCode()).as(transfer.body()).isEqualTo(202);
                    String x = carolRings.await(m -> m.path("type").asText().equals("ringing")
                            && !rung.contains(m.path("callId").asText()), WAIT).path("callId").asText();
                    rung.add(x);

                    int variant = round % 4;
                    String[] carolPid = new String[1];
                    Runnable target = () -> {
                        try {
                            if (variant == 3) {
                                carol.decline(x, "busy");
                            } else {
                                carolPid[0] = carol.join(x, offer()).participantId();
                            }
                        } catch (ToolException lost) { // the race went the other way: the new call is gone
                        }
                    };
                    Runnable other = switch (variant) {
                        case 1, 3 -> () -> quietly(() -> alice.leave(aliceLeg));                  // the transferee leaves
                        case 2 -> () -> quietly(() -> http.send("DELETE", "/v1.0/communications/calls/" + g, botToken, null));
                        default -> () -> { };
                    };
                    race(target, other, random);

                    await(context).atMost(WAIT).untilAsserted(() -> {
                        HttpResponse<String> call = http.get("/v1.0/communications/calls/" + g, botToken);
                        if (call.statusCode() == 200) {
                            assertThat(GraphHttp.JSON.readTree(call.body()).path("state").asText())
                                    .as("the group call is not left transferring").isEqualTo("established");
                        }
                        boolean inGroup = media.legStats(g, aliceLeg.participantId()).isPresent();
                        boolean inNew = media.legStats(x, aliceLeg.participantId()).isPresent();
                        assertThat(inGroup && inNew).as("alice's leg in one room at most").isFalse();
                        if (carolPid[0] != null && media.legStats(x, carolPid[0]).isPresent()) {
                            assertThat(inNew).as("carol is not left alone in the new call").isTrue();
                        }
                        if (variant == 0) {
                            assertThat(inNew).as("nothing raced: alice moved").isTrue();
                        }
                    });

                    quietly(() -> http.send("DELETE", "/v1.0/communications/calls/" + g, botToken, null));
                    quietly(() -> alice.leave(aliceLeg.movedTo(x)));
                    quietly(() -> alice.leave(aliceLeg));
                }
            }
            await("seed " + seed).atMost(WAIT).untilAsserted(() -> {
                MediaStats stats = media.stats();
                assertThat(stats.rooms()).as("rooms left").isZero();
                assertThat(stats.legs()).as("legs left").isZero();
                assertThat(stats.portsInUse()).as("ports left").isZero();
            });
        }
    }

    private static String offer() {
        return FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(), Codec.PCMU, "sendrecv");
    }

    /** Runs both at once, each after a random 0–15 ms, and waits for both. */
    private static void race(Runnable a, Runnable b, Random random) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(2);
        CountDownLatch go = new CountDownLatch(1);
        for (Runnable r : new Runnable[]{a, b}) {
            int delay = random.nextInt(16);
            Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    Thread.sleep(delay);
                    r.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
        }
        go.countDown();
        assertThat(done.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }

    private interface Action {
        void run() throws Exception;
    }

    private static void quietly(Action action) {
        try {
            action.run();
        } catch (Exception ignored) { // cleaning up what may already be gone
        }
    }
}
