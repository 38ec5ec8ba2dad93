package dev.switchboard.client;

import org.junit.jupiter.api.Test;

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

    /** A channel whose writes complete only when the test says so (a slow network), or at once. */
    static final class FakeChannel implements RosterChannel {
        final List<String> sent = new CopyOnWriteArrayList<>();
        final List<Runnable> pending = new ArrayList<>();
        volatile boolean completeAtOnce;
        volatile Integer closeCode;

        FakeChannel(boolean completeAtOnce) {
            this.completeAtOnce = completeAtOnce;
        }

        @Override
        public void send(String message, Runnable onSent, Consumer<Throwable> onFailed) {
            sent.add(message);
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

        void completeOne() {
            Runnable r;
            synchronized (pending) {
                r = pending.remove(0);
            }
            r.run();
        }
    }

    @Test
    void messagesGoOutInSequenceOrderAndOlderOnesAreSkipped() {
        FakeChannel ch = new FakeChannel(true);
        RosterFeed feed = new RosterFeed(ch, 16);
        feed.offer(4, "m4");
        feed.offer(3, "m3-older-than-snapshot");
        feed.offer(4, "m4-again");
        feed.offer(5, "m5");
        assertThat(ch.sent).containsExactly("m4", "m5");
    }

    @Test
    void onlyOneWriteInFlightAndTheBacklogDrainsInOrder() {
        FakeChannel ch = new FakeChannel(false);
        RosterFeed feed = new RosterFeed(ch, 16);
        feed.offer(1, "m1");
        feed.offer(2, "m2");
        feed.offer(3, "m3");
        assertThat(ch.sent).containsExactly("m1");
        ch.completeOne();
        assertThat(ch.sent).containsExactly("m1", "m2");
        ch.completeOne();
        ch.completeOne();
        assertThat(ch.sent).containsExactly("m1", "m2", "m3");
    }

    @Test
    void aSlowReaderIsDisconnectedAndOthersAreNotDisturbed() {
        FakeChannel slow = new FakeChannel(false);
        FakeChannel fast = new FakeChannel(true);
        RosterFeed slowFeed = new RosterFeed(slow, 4);
        RosterFeed fastFeed = new RosterFeed(fast, 4);
        for (int seq = 0; seq <= 10; seq++) {
            slowFeed.offer(seq, "m" + seq);
            fastFeed.offer(seq, "m" + seq);
        }
        assertThat(slow.closeCode).isEqualTo(RosterFeed.SLOW_READER_CLOSE_CODE);
        assertThat(slowFeed.offer(11, "m11")).isFalse();
        assertThat(fast.closeCode).isNull();
        assertThat(fast.sent).hasSize(11);
    }

    @Test
    void concurrentOffersNeverReorder() throws Exception {
        FakeChannel ch = new FakeChannel(true);
        RosterFeed feed = new RosterFeed(ch, 100_000);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong seq = new AtomicLong();
        for (int t = 0; t < 8; t++) {
            pool.submit(() -> {
                go.await();
                for (int i = 0; i < 500; i++) {
                    long s = seq.incrementAndGet();
                    feed.offer(s, Long.toString(s));
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
    void aChannelThatCompletesWritesInlineDrainsALongBacklogWithoutDeepeningTheStack() {
        FakeChannel ch = new FakeChannel(false);
        RosterFeed feed = new RosterFeed(ch, 200_000);
        for (int seq = 0; seq <= 100_000; seq++) {
            feed.offer(seq, Integer.toString(seq));
        }
        assertThat(ch.sent).hasSize(1);
        ch.completeAtOnce = true; // from now on every write completes inside send(), as Jetty may do
        ch.completeOne();          // a recursive writer would overflow the stack draining the 100,000 left
        assertThat(ch.sent).hasSize(100_001);
        assertThat(ch.sent.get(100_000)).isEqualTo("100000");
    }

    @Test
    void finishSendsWhatIsQueuedThenClosesNormally() {
        FakeChannel ch = new FakeChannel(false);
        RosterFeed feed = new RosterFeed(ch, 8);
        feed.offer(1, "m1");
        feed.offer(2, "ended");
        feed.finish(RosterFeed.NORMAL_CLOSE_CODE, "call ended");
        assertThat(ch.closeCode).isNull();
        ch.completeOne();
        ch.completeOne();
        assertThat(ch.sent).containsExactly("m1", "ended");
        assertThat(ch.closeCode).isEqualTo(1000);
        assertThat(feed.offer(3, "late")).isFalse();
    }
}
