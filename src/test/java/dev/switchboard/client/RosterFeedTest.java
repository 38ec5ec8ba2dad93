package dev.switchboard.client;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

class RosterFeedTest {
    static final long STALL = TimeUnit.SECONDS.toNanos(10);
    static final long GRACE = TimeUnit.SECONDS.toNanos(10);

    /** A channel whose writes complete only when the test says so (a slow network), or at once. */
    static final class FakeChannel implements RosterChannel {
        final List<String> sent = new CopyOnWriteArrayList<>();
        final List<Thread> sendingThreads = new CopyOnWriteArrayList<>();
        final List<Runnable> pending = new ArrayList<>();
        volatile boolean completeAtOnce;
        volatile Integer closeCode;
        volatile boolean disconnected;

        FakeChannel(boolean completeAtOnce) {
            this.completeAtOnce = completeAtOnce;
        }

        @Override
        public void send(RosterMessage message, Runnable onSent, Consumer<Throwable> onFailed) {
            sent.add(message.text());
            sendingThreads.add(Thread.currentThread());
            if (completeAtOnce) {
                onSent.run();
            } else {
                synchronized (pending) {
                    pending.add(onSent);
                }
            }
        }

        @Override
        public void close(int code, String reason) {
            closeCode = code;
        }

        @Override
        public void disconnect() {
            disconnected = true;
        }

        void completeOne() {
            Runnable r;
            synchronized (pending) {
                r = pending.remove(0);
            }
            r.run();
        }
    }

    final AtomicLong clock = new AtomicLong();
    final List<RosterFeed.SlowReason> slow = new CopyOnWriteArrayList<>();

    RosterFeed feed(FakeChannel ch, long maxQueuedBytes) {
        return new RosterFeed(ch, maxQueuedBytes, clock::get, slow::add);
    }

    static RosterMessage m(long seq, String text) {
        return new RosterMessage(seq, text.getBytes(StandardCharsets.UTF_8), false);
    }

    @Test
    void messagesGoOutInSequenceOrderAndOlderOnesAreSkipped() {
        FakeChannel ch = new FakeChannel(true);
        RosterFeed feed = feed(ch, 1024);
        feed.offer(m(4, "m4"));
        feed.offer(m(3, "m3-older-than-snapshot"));
        feed.offer(m(4, "m4-again"));
        feed.offer(m(5, "m5"));
        assertThat(ch.sent).containsExactly("m4", "m5");
    }

    @Test
    void ringNoticesAsideAreNeverCoalescedAwayAndGoOutOneAtATimeBeforeTheWaitingRoster() {
        FakeChannel ch = new FakeChannel(false);
        RosterFeed feed = feed(ch, 1024);
        feed.offer(m(1, "r1"));
        feed.sendAside(m(-1, "ringing"));
        feed.offer(m(2, "r2"));
        feed.offer(m(3, "r3"));
        feed.sendAside(m(-1, "cancelled"));
        assertThat(ch.sent).as("one write in flight at a time").containsExactly("r1");
        ch.completeOne();
        ch.completeOne();
        ch.completeOne();
        assertThat(ch.sent).containsExactly("r1", "ringing", "cancelled", "r3");
        feed.sendAside(m(-1, "answered"));
        ch.completeOne();
        assertThat(ch.sent).endsWith("answered");
    }

    @Test
    void inOrderMessagesAreAllSentInOrderAndPassingTheByteBoundClosesTheStreamWith1008() {
        FakeChannel ch = new FakeChannel(false);
        RosterFeed feed = new RosterFeed(ch, "ring stream", 100, clock::get, slow::add);
        String ring = "x".repeat(30);
        assertThat(feed.sendInOrder(m(-1, ring + 1))).isTrue(); // in flight
        assertThat(feed.sendInOrder(m(-1, ring + 2))).isTrue(); // waiting: 62 bytes held
        ch.completeOne();                                        // 2 in flight: 31 bytes held
        assertThat(feed.sendInOrder(m(-1, ring + 3))).isTrue();
        assertThat(feed.sendInOrder(m(-1, ring + 4))).isTrue(); // 93 bytes held
        assertThat(slow).isEmpty();
        assertThat(feed.sendInOrder(m(-1, ring + 5))).as("124 bytes: over the bound").isFalse();
        assertThat(ch.closeCode).isEqualTo(RosterFeed.SLOW_READER_CLOSE_CODE);
        assertThat(slow).containsExactly(RosterFeed.SlowReason.OVER_BOUND);
        ch.completeOne();
        assertThat(ch.sent).containsExactly(ring + 1, ring + 2); // nothing more goes out once it is closing
        assertThat(feed.sendInOrder(m(-1, ring + 6))).isFalse();
    }

