package dev.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.core.CallEngine;
import dev.switchboard.core.MuteTarget;
import dev.switchboard.core.CallSettings;
import dev.switchboard.core.CallView;
import dev.switchboard.core.Caller;
import dev.switchboard.core.CreateCallRequest;
import dev.switchboard.core.ParticipantIdentity;
import dev.switchboard.error.ErrorCode;
import dev.switchboard.graph.GraphEcho;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.testsupport.RecordingMediaEngine;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The roster streams against the real call engine, with fake channels, a held fan-out executor and a fake clock. */
class RosterStreamsTest {
    static final String TENANT = "tenant-a";
    static final Caller BOT = Caller.app(TENANT, "bot-app");
    static final Caller ALICE = Caller.user(TENANT, "client-app", "alice", "Alice");
    static final Caller BOB = Caller.user(TENANT, "client-app", "bob", "Bob");
    static final String OFFER = "v=0\r\nm=audio 4000 RTP/AVP 0\r\n";
    static final ObjectMapper JSON = new ObjectMapper();

    /** Runs nothing until the test says so: shows what the thread that changes the roster does by itself. */
    static final class HeldExecutor implements Executor {
        final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            for (Runnable r; (r = tasks.poll()) != null; ) {
                r.run();
            }
        }
    }

    /** The streams made by this test hear the engine's events, as the server wires them. */
    final List<RosterStreams> following = new java.util.concurrent.CopyOnWriteArrayList<>();
    final CallEngine calls = new CallEngine(new RecordingMediaEngine(), e -> following.forEach(s -> s.publish(e)),
            Clock.systemUTC(), CallSettings.DEFAULTS);
    final HeldExecutor fanOut = new HeldExecutor();
    final AtomicLong clock = new AtomicLong();
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    RosterStreams streams(RosterStreamSettings settings) {
        RosterStreams streams = new RosterStreams(settings, metrics, fanOut, clock::get);
        following.add(streams);
        return streams;
    }

    RosterSlot open(RosterStreams streams, String callId, Caller user, RosterChannel channel) {
        RosterSlot slot = reserve(streams, callId, user);
        open(streams, slot, channel);
        return slot;
    }

    /** What the client API does before the upgrade: the snapshot (participants only), then the slot. */
    RosterSlot reserve(RosterStreams streams, String callId, Caller user) {
        return streams.reserve(callId, user, calls.participants().roster(callId, user));
    }

    /** What the client API does once connected. */
    void open(RosterStreams streams, RosterSlot slot, RosterChannel channel) {
        streams.open(slot, channel, () -> calls.participants().roster(slot.callId(), slot.user()));
    }

    String groupCallWithAliceAndBob() {
        List<ParticipantIdentity> targets = List.of(ParticipantIdentity.user("alice", "Alice", TENANT),
                ParticipantIdentity.user("bob", "Bob", TENANT));
        CreateCallRequest request = new CreateCallRequest(URI.create("https://bot.example/callback"), List.of("audio"),
                false, null, targets, null, false, false, "test", ParticipantIdentity.application("bot-app", "Bot", TENANT),
                java.net.InetAddress.getLoopbackAddress(), GraphEcho.of(JsonNodeFactory.instance.objectNode()
                        .put("@odata.type", "#microsoft.graph.serviceHostedMediaConfig"), null, null, null, null));
        CallView call = calls.bots().create(request, BOT);
        calls.participants().join(call.id(), ALICE, OFFER, java.net.InetAddress.getLoopbackAddress());
        calls.participants().join(call.id(), BOB, OFFER, java.net.InetAddress.getLoopbackAddress());
        return call.id();
    }

    static long lastSequence(RosterFeedTest.FakeChannel ch) throws Exception {
        JsonNode last = JSON.readTree(ch.sent.getLast());
        return last.get("rosterSequenceNumber").asLong();
    }

    @AfterEach
    void close() {
        calls.close();
    }

    @Test
    void theThreadThatMutesOnlyPublishesAndEveryStreamThenGetsTheNewestRosterOnce() throws Exception {
        RosterStreams streams = streams(RosterStreamSettings.DEFAULTS.withLimits(500, 500));
        String callId = groupCallWithAliceAndBob();
        List<RosterFeedTest.FakeChannel> channels = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            RosterFeedTest.FakeChannel ch = new RosterFeedTest.FakeChannel(true);
            channels.add(ch);
            open(streams, callId, ALICE, ch);
        }
        fanOut.runAll();
        channels.forEach(ch -> assertThat(ch.sent).hasSize(1));

        for (int i = 0; i < 50; i++) {
            if (i % 2 == 0) {
                calls.bots().serverMute(callId, MuteTarget.BOT_ITSELF, true, BOT, "c" + i);
            } else {
                calls.bots().serverMute(callId, MuteTarget.BOT_ITSELF, false, BOT, "c" + i);
            }
        }
        // 50 roster changes done, yet no stream was written: the muting thread only woke the fan-out, once
        channels.forEach(ch -> assertThat(ch.sent).hasSize(1));
        assertThat(fanOut.tasks).hasSize(1);

        fanOut.runAll();
        long newest = calls.participants().roster(callId, ALICE).sequenceNumber();
        for (RosterFeedTest.FakeChannel ch : channels) {
            assertThat(ch.sent).hasSize(2);
            assertThat(lastSequence(ch)).isEqualTo(newest);
        }
        // one rendering shared by every stream of the call
        assertThat(channels.stream().map(ch -> ch.sent.getLast()).distinct()).hasSize(1);
    }

    @Test
    void perUserAndPerCallLimitsRefuseWithTooManyRequestsCountingUpgradesStillInProgress() {
        RosterStreams streams = streams(RosterStreamSettings.DEFAULTS.withLimits(2, 3));
        String callId = groupCallWithAliceAndBob();
        RosterSlot first = open(streams, callId, ALICE, new RosterFeedTest.FakeChannel(true));
        RosterSlot upgrading = reserve(streams, callId, ALICE); // not connected yet, but it counts
        assertThatThrownBy(() -> reserve(streams, callId, ALICE)).isInstanceOfSatisfying(SwitchboardException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS)).hasMessageContaining("per user");
        open(streams, upgrading, new RosterFeedTest.FakeChannel(true));
        open(streams, callId, BOB, new RosterFeedTest.FakeChannel(true));
        assertThatThrownBy(() -> reserve(streams, callId, BOB)).isInstanceOfSatisfying(SwitchboardException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS)).hasMessageContaining("per call");
        assertThat(metrics.get("switchboard.roster.streams.refused").tag("limit", "per_call").counter().count()).isEqualTo(1);

        streams.close(first);
        streams.close(first); // twice is harmless
        open(streams, callId, ALICE, new RosterFeedTest.FakeChannel(true));
        assertThat(metrics.get("switchboard.roster.streams").gauge().value()).isEqualTo(3);
    }

    @Test
    void aSlotWhoseUpgradeNeverCompletesIsFreedAfterItExpires() {
        RosterStreams streams = streams(RosterStreamSettings.DEFAULTS.withLimits(1, 10));
        String callId = groupCallWithAliceAndBob();
        RosterSlot lost = reserve(streams, callId, ALICE);
        assertThatThrownBy(() -> reserve(streams, callId, ALICE)).isInstanceOf(SwitchboardException.class);
        clock.addAndGet(Duration.ofSeconds(RosterStreams.RESERVATION_SECONDS + 1).toNanos());
        streams.closeStalled();
        open(streams, callId, ALICE, new RosterFeedTest.FakeChannel(true));
        assertThatThrownBy(() -> open(streams, lost, new RosterFeedTest.FakeChannel(true))).isInstanceOf(SwitchboardException.class);
    }

    @Test
    void aStalledStreamIsClosedWith1008AndTheOthersKeepReceivingInOrder() throws Exception {
        RosterStreams streams = streams(RosterStreamSettings.DEFAULTS.withStallTimeout(Duration.ofSeconds(2)));
        String callId = groupCallWithAliceAndBob();
        RosterFeedTest.FakeChannel stuck = new RosterFeedTest.FakeChannel(false);
        RosterFeedTest.FakeChannel reader = new RosterFeedTest.FakeChannel(true);
        open(streams, callId, ALICE, stuck);
        open(streams, callId, BOB, reader);
        fanOut.runAll();
        for (int i = 0; i < 10; i++) {
            calls.bots().serverMute(callId, MuteTarget.BOT_ITSELF, true, BOT, null);
            fanOut.runAll();
            calls.bots().serverMute(callId, MuteTarget.BOT_ITSELF, false, BOT, null);
            fanOut.runAll();
            clock.addAndGet(Duration.ofMillis(300).toNanos());
            streams.closeStalled();
        }
        assertThat(stuck.closeCode).isEqualTo(RosterFeed.SLOW_READER_CLOSE_CODE);
        assertThat(stuck.sent).hasSize(1);
        assertThat(reader.closeCode).isNull();
        List<Long> sequences = new ArrayList<>();
        for (String m : reader.sent) {
            sequences.add(JSON.readTree(m).get("rosterSequenceNumber").asLong());
        }
        assertThat(sequences).hasSize(21).isSorted().doesNotHaveDuplicates();
        assertThat(metrics.get("switchboard.roster.streams.closed.slow").tag("reason", "stalled").counter().count()).isEqualTo(1);
    }

    @Test
    void whenTheCallEndsEveryStreamGetsTheEndAndClosesNormally() throws Exception {
        RosterStreams streams = streams(RosterStreamSettings.DEFAULTS);
        String callId = groupCallWithAliceAndBob();
        RosterFeedTest.FakeChannel ch = new RosterFeedTest.FakeChannel(true);
        open(streams, callId, ALICE, ch);
        fanOut.runAll();
        calls.close(); // ends every live call, as a server shutdown does
        fanOut.runAll();
        assertThat(JSON.readTree(ch.sent.getLast()).get("type").asText()).isEqualTo("ended");
        assertThat(ch.closeCode).isEqualTo(RosterFeed.NORMAL_CLOSE_CODE);
        assertThatThrownBy(() -> open(streams, callId, ALICE, new RosterFeedTest.FakeChannel(true)))
                .isInstanceOfSatisfying(SwitchboardException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ITEM_NOT_FOUND));
    }

    @Test
    void levelsGoOnlyToStreamsThatAskedOnlyWhenIdleAndNeverDisplaceARosterMessage() throws Exception {
        RosterStreams streams = streams(RosterStreamSettings.DEFAULTS);
        String callId = groupCallWithAliceAndBob();
        String aliceId = calls.participants().roster(callId, ALICE).roster().stream()
                .filter(p -> p.identity().id().equals("alice")).findFirst().orElseThrow().id();
        RosterFeedTest.FakeChannel asking = new RosterFeedTest.FakeChannel(false);
        RosterSlot slot = streams.reserve(callId, ALICE, calls.participants().roster(callId, ALICE), true);
        open(streams, slot, asking);
        RosterFeedTest.FakeChannel plain = new RosterFeedTest.FakeChannel(true);
        open(streams, callId, BOB, plain);
        fanOut.runAll();
        assertThat(asking.sent).hasSize(1); // the first roster, its write still in flight
        java.util.Map<String, Double> levels = new java.util.HashMap<>(java.util.Map.of(aliceId, 0.5));
        List<String> asked = new ArrayList<>();
        CallLevels source = id -> {
            asked.add(id);
            return levels;
        };

        streams.sendLevelsOnce(source);
        assertThat(asking.sent).as("busy: the levels are skipped, not queued").hasSize(1);
        asking.completeOne();
        calls.bots().serverMute(callId, MuteTarget.BOT_ITSELF, true, BOT, "m");
        fanOut.runAll();
        assertThat(asking.sent).hasSize(2);
        levels.put(aliceId, 0.25);
        streams.sendLevelsOnce(source);
        asking.completeOne(); // the roster change's write completes; nothing waits behind it
        assertThat(asking.sent).hasSize(2);

        streams.sendLevelsOnce(source);
        assertThat(asking.sent).hasSize(3);
        JsonNode m = JSON.readTree(asking.sent.getLast());
        assertThat(m.get("type").asText()).isEqualTo("levels");
        assertThat(m.get("callId").asText()).isEqualTo(callId);
        assertThat(m.get("levels").get(aliceId).asDouble()).isEqualTo(0.25);
        assertThat(asked).containsOnly(callId);
        asking.completeOne();

        streams.sendLevelsOnce(source); // unchanged: not sent again at once
        assertThat(asking.sent).hasSize(3);
        for (String text : plain.sent) {
            assertThat(JSON.readTree(text).get("type").asText()).as("a stream that did not ask gets rosters only").isNotEqualTo("levels");
        }
        calls.bots().serverMute(callId, MuteTarget.BOT_ITSELF, false, BOT, "u");
        fanOut.runAll();
        assertThat(lastSequence(asking)).isEqualTo(calls.participants().roster(callId, ALICE).sequenceNumber());
    }

    /**
     * Ring notices for a user's roster streams go out in the order they came, however the fan-out runs its tasks:
     * here the tasks run newest first, which with a task per notice sent a ring's {@code cancelled} before its
     * {@code ringing}.
     */
    @Test
    void ringNoticesReachARosterStreamInTheOrderTheyCameWhateverOrderTheFanOutRuns() {
        RosterStreams streams = streams(RosterStreamSettings.DEFAULTS);
        String callId = groupCallWithAliceAndBob();
        RosterFeedTest.FakeChannel alice = new RosterFeedTest.FakeChannel(true);
        open(streams, callId, ALICE, alice);
        fanOut.runAll();
        int before = alice.sent.size();
        for (int i = 0; i < 20; i++) {
            String type = i % 2 == 0 ? "ringing" : "cancelled";
            streams.toUser(TENANT, "alice", "{\"type\":\"" + type + "\",\"n\":" + i + "}");
            streams.toUser(TENANT, "bob", "{\"type\":\"ringing\",\"n\":" + i + "}"); // not alice's
        }
        List<Runnable> held = new ArrayList<>(fanOut.tasks);
        fanOut.tasks.clear();
        java.util.Collections.reverse(held);
        held.forEach(Runnable::run);
        fanOut.runAll();
        List<String> notices = alice.sent.subList(before, alice.sent.size());
        assertThat(notices).hasSize(20);
        for (int i = 0; i < 20; i++) {
            assertThat(notices.get(i)).contains("\"n\":" + i + "}");
        }
    }
}
