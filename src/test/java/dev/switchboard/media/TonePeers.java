package dev.switchboard.media;

import dev.switchboard.testsupport.MediaPorts;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.ToneWindows;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real media engine on free ports and PCMU peers over real UDP, for tests that check who hears which tone: join and
 * latch a leg, wait until a tone is heard, check the next packets for the tones they must and must not carry. Tones
 * sit on multiples of 50 Hz (whole cycles in a 20 ms packet), so one tone's Goertzel level does not leak into another's.
 */
final class TonePeers implements AutoCloseable {
    static final double PRESENT = ToneWindows.PRESENT;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final RtpMediaEngine engine;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<RtpLeg> legs = new java.util.concurrent.CopyOnWriteArrayList<>();

    TonePeers() {
        int[] range = MediaPorts.nextRange(20);
        engine = new RtpMediaEngine("127.0.0.1", range[0], range[1], meters);
    }

    RtpPeer peer() {
        RtpPeer p = new RtpPeer("127.0.0.1");
        closeables.add(p);
        return p;
    }

    /**
     * Two rooms on one mixer thread: rooms are opened (ids {@code prefix0}, {@code prefix1}, …) until two share a
     * thread. Where a new room goes depends on how long each thread's rounds take, so no one room's thread can be
     * counted on; but with at most 4 mixer threads, the fifth room shares one with an earlier room whatever the
     * placement.
     */
    RtpRoom[] twoRoomsOnOneMixerThread(String prefix) {
        return twoRoomsOnOneMixerThread(engine, prefix);
    }

    /** {@link #twoRoomsOnOneMixerThread(String)} in any engine; the first of the two was opened first. */
    static RtpRoom[] twoRoomsOnOneMixerThread(RtpMediaEngine engine, String prefix) {
        List<RtpRoom> opened = new ArrayList<>();
        for (int i = 0; ; i++) {
            assertThat(i).as("rooms opened: more than the mixer threads (at most 4)").isLessThan(5);
            RtpRoom r = (RtpRoom) engine.openRoom(prefix + i);
            for (RtpRoom o : opened) {
                if (o.mixerThread() == r.mixerThread()) {
                    return new RtpRoom[] {o, r};
                }
            }
            opened.add(r);
        }
    }

    /** Joins and latches a PCMU leg (the peer's receiver report), so the server sends it its mix. */
    RtpLeg join(MediaRoom room, String id, RtpPeer peer) {
        RtpLeg leg = (RtpLeg) room.addLeg(id, peer.offer("sendrecv"), LOOPBACK);
        peer.sendReceiverReport(leg.localPort());
        await().atMost(Duration.ofSeconds(5)).until(leg::latched);
        legs.add(leg);
        return leg;
    }

    /** Waits until a packet the listener gets now carries {@code hz} (what queued before is dropped first). */
    static void awaitHearing(RtpPeer listener, double hz) {
        listener.drain();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            RtpPeer.Packet p = listener.receive(50);
            return p != null && p.pcmuLevelDbfs(hz) > PRESENT;
        });
    }

    /** Waits until the server has received {@code frames} more of the leg's packets (its talker is in the room). */
    static void awaitFramesFrom(RtpLeg leg, int frames) {
        long from = leg.stats().packetsIn();
        await().atMost(Duration.ofSeconds(5)).until(() -> leg.stats().packetsIn() >= from + frames);
    }

    /** The next {@code count} packets the listener gets, each checked for the tones it must and must not carry ({@link ToneWindows}). */
    void expectPackets(RtpPeer listener, int count, double[] present, double[] absent) {
        ToneWindows.expect(listener, count, present, absent, this::underruns);
    }

    /** Everything that makes a talker's stream underrun on a starved machine, summed; it only grows. */
    private long underruns() {
        MediaStats stats = engine.stats();
        long sum = RtpPeer.lateSends() + stats.dropped(DropReason.LATE) + stats.lateTicks();
        for (RtpLeg leg : legs) {
            sum += leg.stats().framesConcealed();
        }
        return sum;
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        engine.close();
    }
}