    @Test
    void aReaderThatFallsBehindSkipsToTheNewestRoster() {
        FakeChannel ch = new FakeChannel(false);
        RosterFeed feed = feed(ch, 1024);
        for (int seq = 1; seq <= 50; seq++) {
            assertThat(feed.offer(m(seq, "m" + seq))).isTrue();
        }
        assertThat(ch.sent).containsExactly("m1");
        ch.completeOne();
        assertThat(ch.sent).containsExactly("m1", "m50");
        ch.completeOne();
        feed.offer(m(51, "m51"));
        assertThat(ch.sent).containsExactly("m1", "m50", "m51");
        assertThat(ch.closeCode).isNull();
        assertThat(slow).isEmpty();
    }

    @Test
    void aStreamOverItsByteBoundIsClosedWith1008() {
        FakeChannel ch = new FakeChannel(false);
        RosterFeed feed = feed(ch, 100);
        assertThat(feed.offer(m(1, "x".repeat(60)))).isTrue();
        assertThat(feed.offer(m(2, "y".repeat(40)))).isTrue(); // 100 bytes: at the bound, not over
        assertThat(ch.closeCode).isNull();
        assertThat(feed.offer(m(3, "z".repeat(41)))).isFalse();
        assertThat(ch.closeCode).isEqualTo(RosterFeed.SLOW_READER_CLOSE_CODE);
        assertThat(slow).containsExactly(RosterFeed.SlowReason.OVER_BOUND);
        ch.completeOne();
        assertThat(ch.sent).hasSize(1); // nothing more goes out once closing
        assertThat(feed.offer(m(4, "late"))).isFalse();
    }

    @Test
    void aStalledWriteIsClosedWith1008ThenDisconnectedIfEvenTheCloseCannotGoOut() {
        FakeChannel ch = new FakeChannel(false);
        RosterFeed feed = feed(ch, 1024);
        feed.offer(m(1, "m1"));
        clock.addAndGet(STALL);
        feed.closeIfStalled(STALL, GRACE);
        assertThat(ch.closeCode).isNull();
        clock.addAndGet(1);
        feed.closeIfStalled(STALL, GRACE);
        assertThat(ch.closeCode).isEqualTo(RosterFeed.SLOW_READER_CLOSE_CODE);
        assertThat(slow).containsExactly(RosterFeed.SlowReason.STALLED);
        assertThat(feed.offer(m(2, "m2"))).isFalse();
        assertThat(ch.disconnected).isFalse();
        clock.addAndGet(GRACE + 1);
        feed.closeIfStalled(STALL, GRACE);
        assertThat(ch.disconnected).isTrue();
        assertThat(slow).hasSize(1);
    }

    @Test
    void aReaderThatKeepsUpIsNeverClosedHoweverLongTheCallLasts() {
        FakeChannel ch = new FakeChannel(false);
        RosterFeed feed = feed(ch, 1024);
        for (int seq = 1; seq <= 20; seq++) {
            feed.offer(m(seq, "m" + seq));
            clock.addAndGet(STALL / 2);
            ch.completeOne();
            clock.addAndGet(STALL * 3); // quiet: nothing in flight
            feed.closeIfStalled(STALL, GRACE);
        }
        assertThat(ch.sent).hasSize(20);
        assertThat(ch.closeCode).isNull();
        assertThat(slow).isEmpty();
    }

    @Test
    void concurrentOffersNeverReorder() throws Exception {
        FakeChannel ch = new FakeChannel(true);
        RosterFeed feed = feed(ch, 1024);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong seq = new AtomicLong();
        for (int t = 0; t < 8; t++) {
            pool.submit(() -> {
                go.await();
                for (int i = 0; i < 500; i++) {
                    long s = seq.incrementAndGet();
                    feed.offer(m(s, Long.toString(s)));
                }
                return null;
            });
        }
        go.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        List<Long> received = ch.sent.stream().map(Long::parseLong).toList();
        assertThat(received).isSorted().doesNotHaveDuplicates();
        assertThat(received.get(received.size() - 1)).isEqualTo(4000L);
    }

    @Test
    void aChannelThatCompletesWritesInlineGetsEveryMessage() {
        FakeChannel ch = new FakeChannel(true);
        RosterFeed feed = feed(ch, 1024);
        for (int seq = 0; seq <= 10_000; seq++) {
            feed.offer(m(seq, Integer.toString(seq)));
        }
        assertThat(ch.sent).hasSize(10_001);
        assertThat(ch.sent.get(10_000)).isEqualTo("10000");
    }

    @Test
    void finishSendsWhatIsQueuedThenClosesNormally() {
        FakeChannel ch = new FakeChannel(false);
        RosterFeed feed = feed(ch, 1024);
        feed.offer(m(1, "m1"));
        feed.offer(m(2, "ended"));
        feed.finish(RosterFeed.NORMAL_CLOSE_CODE, "call ended");
        assertThat(ch.closeCode).isNull();
        ch.completeOne();
        ch.completeOne();
        assertThat(ch.sent).containsExactly("m1", "ended");
        assertThat(ch.closeCode).isEqualTo(1000);
        assertThat(feed.offer(m(3, "late"))).isFalse();
    }
}
