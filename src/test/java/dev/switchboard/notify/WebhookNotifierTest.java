package dev.switchboard.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import okhttp3.mockwebserver.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.switchboard.notify.BotReceiver.status;
import static dev.switchboard.notify.Notifications.APP;
import static dev.switchboard.notify.Notifications.TENANT;
import static dev.switchboard.notify.Notifications.callState;
import static dev.switchboard.notify.Notifications.fast;
import static dev.switchboard.notify.Notifications.giveUps;
import static dev.switchboard.notify.Notifications.operation;
import static dev.switchboard.notify.Notifications.retries;
import static dev.switchboard.notify.Notifications.roster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class WebhookNotifierTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final RsaCallbackSigner signer = new RsaCallbackSigner();
    private BotReceiver bot;
    private URI callback;
    private WebhookNotifier notifier;

    @BeforeEach
    void start() throws Exception {
        bot = new BotReceiver();
        callback = bot.uri("/api/calls");
    }

    @AfterEach
    void stop() throws Exception {
        if (notifier != null) {
            notifier.close();
        }
        bot.close();
    }

    /**
     * The drain timeout of a test whose bot still answers 503 when it ends: the close in {@link #stop()} gives up
     * what is left after this rather than after fast()'s 5 s (closing under an outage has tests of its own).
     */
    private static final Duration NEVER_RECOVERS_DRAIN = Duration.ofMillis(200);

    private WebhookNotifier notifier(NotifierSettings settings) {
        notifier = new WebhookNotifier(settings, signer, meters);
        return notifier;
    }

    private static List<Integer> markers(List<BotReceiver.Received> received) {
        return received.stream().flatMap(r -> r.markers().stream()).toList();
    }

    private static List<Long> sequences(List<BotReceiver.Received> received) {
        return received.stream().map(BotReceiver.Received::sequence).toList();
    }

    private static List<Long> oneTo(int n) {
        List<Long> out = new ArrayList<>();
        for (long i = 1; i <= n; i++) {
            out.add(i);
        }
        return out;
    }

    @Test
    void postIsASignedCommsNotificationsEnvelopeTheBotCanVerify() throws Exception {
        bot.serveJwks(signer.publicJwks().toString());
        notifier(fast().withMaxBatchSize(1)).enqueue(roster("call-1", callback, 7));
        notifier.enqueue(operation("call-1", callback, 8));

        await().atMost(Duration.ofSeconds(10)).until(() -> bot.accepted().size() == 2);
        NotificationVerifier verifier = NotificationVerifier.forJwksUrl(
                bot.uri("/" + TENANT + "/discovery/v2.0/keys").toURL(), APP, NotificationVerifier.DEFAULT_ISSUERS,
                signer.notificationKeysFor(APP));
        BotReceiver.Received first = bot.accepted().get(0);
        assertThat(verifier.verify(first::header, first.body())).isEqualTo(TENANT);
        assertThat(first.path()).isEqualTo("/api/calls");
        assertThat(first.contentType()).startsWith("application/json");
        assertThat(UUID(first.notificationId())).isTrue();
        assertThat(first.sequence()).isEqualTo(1);
        JsonNode envelope = first.json();
        assertThat(envelope.path("@odata.type").asText()).isEqualTo("#microsoft.graph.commsNotifications");
        assertThat(envelope.path("value").size()).isEqualTo(1);
        JsonNode item = first.item();
        assertThat(item.path("@odata.type").asText()).isEqualTo("#microsoft.graph.commsNotification");
        assertThat(item.path("changeType").asText()).isEqualTo("updated");
        assertThat(item.path("resourceUrl").asText()).isEqualTo("/communications/calls/call-1/participants");
        assertThat(item.path("resourceData").isArray()).isTrue();
        assertThat(item.path("resourceData").path(0).path("rosterSequenceNumber").asInt()).isEqualTo(7);

        BotReceiver.Received second = bot.accepted().get(1);
        assertThat(verifier.verify(second::header, second.body())).isEqualTo(TENANT);
        assertThat(second.sequence()).isEqualTo(2);
        assertThat(second.notificationId()).isNotEqualTo(first.notificationId());
        assertThat(second.item().path("@odata.type").asText()).isEqualTo("#microsoft.graph.commsNotification");
        assertThat(second.item().path("resourceData").isObject()).isTrue();

        byte[] tampered = first.body().clone();
        tampered[tampered.length - 3] ^= 1;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> verifier.verify(first::header, tampered))
                .isInstanceOf(NotificationVerificationException.class).hasMessageContaining("signature");
        assertThat(second.authorization()).as("one token reused for the bot's POSTs").isEqualTo(first.authorization());
        assertThat(signer.issued).hasValue(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> Notifications.count(meters, "switchboard.notify.deliveries") == 2);
        assertThat(meters.find("switchboard.notify.delivery.latency").timer().count()).isEqualTo(2);
    }

    @Test
    void whenSettledRunsOnceTheCallsNotificationsAreDeliveredAfterRetriesAndAtOnceWhenNothingIsPending() throws Exception {
        AtomicInteger answered = new AtomicInteger();
        bot.answer(r -> answered.incrementAndGet() <= 2 ? status(503) : status(200));
        notifier(fast().withMaxBatchSize(1)).enqueue(callState("call-s", callback, 1, "terminated"));
        AtomicInteger settled = new AtomicInteger();
        notifier.whenSettled("call-s", settled::incrementAndGet);
        assertThat(settled).as("not while the bot still answers 503").hasValue(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> settled.get() == 1);
        assertThat(bot.accepted()).hasSize(1);
        assertThat(answered.get()).isEqualTo(3);

        AtomicInteger idle = new AtomicInteger();
        notifier.whenSettled("call-s", idle::incrementAndGet);
        notifier.whenSettled("never-queued", idle::incrementAndGet);
        assertThat(idle).as("nothing pending: at once").hasValue(2);
        Thread.sleep(200);
        assertThat(settled).as("once").hasValue(1);
    }

    private static boolean UUID(String s) {
        return s != null && s.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    }

    @Test
    void fiftyConcurrentChangesOnOneCallArriveInOrderWhileOtherCallsRunInParallel() throws Exception {
        notifier(fast());
        bot.answer(r -> status(200).setBodyDelay(r.sequence() % 5, TimeUnit.MILLISECONDS));
        int changes = 50;
        String[] callIds = {"call-a", "call-b", "call-c"};
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger[] rosterSeq = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
        try {
            for (int c = 0; c < callIds.length; c++) {
                int call = c;
                for (int i = 0; i < changes; i++) {
                    pool.execute(() -> {
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        // like the call engine: the roster sequence number and the enqueue happen under the call's lock
                        synchronized (rosterSeq[call]) {
                            notifier.enqueue(roster(callIds[call], callback, rosterSeq[call].incrementAndGet()));
                        }
                    });
                }
            }
            go.countDown();
            await().atMost(Duration.ofSeconds(20)).until(() -> bot.acceptedMarkers().size() == changes * callIds.length);
        } finally {
            pool.shutdownNow();
        }
        for (String callId : callIds) {
            List<BotReceiver.Received> ofCall = bot.accepted().stream()
                    .filter(r -> r.item().path("resourceUrl").asText().contains(callId)).toList();
            List<Integer> expected = new ArrayList<>();
            for (int i = 1; i <= changes; i++) {
                expected.add(i);
            }
            assertThat(markers(ofCall)).as("roster order of %s", callId).isEqualTo(expected);
            assertThat(sequences(ofCall)).isEqualTo(oneTo(ofCall.size()));
        }
        assertThat(bot.all()).hasSameSizeAs(bot.accepted());
    }

    @Test
    void anOutageOf503ThenRecoveryDeliversEverythingInOrderAndEachOnceAccepted() throws Exception {
        // the issue's outage was 30 s; against fast()'s 200 ms retry cap, 5 s is already ~25 capped retries of the same
        // POST behind which the other 20 changes pile up, the same behaviour in a sixth of the time (-D for a longer one)
        long outageMs = Long.getLong("switchboard.test.outageMs", 5_000);
        notifier(fast());
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(outageMs);
        bot.answer(r -> System.nanoTime() < until ? status(503) : status(200));
        List<Integer> sent = new ArrayList<>();
        int marker = 0;
        notifier.enqueue(callState("call-1", callback, ++marker, "establishing"));
        sent.add(marker);
        long spacing = Math.max(1, outageMs / 20);
        for (int i = 0; i < 20; i++) {
            Thread.sleep(spacing); // spreads the changes over the outage, as a live call would
            notifier.enqueue(i % 2 == 0 ? operation("call-1", callback, ++marker) : callState("call-1", callback, ++marker, "established"));
            sent.add(marker);
        }
        await().atMost(Duration.ofMillis(outageMs + 15_000)).until(() -> bot.acceptedMarkers().size() == sent.size());

        List<BotReceiver.Received> accepted = bot.accepted();
        assertThat(markers(accepted)).isEqualTo(sent);
        assertThat(sequences(accepted)).isEqualTo(oneTo(accepted.size()));
        Set<String> ids = new HashSet<>();
        for (BotReceiver.Received r : accepted) {
            assertThat(ids.add(r.notificationId())).as("accepted once").isTrue();
        }
        // every retry of one POST carried the same id, sequence and body
        for (BotReceiver.Received r : bot.all()) {
            BotReceiver.Received ok = accepted.stream().filter(a -> a.notificationId().equals(r.notificationId())).findFirst().orElseThrow();
            assertThat(r.sequence()).isEqualTo(ok.sequence());
            assertThat(r.body()).isEqualTo(ok.body());
        }
        assertThat(retries(meters, "status_5xx")).isGreaterThan(0);
        await().atMost(Duration.ofSeconds(5)).until(() -> Notifications.count(meters, "switchboard.notify.deliveries") == sent.size());
    }

    @Test
    void retryAfterOn429IsHonouredOverTheShortBackoff() throws Exception {
        notifier(fast());
        AtomicInteger n = new AtomicInteger();
        bot.answer(r -> n.incrementAndGet() == 1 ? status(429).setHeader("Retry-After", "1") : status(200));
        notifier.enqueue(roster("call-1", callback, 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.accepted().size() == 1);
        List<BotReceiver.Received> all = bot.all();
        assertThat(all).hasSize(2);
        long gapMs = TimeUnit.NANOSECONDS.toMillis(all.get(1).receivedNanos() - all.get(0).receivedNanos());
        assertThat(gapMs).as("waited for Retry-After, not the 50 ms backoff").isGreaterThanOrEqualTo(950);
        assertThat(all.get(1).notificationId()).isEqualTo(all.get(0).notificationId());
        assertThat(retries(meters, "status_429")).isEqualTo(1);
    }

    @Test
    void retryAfterOn503AsAnHttpDateIsHonouredAnd408IsRetried() throws Exception {
        notifier(fast());
        AtomicInteger n = new AtomicInteger();
        bot.answer(r -> switch (n.incrementAndGet()) {
            case 1 -> status(408);
            case 2 -> status(503).setHeader("Retry-After", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                    .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(2))); // >= 1 s after truncation
            default -> status(200);
        });
        notifier.enqueue(roster("call-1", callback, 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.accepted().size() == 1);
        List<BotReceiver.Received> all = bot.all();
        assertThat(all).hasSize(3);
        long gapMs = TimeUnit.NANOSECONDS.toMillis(all.get(2).receivedNanos() - all.get(1).receivedNanos());
        assertThat(gapMs).as("HTTP-date has second precision").isGreaterThanOrEqualTo(900);
        assertThat(retries(meters, "status_408")).isEqualTo(1);
        assertThat(retries(meters, "status_5xx")).isEqualTo(1);
    }

    @Test
    void redirectsAreFollowedAndStickForTheCall() throws Exception {
        try (BotReceiver region = new BotReceiver()) {
            URI moved = region.uri("/api/calls/westeurope");
            bot.answer(r -> r.item().path("resourceUrl").asText().contains("call-1")
                    ? status(302).setHeader("Location", moved.toString()) : status(200));
            notifier(fast()).enqueue(callState("call-1", callback, 1, "established"));
            await().atMost(Duration.ofSeconds(10)).until(() -> region.accepted().size() == 1);
            notifier.enqueue(roster("call-1", callback, 2));
            notifier.enqueue(roster("call-2", callback, 3)); // another call is not redirected by call-1's answer
            await().atMost(Duration.ofSeconds(10)).until(() -> region.acceptedMarkers().size() == 2 && bot.all().size() == 2);

            assertThat(markers(region.accepted())).containsExactly(1, 2);
            assertThat(region.accepted().get(0).path()).isEqualTo("/api/calls/westeurope");
            assertThat(markers(bot.all())).containsExactly(1, 3);
            assertThat(bot.accepted()).extracting(BotReceiver.Received::marker).containsExactly(3);
            assertThat(Notifications.count(meters, "switchboard.notify.redirects")).isEqualTo(1);
        }
    }

    @Test
    void a307RelativeRedirectKeepsThePost() throws Exception {
        AtomicInteger n = new AtomicInteger();
        bot.answer(r -> r.path().equals("/api/calls") && n.incrementAndGet() == 1
                ? status(307).setHeader("Location", "/api/v2/calls") : status(200));
        notifier(fast()).enqueue(roster("call-1", callback, 1));
        notifier.enqueue(roster("call-1", callback, 2));
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.acceptedMarkers().size() == 2);
        assertThat(bot.acceptedMarkers()).containsExactly(1, 2);
        assertThat(bot.accepted()).extracting(BotReceiver.Received::path).containsOnly("/api/v2/calls");
        assertThat(bot.all().stream().filter(r -> r.path().equals("/api/calls"))).hasSize(1);
        assertThat(bot.accepted().get(0).body()).isEqualTo(bot.all().get(0).body());
    }

    @Test
    void aNotFoundIsGivenUpCountedAndTheCallsNextNotificationStillGoes() throws Exception {
        AtomicInteger n = new AtomicInteger();
        bot.answer(r -> n.incrementAndGet() == 1 ? status(404) : status(200));
        notifier(fast()).enqueue(roster("call-1", callback, 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> giveUps(meters, "rejected_4xx") == 1);
        notifier.enqueue(roster("call-1", callback, 2));
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.accepted().size() == 1);
        assertThat(bot.all()).hasSize(2);
        assertThat(markers(bot.accepted())).containsExactly(2);
        assertThat(giveUps(meters, "rejected_4xx")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> notifier.queueDepth() == 0); // the bot answered before the notifier saw it
    }

    @Test
    void aTimedOutAttemptIsRetriedWithTheSameId() throws Exception {
        AtomicInteger n = new AtomicInteger();
        bot.answer(r -> n.incrementAndGet() == 1 ? status(200).setHeadersDelay(2, TimeUnit.SECONDS) : status(200));
        notifier(fast().withRequestTimeout(Duration.ofMillis(300))).enqueue(roster("call-1", callback, 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.all().size() == 2 && retries(meters, "timeout") == 1);
        assertThat(bot.all().get(1).notificationId()).isEqualTo(bot.all().get(0).notificationId());
        await().atMost(Duration.ofSeconds(5)).until(() -> Notifications.count(meters, "switchboard.notify.deliveries") == 1);
    }

    @Test
    void aNotificationIsGivenUpWhenItsTtlEnds() throws Exception {
        bot.answer(r -> status(503));
        notifier(fast().withTtl(Duration.ofMillis(800))).enqueue(callState("call-1", callback, 1, "established"));
        await().atMost(Duration.ofSeconds(10)).until(() -> giveUps(meters, "ttl_expired") == 1);
        int attempts = bot.all().size();
        assertThat(attempts).isGreaterThan(2);
        assertThat(notifier.queueDepth()).isZero();
        Thread.sleep(300);
        assertThat(bot.all()).hasSize(attempts); // nothing more after the give-up
    }

    @Test
    void rostersCoalesceIntoTheNewestWhileTheBotIsDownButNeverAcrossOtherKinds() throws Exception {
        AtomicInteger mode = new AtomicInteger(503);
        bot.answer(r -> status(mode.get()));
        notifier(fast()).enqueue(callState("call-1", callback, 1, "established"));
        await().atMost(Duration.ofSeconds(5)).until(() -> retries(meters, "status_5xx") >= 1);
        for (int i = 2; i <= 10; i++) {
            notifier.enqueue(roster("call-1", callback, i));
        }
        notifier.enqueue(operation("call-1", callback, 11));
        for (int i = 12; i <= 20; i++) {
            notifier.enqueue(roster("call-1", callback, i));
        }
        mode.set(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.acceptedMarkers().size() == 4);
        assertThat(bot.acceptedMarkers()).containsExactly(1, 10, 11, 20);
        assertThat(sequences(bot.accepted())).containsExactly(1L, 2L); // what queued up behind the outage went in one POST
        assertThat(Notifications.count(meters, "switchboard.notify.coalesced")).isEqualTo(16);
        assertThat(giveUps(meters, "call_queue_full") + giveUps(meters, "ttl_expired")).isZero();
    }

    /** {@code n} as the graph renderer hands over a whole roster: rendered only when its POST is frozen. */
    private static OutboundNotification renderedLater(OutboundNotification n, List<Integer> renders, int marker) {
        byte[] json = n.commsNotification();
        return new OutboundNotification(n.callId(), n.tenantId(), n.botAppId(), n.callbackUri(), n.kind(), n.resourceUrl(),
                n.last(), NotificationItem.later(() -> {
                    synchronized (renders) {
                        renders.add(marker);
                    }
                    return json;
                }, 100));
    }

    @Test
    void aRosterRenderedLateIsRenderedOnceWhenItsPostIsFrozenAndOneCoalescedAwayNever() throws Exception {
        AtomicInteger mode = new AtomicInteger(503);
        bot.answer(r -> status(mode.get()));
        List<Integer> renders = new ArrayList<>();
        notifier(fast()).enqueue(callState("call-1", callback, 1, "established"));
        await().atMost(Duration.ofSeconds(5)).until(() -> retries(meters, "status_5xx") >= 1);
        List<OutboundNotification> rosters = new ArrayList<>();
        for (int i = 2; i <= 6; i++) {
            OutboundNotification r = renderedLater(roster("call-1", callback, i), renders, i);
            rosters.add(r);
            notifier.enqueue(r);
        }
        notifier.enqueue(operation("call-1", callback, 7));
        OutboundNotification after = renderedLater(roster("call-1", callback, 8), renders, 8);
        notifier.enqueue(after);
        assertThat(rosters).extracting(r -> r.item().isRendered()).containsOnly(false); // not on the enqueuing thread
        mode.set(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.acceptedMarkers().size() == 4);
        assertThat(bot.acceptedMarkers()).containsExactly(1, 6, 7, 8);
        synchronized (renders) {
            assertThat(renders).as("rosters coalesced away (2-5) are never rendered; each other one once")
                    .containsExactly(6, 8);
        }
        assertThat(rosters.subList(0, 4)).extracting(r -> r.item().isRendered()).containsOnly(false);
        assertThat(bot.accepted().getLast().json().at("/value/0/resourceData/0/rosterSequenceNumber").asInt()).isEqualTo(6);
    }

    @Test
    void anItemThatCannotBeRenderedIsGivenUpAndTheCallsNextNotificationStillGoes() throws Exception {
        bot.answer(r -> status(200));
        notifier(fast()).enqueue(broken("call-1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> giveUps(meters, "render_failed") == 1); // alone in its POST
        notifier.enqueue(operation("call-1", callback, 2));
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.acceptedMarkers().size() == 1);
        assertThat(bot.acceptedMarkers()).containsExactly(2);
        assertThat(sequences(bot.accepted())).containsExactly(2L); // the given-up POST keeps its number: a gap
    }

    @Test
    void anItemThatCannotBeRenderedLeavesAPostOfSeveralAndTheOthersGo() throws Exception {
        CountDownLatch release = holdTheFirstPostUntilReleased(200);
        notifier(fast()).enqueue(callState("call-1", callback, 1, "established"));
        await().atMost(Duration.ofSeconds(5)).until(() -> bot.all().size() == 1); // 1 is in flight: the rest batch
        notifier.enqueue(operation("call-1", callback, 2));
        notifier.enqueue(broken("call-1"));
        notifier.enqueue(operation("call-1", callback, 3));
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.acceptedMarkers().size() == 3);
        assertThat(bot.acceptedMarkers()).containsExactly(1, 2, 3);
        assertThat(giveUps(meters, "render_failed")).isEqualTo(1);
        assertThat(sequences(bot.accepted())).containsExactly(1L, 2L); // 2 and 3 in one POST, no gap
        await().atMost(Duration.ofSeconds(5)).until(() -> meters.get("switchboard.notify.queue.depth").gauge().value() == 0);
    }

    private OutboundNotification broken(String callId) {
        return new OutboundNotification(callId, TENANT, APP, callback, NotificationKind.ROSTER,
                "/communications/calls/" + callId + "/participants", false, NotificationItem.later(() -> {
                    throw new IllegalStateException("broken renderer");
                }, 100));
    }

    @Test
    void aFullCallQueueEvictsItsOldestWaitingNotificationAndCountsIt() throws Exception {
        CountDownLatch release = holdTheFirstPostUntilReleased(200);
        notifier(fast().withQueueLimits(4, 100)).enqueue(callState("call-1", callback, 1, "established"));
        await().atMost(Duration.ofSeconds(5)).until(() -> bot.all().size() == 1); // 1 is in flight
        for (int i = 2; i <= 6; i++) {
            notifier.enqueue(operation("call-1", callback, i)); // waiting: 2,3,4 then 5 evicts 2, 6 evicts 3
        }
        assertThat(giveUps(meters, "call_queue_full")).isEqualTo(2);
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.acceptedMarkers().size() == 4);
        assertThat(bot.acceptedMarkers()).containsExactly(1, 4, 5, 6);
        await().atMost(Duration.ofSeconds(5)).until(() -> notifier.queueDepth() == 0);
    }

    @Test
    void aFullCallQueueCoalescesRostersBeforeEvictingAnything() throws Exception {
        CountDownLatch release = holdTheFirstPostUntilReleased(200);
        notifier(fast().withQueueLimits(4, 100)).enqueue(callState("call-1", callback, 1, "established"));
        await().atMost(Duration.ofSeconds(5)).until(() -> bot.all().size() == 1);
        notifier.enqueue(roster("call-1", callback, 2));
        notifier.enqueue(roster("call-1", callback, 3));
        notifier.enqueue(operation("call-1", callback, 4)); // full: [1] 2 3 4
        notifier.enqueue(operation("call-1", callback, 5)); // roster 2 coalesced into 3, nothing lost
        notifier.enqueue(roster("call-1", callback, 6));    // full, no adjacent rosters: oldest (3) evicted
        notifier.enqueue(roster("call-1", callback, 7));    // full, last waiting is a roster: 6 replaced
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.acceptedMarkers().size() == 4);
        assertThat(bot.acceptedMarkers()).containsExactly(1, 4, 5, 7);
        assertThat(Notifications.count(meters, "switchboard.notify.coalesced")).isEqualTo(2);
        assertThat(giveUps(meters, "call_queue_full")).isEqualTo(1);
    }

    @Test
    void theGlobalLimitRefusesANewNotificationOfACallWithNothingWaiting() throws Exception {
        bot.answer(r -> status(503));
        notifier(fast().withQueueLimits(2, 2).withDrainTimeout(NEVER_RECOVERS_DRAIN));
        notifier.enqueue(callState("call-1", callback, 1, "established"));
        notifier.enqueue(callState("call-2", callback, 2, "established"));
        notifier.enqueue(callState("call-3", callback, 3, "established")); // nothing of call-3 to evict: refused
        assertThat(giveUps(meters, "global_queue_full")).isEqualTo(1);
        assertThat(notifier.queueDepth()).isEqualTo(2);
        notifier.enqueue(operation("call-1", callback, 4)); // global full; call-1 has nothing waiting either
        assertThat(giveUps(meters, "global_queue_full")).isEqualTo(2);
        assertThat(meters.find("switchboard.notify.queue.depth").gauge().value()).isEqualTo(2);
    }

    /** Calls with a live delivery queue, as the {@code switchboard.notify.calls} gauge shows them. */
    private double liveCallQueues() {
        return meters.find("switchboard.notify.calls").gauge().value();
    }

    @Test
    void anEndedCallsQueueIsRetiredWhenItsTerminatedNotificationExpiresWaiting() throws Exception {
        bot.answer(r -> status(200).setHeadersDelay(3, TimeUnit.SECONDS)); // no answer within the request timeout
        notifier(fast().withRequestTimeout(Duration.ofSeconds(1)).withTtl(Duration.ofMillis(400)));
        notifier.enqueue(callState("call-1", callback, 1, "established"));
        await().atMost(Duration.ofSeconds(5)).until(() -> bot.all().size() == 1); // 1 in flight
        notifier.enqueue(callState("call-1", callback, 2, "terminated"));      // waits behind it, past its TTL
        assertThat(liveCallQueues()).isEqualTo(1);
        // 1 times out after its TTL and is given up; 2 expired while it waited: nothing of call-1 is left
        await().atMost(Duration.ofSeconds(10)).until(() -> giveUps(meters, "ttl_expired") == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> liveCallQueues() == 0);
        assertThat(bot.all()).hasSize(1);
    }

    @Test
    void aRefusedTerminatedNotificationRetiresTheQueueOnlyOnceItsUndeliveredWorkEnds() throws Exception {
        AtomicInteger mode = new AtomicInteger(503);
        bot.answer(r -> status(mode.get()));
        notifier(fast().withQueueLimits(2, 2));
        notifier.enqueue(callState("call-1", callback, 1, "established"));
        notifier.enqueue(callState("call-2", callback, 2, "established")); // the global budget is spent
        await().atMost(Duration.ofSeconds(5)).until(() -> bot.all().size() >= 4); // both are being retried
        notifier.enqueue(callState("call-1", callback, 3, "terminated"));          // refused: call-1 has nothing waiting
        assertThat(giveUps(meters, "global_queue_full")).isEqualTo(1);
        int attempts = bot.all().size();
        await().atMost(Duration.ofSeconds(5)).until(() -> bot.all().size() >= attempts + 4);
        assertThat(liveCallQueues()).isEqualTo(2); // call-1's 1 is still undelivered: its queue stays, retries go on
        mode.set(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> bot.acceptedMarkers().size() == 2 && notifier.queueDepth() == 0);
        assertThat(bot.acceptedMarkers()).containsExactlyInAnyOrder(1, 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> liveCallQueues() == 1); // call-1's is gone, call-2 lives on
        assertThat(bot.all()).allSatisfy(r -> assertThat(r.sequence()).isEqualTo(1));
    }

    @Test
    void aTerminatedNotificationRefusedByTheGlobalLimitRetiresAnIdleQueueAtOnce() throws Exception {
        URI down = bot.uri("/down");
        bot.answer(r -> status(r.path().equals("/down") ? 503 : 200));
        notifier(fast().withQueueLimits(2, 2).withDrainTimeout(NEVER_RECOVERS_DRAIN));
        notifier.enqueue(callState("call-1", callback, 1, "established"));
        await().atMost(Duration.ofSeconds(5)).until(() -> bot.acceptedMarkers().equals(List.of(1)) && notifier.queueDepth() == 0);
        notifier.enqueue(callState("call-2", down, 2, "established"));  // call-2's two take the whole global budget
        notifier.enqueue(operation("call-2", down, 3));
        notifier.enqueue(callState("call-1", callback, 4, "terminated")); // refused; call-1 has nothing waiting or in flight
        assertThat(giveUps(meters, "global_queue_full")).isEqualTo(1);
        assertThat(liveCallQueues()).isEqualTo(1); // call-2's only
    }

    /** A call whose first notification is refused keeps no queue; its next one starts one, numbered from 1. */
    @Test
    void aCallWhoseFirstNotificationIsRefusedKeepsNoQueue() throws Exception {
        URI down = bot.uri("/down");
        AtomicInteger downStatus = new AtomicInteger(503);
        bot.answer(r -> status(r.path().equals("/down") ? downStatus.get() : 200));
        notifier(fast().withQueueLimits(2, 2));
        notifier.enqueue(callState("call-2", down, 1, "established")); // call-2's two take the whole global budget
        notifier.enqueue(operation("call-2", down, 2));
        for (int i = 0; i < 50; i++) {
            notifier.enqueue(callState("call-x" + i, callback, 100 + i, "established")); // refused, not terminal
        }
        assertThat(giveUps(meters, "global_queue_full")).isEqualTo(50);
        assertThat(liveCallQueues()).as("only call-2's").isEqualTo(1);
        downStatus.set(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> notifier.queueDepth() == 0);
        notifier.enqueue(callState("call-x0", callback, 3, "terminated"));
        await().atMost(Duration.ofSeconds(5)).until(() -> bot.acceptedMarkers().contains(3));
        assertThat(bot.accepted()).filteredOn(r -> r.markers().contains(3)).singleElement()
                .satisfies(r -> assertThat(r.sequence()).isEqualTo(1));
    }

    @Test
    void notificationsThatQueueBehindAnInFlightPostTravelTogetherInOrder() throws Exception {
        CountDownLatch release = holdTheFirstPostUntilReleased(204);
        notifier(fast().withMaxBatchSize(4)).enqueue(callState("call-1", callback, 1, "established"));
        await().atMost(Duration.ofSeconds(5)).until(() -> bot.all().size() == 1);
        for (int i = 2; i <= 7; i++) {
            notifier.enqueue(i % 2 == 0 ? roster("call-1", callback, i) : operation("call-1", callback, i));
        }
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.acceptedMarkers().size() == 7);
        assertThat(bot.accepted()).extracting(BotReceiver.Received::markers)
                .containsExactly(List.of(1), List.of(2, 3, 4, 5), List.of(6, 7));
        assertThat(sequences(bot.accepted())).containsExactly(1L, 2L, 3L);
        assertThat(bot.accepted().get(1).json().path("@odata.type").asText()).isEqualTo("#microsoft.graph.commsNotifications");
        await().atMost(Duration.ofSeconds(5)).until(() -> Notifications.count(meters, "switchboard.notify.deliveries") == 7);
        assertThat(meters.find("switchboard.notify.batch.size").summary().max()).isEqualTo(4);
    }

    @Test
    void closeDrainsWhatIsQueued() throws Exception {
        bot.answer(r -> status(200).setBodyDelay(20, TimeUnit.MILLISECONDS));
        notifier(fast());
        for (int i = 1; i <= 20; i++) {
            notifier.enqueue(roster("call-" + (i % 3), callback, i));
        }
        notifier.close();
        assertThat(bot.acceptedMarkers()).hasSize(20);
        assertThat(giveUps(meters, "shutdown")).isZero();
        notifier.enqueue(roster("call-1", callback, 21));
        assertThat(giveUps(meters, "closed")).isEqualTo(1);
    }

    @Test
    void closeGivesUpWhatItCouldNotDeliverWithinTheDrainTimeout() throws Exception {
        bot.answer(r -> status(503));
        notifier(fast().withDrainTimeout(Duration.ofMillis(500)));
        for (int i = 1; i <= 5; i++) {
            notifier.enqueue(operation("call-1", callback, i));
        }
        long t0 = System.nanoTime();
        notifier.close();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(3_000);
        assertThat(giveUps(meters, "shutdown")).isEqualTo(5);
        assertThat(notifier.queueDepth()).isZero();
    }

    @Test
    void aRedirectToTheMetadataAddressIsRefusedAtSendTime() throws Exception {
        AtomicInteger n = new AtomicInteger();
        bot.answer(r -> n.incrementAndGet() == 1
                ? status(307).setHeader("Location", "https://169.254.169.254/latest/meta-data/") : status(200));
        notifier(fast()).enqueue(roster("call-1", callback, 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> giveUps(meters, "ssrf_refused") == 1);
        assertThat(bot.all()).hasSize(1);
        assertThat(notifier.queueDepth()).isZero();
        notifier.enqueue(roster("call-1", callback, 2)); // the refused redirect did not stick
        await().atMost(Duration.ofSeconds(5)).until(() -> bot.accepted().size() == 1);
        assertThat(bot.acceptedMarkers()).containsExactly(2);
    }

    @Test
    void aHostWhoseDnsTurnsPrivateIsRefusedAtSendTime() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        HostResolver flipping = host -> new java.net.InetAddress[] {
                java.net.InetAddress.getByName(lookups.incrementAndGet() == 1 ? "203.0.114.10" : "10.0.0.7")};
        NotifierSettings settings = fast().withAllowedHosts(Set.of());
        CallbackUriPolicy policy = new CallbackUriPolicy(settings, flipping);
        URI uri = URI.create("https://bot.example.test/api/calls");
        assertThat(policy.evaluate(uri).isAllowed()).isTrue(); // at call creation the name pointed to a public address
        notifier = new WebhookNotifier(settings, signer, meters, policy);
        notifier.enqueue(roster("call-1", uri, 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> giveUps(meters, "ssrf_refused") == 1);
        assertThat(lookups.get()).isEqualTo(2);
    }

    /**
     * The bot answers {@code answer} to the POST of marker 1 only once the returned latch is released (a POST stuck
     * in flight), and to the others at once.
     */
    private CountDownLatch holdTheFirstPostUntilReleased(int answer) {
        CountDownLatch release = new CountDownLatch(1);
        bot.answer(r -> {
            if (r.marker() == 1) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return status(answer);
        });
        return release;
    }

    @Test
    void aSequenceStoreGivesTheFirstNumberAndHearsEachNumberOnceBeforeItsFirstAttempt() throws Exception {
        List<String> reserved = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger answered = new AtomicInteger();
        bot.answer(r -> {
            String callId = r.item().path("resourceUrl").asText().split("/")[3];
            assertThat(reserved).as("reserved before it was sent").contains(callId + ":" + r.sequence());
            return answered.incrementAndGet() == 1 ? status(503) : status(200);
        });
        notifier(fast().withMaxBatchSize(1)).sequences(new SequenceStore() {
            @Override
            public long firstSequence(String callId) {
                return callId.equals("call-q") ? 42 : 1;
            }

            @Override
            public void reserve(String callId, long sequence) {
                reserved.add(callId + ":" + sequence);
            }
        });
        notifier.enqueue(roster("call-q", callback, 1));
        notifier.enqueue(roster("call-q", callback, 2));
        notifier.enqueue(roster("call-r", callback, 1));

        await().atMost(Duration.ofSeconds(10)).until(() -> bot.accepted().size() == 3);
        assertThat(bot.accepted().stream().filter(r -> r.path().equals("/api/calls") && r.item().path("resourceUrl").asText()
                .contains("call-q")).map(BotReceiver.Received::sequence).toList()).isEqualTo(List.of(42L, 43L));
        assertThat(reserved).as("once per POST, a retry is not reserved again")
                .containsExactlyInAnyOrder("call-q:42", "call-q:43", "call-r:1");
    }
}
