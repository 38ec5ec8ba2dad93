package dev.switchboard.core;

import dev.switchboard.notify.NotificationKind;
import dev.switchboard.notify.OutboundNotification;
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

import static org.assertj.core.api.Assertions.assertThat;

class CallServiceConcurrencyTest {

    @Test
    void concurrentMutesJoinsAndLeavesNeverLoseAnUpdateNorRepeatASequenceNumber() throws Exception {
        RecordingMediaEngine media = new RecordingMediaEngine();
        RecordingNotificationSink sink = new RecordingNotificationSink();
        try (CallService calls = new CallService(media, sink, new MutableClock(), CallSettings.DEFAULTS)) {
            CallView call = calls.create(Calls.request(null, false, true, null, "user-0", "user-1"), Calls.BOT);
            ConcurrentLinkedQueue<RosterUpdate> updates = new ConcurrentLinkedQueue<>();
            calls.addRosterListener(updates::add);
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
                            pid = calls.join(call.id(), me, Calls.OFFER, Calls.FROM).participantId();
                            changes++;
                        } else if (pick == 0) {
                            calls.leave(call.id(), pid, me);
                            pid = null;
                            changes++;
                        } else if (pick == 1) {
                            calls.muteParticipant(call.id(), pid, Calls.BOT, null);
                        } else if (pick == 2) {
                            calls.unmuteParticipant(call.id(), pid, Calls.BOT, null);
                        } else if (pick == 3) {
                            calls.mute(call.id(), Calls.BOT, null);
                        } else {
                            calls.setClientMuted(call.id(), pid, ThreadLocalRandom.current().nextBoolean(), me);
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
            assertThat(last.roster()).isEqualTo(calls.participants(call.id(), Calls.BOT));
            // every leg's flags agree with the roster
            for (ParticipantView p : calls.participants(call.id(), Calls.BOT)) {
                assertThat(media.leg(p.id()).serverMuted()).isEqualTo(p.serverMuted());
                assertThat(media.leg(p.id()).clientMuted()).isEqualTo(p.clientMuted());
                assertThat(media.leg(p.id()).closed()).isFalse();
            }
            // the bot got exactly one roster notification per change, in sequence order (delta roster: each carries its number)
            List<Long> notified = sink.of(call.id(), NotificationKind.ROSTER).stream()
                    .map(OutboundNotification::commsNotification)
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
