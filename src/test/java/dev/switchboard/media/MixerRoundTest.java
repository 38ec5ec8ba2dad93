package dev.switchboard.media;

import dev.switchboard.testsupport.MediaPorts;
import dev.switchboard.testsupport.RtpPeer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A mixer thread's round over real rooms: a quiet room opened after a busy one on the same thread is ticked first. */
class MixerRoundTest {
    private final List<RtpPeer> peers = new ArrayList<>();
    private RtpMediaEngine engine;

    @AfterEach
    void tearDown() {
        peers.forEach(RtpPeer::close);
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void aQuietRoomOpenedAfterABusyOneIsTickedBeforeItAndBothKeepTheirAudio() {
        int[] range = MediaPorts.nextRange(40);
        engine = new RtpMediaEngine("127.0.0.1", range[0], range[1], new SimpleMeterRegistry());
        RtpRoom[] shared = TonePeers.twoRoomsOnOneMixerThread(engine, "room-"); // the busy one opened first
        RtpRoom busy = shared[0];
        RtpRoom quiet = shared[1];
        List<RtpLeg> talkers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            RtpPeer p = new RtpPeer("127.0.0.1");
            peers.add(p);
            RtpLeg leg = (RtpLeg) busy.addLeg("talker-" + i, p.offer("sendrecv"), InetAddress.getLoopbackAddress());
            p.startTone(leg.localPort(), 300 + 100 * i); // every leg talks: its own mix-minus, encode and send
            talkers.add(leg);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> talkers.stream().allMatch(RtpLeg::latched));
        MixerThread thread = busy.mixerThread();
        assertThat(thread.roundOrder().indexOf(quiet)).isGreaterThan(thread.roundOrder().indexOf(busy));
        RtpRoom q = quiet;
        await().atMost(Duration.ofSeconds(15))
                .until(() -> thread.roundOrder().indexOf(q) < thread.roundOrder().indexOf(busy));
        // the reorder lost nobody's audio: every talker keeps hearing the others
        RtpPeer ear = peers.get(0);
        ear.drain();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            RtpPeer.Packet p = ear.receive(100);
            return p != null && p.pcmuPeak() > 0.01;
        });
        assertThat(thread.roundOrder()).contains(busy, quiet);
    }
}
