package dev.switchboard.client;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

class RosterStreamTest {

    /** A channel whose writes complete only when the test says so (a slow network), or at once. */
    static final class FakeChannel implements RosterChannel {
        final List<String> sent = new CopyOnWriteArrayList<>();
        final List<Runnable> pending = new ArrayList<>();
        final boolean completeAtOnce;
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
    void snapshotFirstThenEachChangeInOrder() {
        RosterStream stream = new RosterStream(16);
        FakeChannel ch = new FakeChannel(true);
        stream.subscribe("c1", ch, () -> new RosterStream.Snapshot(3, "s3"));
        stream.publish("c1", 3, "dup-of-snapshot");
        stream.publish("c1", 4, "m4");
        stream.publish("c2", 5, "other-call");
        stream.publish("c1", 5, "m5");
        assertThat(ch.sent).containsExactly("s3", "m4", "m5");
    }

    @Test
    void onlyOneWriteInFlightAndBacklogDrainsInOrder() {
        RosterStream stream = new RosterStream(16);
        FakeChannel ch = new FakeChannel(false);
        stream.subscribe("c1", ch, () -> new RosterStream.Snapshot(1, "m1"));
        stream.publish("c1", 2, "m2");
        stream.publish("c1", 3, "m3");
        assertThat(ch.sent).containsExactly("m1");
        ch.completeOne();
        assertThat(ch.sent).containsExactly("m1", "m2");
        ch.completeOne();
        ch.completeOne();
        assertThat(ch.sent).containsExactly("m1", "m2", "m3");
    }

    @Test
    void slowReaderIsDisconnectedWithoutDisturbingOthers() {
        RosterStream stream = new RosterStream(4);
        FakeChannel slow = new FakeChannel(false);
        FakeChannel fast = new FakeChannel(true);
        stream.subscribe("c1", slow, () -> new RosterStream.Snapshot(0, "m0"));
        stream.subscribe("c1", fast, () -> new RosterStream.Snapshot(0, "m0"));
        for (int seq = 1; seq <= 10; seq++) {
            stream.publish("c1", seq, "m" + seq);
        }
        assertThat(slow.closeCode).isEqualTo(RosterSubscriber.SLOW_READER_CLOSE_CODE);
        assertThat(fast.closeCode).isNull();
        assertThat(fast.sent).hasSize(11);
        assertThat(stream.subscriberCount("c1")).isEqualTo(1);
    }

    @Test
    void concurrentPublishersNeverReorderMessages() throws Exception {
        RosterStream stream = new RosterStream(10_000);
        FakeChannel ch = new FakeChannel(true);
        stream.subscribe("c1", ch, () -> new RosterStream.Snapshot(0, "0"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicLong seq = new java.util.concurrent.atomic.AtomicLong();
        for (int t = 0; t < 8; t++) {
            pool.submit(() -> {
                go.await();
                for (int i = 0; i < 500; i++) {
                    synchronized (seq) { // the call engine publishes under the call's lock, in sequence order
                        long s = seq.incrementAndGet();
                        stream.publish("c1", s, Long.toString(s));
                    }
                }
                return null;
            });
        }
        go.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        List<Long> received = ch.sent.stream().map(Long::parseLong).toList();
        assertThat(received).hasSize(4001).isSorted();
    }

    @Test
    void endingTheCallClosesReadersNormally() {
        RosterStream stream = new RosterStream(4);
        FakeChannel ch = new FakeChannel(true);
        stream.subscribe("c1", ch, () -> new RosterStream.Snapshot(0, "m0"));
        stream.endCall("c1", "call ended");
        assertThat(ch.closeCode).isEqualTo(1000);
        assertThat(stream.subscriberCount("c1")).isZero();
        stream.publish("c1", 1, "m1");
        assertThat(ch.sent).containsExactly("m0");
    }
}
