package dev.switchboard.core;

import dev.switchboard.graph.BotNotifications;
import dev.switchboard.notify.NotificationKind;
import dev.switchboard.testsupport.RecordingNotificationSink.Recorded;
import dev.switchboard.testsupport.MutableClock;
import dev.switchboard.testsupport.RecordingMediaEngine;
import dev.switchboard.testsupport.RecordingNotificationSink;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class CallEngineConcurrencyTest {

    @Test
    void concurrentMutesJoinsAndLeavesNeverLoseAnUpdateNorRepeatASequenceNumber() throws Exception {
        RecordingMediaEngine media = new RecordingMediaEngine();
        RecordingNotificationSink sink = new RecordingNotificationSink();
        ConcurrentLinkedQueue<RosterUpdate> rosterUpdates = new ConcurrentLinkedQueue<>();
        AtomicBoolean listening = new AtomicBoolean();
        CallEventSink events = CallEventSink.all(List.of(new BotNotifications(sink), e -> {
            if (listening.get() && e instanceof CallEvent.RosterChanged r) {
                rosterUpdates.add(r.update());
            }
        }));
        try (CallEngine calls = new CallEngine(media, events, new MutableClock(), CallSettings.DEFAULTS)) {
            CallView call = calls.bots().create(Calls.request(null, false, true, null, "user-0", "user-1"), Calls.BOT);
            ConcurrentLinkedQueue<RosterUpdate> updates = rosterUpdates;
            listening.set(true);
            List<Caller> users = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                users.add(Caller.user(Calls.TENANT, "client", "user-" + i, "User " + i));
            }
            int threads = 8;
            int rounds = 400;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Caller me = users.get(t);
                results.add(pool.submit(() -> {
                    start.await();
                    int changes = 0;
                    String pid = null;
                    for (int i = 0; i < rounds; i++) {
                        int pick = ThreadLocalRandom.current().nextInt(5);
                        if (pid == null) {
                            pid = calls.participants().join(call.id(), me, Calls.OFFER, Calls.FROM).participantId();
                            changes++;
                        } else if (pick == 0) {
                            calls.participants().leave(call.id(), pid, me);
                            pid = null;
                            changes++;
                        } else if (pick == 1) {
                            calls.bots().serverMute(call.id(), MuteTarget.participant(pid), true, Calls.BOT, null);
                        } else if (pick == 2) {
                            calls.bots().serverMute(call.id(), MuteTarget.participant(pid), false, Calls.BOT, null);
                        } else if (pick == 3) {
                            calls.bots().serverMute(call.id(), MuteTarget.BOT_ITSELF, true, Calls.BOT, null);
                        } else {
                            calls.participants().setClientMuted(call.id(), pid, ThreadLocalRandom.current().nextBoolean(), me);
                        }
                    }
                    return changes;
                }));
            }
            start.countDown();
            for (Future<Integer> f : results) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();

            List<Long> seqs = updates.stream().map(RosterUpdate::sequenceNumber).toList();
            // consecutive and unique: no update lost, none repeated
            long first = seqs.getFirst();
            for (int i = 0; i < seqs.size(); i++) {
                assertThat(seqs.get(i)).isEqualTo(first + i);
            }
            // the last update is the roster as it is now
            RosterUpdate last = updates.stream().reduce((a, b) -> b).orElseThrow();
            assertThat(last.roster()).isEqualTo(calls.bots().participants(call.id(), Calls.BOT));
            // every leg's flags agree with the roster
            for (ParticipantView p : calls.bots().participants(call.id(), Calls.BOT)) {
                assertThat(media.leg(p.id()).serverMuted()).isEqualTo(p.serverMuted());
                assertThat(media.leg(p.id()).clientMuted()).isEqualTo(p.clientMuted());
                assertThat(media.leg(p.id()).closed()).isFalse();
            }
            // the bot got exactly one roster notification per change, in sequence order (delta roster: each carries its number)
            List<Long> notified = sink.of(call.id(), NotificationKind.ROSTER).stream()
                    .map(Recorded::commsNotification)
                    .map(n -> maxSequence(n.get("resourceData")))
                    .toList();
            assertThat(notified.subList(notified.size() - seqs.size(), notified.size())).isEqualTo(seqs);
        }
    }

    private static long maxSequence(com.fasterxml.jackson.databind.JsonNode roster) {
        long max = 0;
        for (var p : roster) {
            max = Math.max(max, p.get("rosterSequenceNumber").asLong());
        }
        return max;
    }
}
