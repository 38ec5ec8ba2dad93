package dev.switchboard.media;

import dev.switchboard.testsupport.MediaPorts;
import dev.switchboard.testsupport.RtpPeer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packet thread's registrations and closes through its doorbell ({@link PacketReceiver}). The engine here runs
 * its receiver without the select time-out (a safety net in production), so a registration or close whose ring was
 * lost would never take effect and these tests would fail instead of passing a second later.
 */
class PacketReceiverTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private RtpMediaEngine engine;

    private RtpMediaEngine engine(int ports) {
        int[] range = MediaPorts.nextRange(ports);
        engine = new RtpMediaEngine("127.0.0.1", "127.0.0.1", range[0], range[1], MediaAllowList.loopback(),
                new SimpleMeterRegistry(), 0);
        return engine;
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    private RtpPeer peer() {
        RtpPeer p = new RtpPeer("127.0.0.1");
        closeables.add(p);
        return p;
    }

    /** The leg has received its peer's first packet (a receiver report latches it). */
    private static void awaitFirstPacket(RtpLeg leg, RtpPeer peer) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
            if (!leg.latched()) {
                peer.sendReceiverReport(leg.localPort()); // again: UDP, and the first may have come before the bind
            }
            return leg.latched();
        });
    }

    @Test
    void aLegAddedWhileTheReceiverWaitsInSelectReceivesItsFirstPacket() throws Exception {
        MediaRoom room = engine(10).openRoom("call-idle");
        Thread.sleep(200); // nothing to receive: the packet thread is waiting in select, without a time-out
        RtpPeer peer = peer();
        RtpLeg leg = (RtpLeg) room.addLeg("p1", peer.offer("sendrecv"), LOOPBACK);

        awaitFirstPacket(leg, peer);

        // and a second leg, added once the first is registered and the thread waits again
        Thread.sleep(100);
        RtpPeer second = peer();
        RtpLeg other = (RtpLeg) room.addLeg("p2", second.offer("sendrecv"), LOOPBACK);
        awaitFirstPacket(other, second);
    }

    @Test
    void manyLegsRegisteredConcurrentlyAllReceive() throws Exception {
        int threads = 8;
        int perThread = 10;
        RtpMediaEngine media = engine(threads * perThread + 10);
        List<MediaRoom> rooms = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            rooms.add(media.openRoom("call-" + t));
        }
        List<RtpPeer> peers = new ArrayList<>();
        for (int i = 0; i < threads * perThread; i++) {
            peers.add(peer());
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<RtpLeg>>> added = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                added.add(pool.submit(() -> {
                    go.await();
                    List<RtpLeg> legs = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        RtpPeer peer = peers.get(thread * perThread + i);
                        legs.add((RtpLeg) rooms.get(thread).addLeg("p" + i, peer.offer("sendrecv"), LOOPBACK));
                    }
                    return legs;
                }));
            }
            go.countDown();
            List<RtpLeg> legs = new ArrayList<>();
            for (Future<List<RtpLeg>> f : added) {
                legs.addAll(f.get(10, TimeUnit.SECONDS));
            }
            assertThat(legs).hasSize(threads * perThread);
            for (int t = 0; t < threads; t++) {
                for (int i = 0; i < perThread; i++) {
                    awaitFirstPacket(legs.get(t * perThread + i), peers.get(t * perThread + i));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClosedLegsSocketIsFreedByThePacketThreadAndItsPortServesANewLeg() throws Exception {
        MediaRoom room = engine(1).openRoom("call-close");
        RtpPeer peer = peer();
        RtpLeg leg = (RtpLeg) room.addLeg("p1", peer.offer("sendrecv"), LOOPBACK);
        awaitFirstPacket(leg, peer);
        int port = leg.localPort();

        leg.close();

        assertThat(leg.isClosed()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> canBind(port)); // the socket is really gone
        // the range holds one port: the next leg gets the same one, and it receives
        RtpPeer next = peer();
        RtpLeg again = (RtpLeg) room.addLeg("p2", next.offer("sendrecv"), LOOPBACK);
        assertThat(again.localPort()).isEqualTo(port);
        awaitFirstPacket(again, next);
    }

    @Test
    void legsClosedAndAddedConcurrentlyLeaveEveryLiveLegReceiving() throws Exception {
        RtpMediaEngine media = engine(60);
        MediaRoom room = media.openRoom("call-churn");
        List<RtpLeg> live = new ArrayList<>();
        List<RtpPeer> livePeers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 5; round++) {
                List<Future<?>> work = new ArrayList<>();
                for (RtpLeg leg : live) {
                    work.add(pool.submit(leg::close));
                }
                List<RtpPeer> peers = new ArrayList<>();
                List<Future<RtpLeg>> added = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    RtpPeer peer = peer();
                    peers.add(peer);
                    String id = "r" + round + "-" + i;
                    added.add(pool.submit(() -> (RtpLeg) room.addLeg(id, peer.offer("sendrecv"), LOOPBACK)));
                }
                for (Future<?> f : work) {
                    f.get(10, TimeUnit.SECONDS);
                }
                live = new ArrayList<>();
                for (Future<RtpLeg> f : added) {
                    live.add(f.get(10, TimeUnit.SECONDS));
                }
                livePeers = peers;
                for (int i = 0; i < live.size(); i++) {
                    awaitFirstPacket(live.get(i), livePeers.get(i));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(live).hasSize(8).allSatisfy(l -> assertThat(l.isClosed()).isFalse());
    }

    /**
     * A leg of its own room, latched by receiver reports, every one of which the packet thread has read; its peer then
     * stays quiet for longer than {@link PacketReceiver#BURST_GAP_NANOS}.
     */
    private static RtpLeg quietLatchedLeg(RtpMediaEngine media, RtpPeer peer) throws InterruptedException {
        RtpLeg leg = (RtpLeg) media.openRoom("call-" + peer.port()).addLeg("p1", peer.offer("sendrecv"), LOOPBACK);
        AtomicInteger reports = new AtomicInteger();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
            if (!leg.latched()) {
                peer.sendReceiverReport(leg.localPort());
                reports.incrementAndGet();
            }
            return leg.latched();
        });
        // a report still unread (a starved packet thread) would share a wake-up with the test's first packet
        await().atMost(Duration.ofSeconds(5)).until(() -> leg.stats().packetsIn() == reports.get());
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(PacketReceiver.BURST_GAP_NANOS) + 10);
        return leg;
    }

    @Test
    void aPacedLegIsReadOncePerPacketWithoutAReadThatFindsNothing() throws Exception {
        RtpMediaEngine media = engine(2);
        RtpPeer peer = peer();
        RtpLeg leg = quietLatchedLeg(media, peer);
        long emptyBefore = media.receiver().emptyReads();
        long in = leg.stats().packetsIn();

        int frames = 20;
        for (int i = 0; i < frames; i++) {
            peer.sendFrame(leg.localPort(), RtpPeer.pcmuTone(440, i));
            long expected = in + i + 1;
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1))
                    .until(() -> leg.stats().packetsIn() == expected);
            // paced: the next packet comes well after this one's wake-up, as a talking peer's do every 20 ms
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(PacketReceiver.BURST_GAP_NANOS) + 2);
        }

        // one recvfrom per packet: reading on until the socket answered EAGAIN would have cost one more each
        assertThat(media.receiver().emptyReads() - emptyBefore).isZero();
    }

    @Test
    void aBurstIsReadInFullThoughAPacedLegGetsOneReadPerWakeUp() throws Exception {
        RtpMediaEngine media = engine(2);
        RtpPeer peer = peer();
        RtpLeg leg = quietLatchedLeg(media, peer); // its key was last ready long ago: the burst's first wake-up reads one
        long in = leg.stats().packetsIn();

        int burst = 3 * PacketReceiver.READS_PER_WAKEUP + 5;
        for (int i = 0; i < burst; i++) {
            peer.sendFrame(leg.localPort(), RtpPeer.pcmuTone(440, i));
        }

        // the rest waits in the socket, and the level-triggered selector reports it again at once: nothing stays
        await().atMost(Duration.ofSeconds(5)).until(() -> leg.stats().packetsIn() == in + burst);
    }

    private static boolean canBind(int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
            return s.getLocalPort() == port;
        } catch (SocketException e) {
            return false;
        }
    }
}
