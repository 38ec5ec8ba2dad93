package dev.switchboard.media;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.codec.FrameDecoder;
import dev.switchboard.media.codec.OpusCodecs;
import dev.switchboard.media.codec.OpusEncoderSettings;
import dev.switchboard.media.codec.OpusLibrary;
import dev.switchboard.testsupport.MediaPorts;
import dev.switchboard.testsupport.RtpPeer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The zero-leak rule for Opus listeners, through real rooms over real UDP: a PCMU talker sends a loud tone (−4 dBFS);
 * once the server mute returns, every Opus packet a listener gets, decoded by a fresh decoder (nothing of the stream
 * before the mute), is silence (peak at most {@link MuteRestartTest#SILENT_PEAK}) — not even the few milliseconds of
 * the tone an Opus encoder's history holds (CELT's overlap, the delay compensation, SILK's state). Two rooms: in one,
 * two Opus listeners hear the talker through the room's shared encoder; in the other, an Opus talker hears it through
 * its own encoder (its mix-minus). Each Opus implementation with each preset. Packets are told apart by their place in
 * each listener's stream: the listener leg's {@code packetsOut} when the mute returned (every packet sent before is
 * counted by then: the mute waits for a send in flight), and loopback UDP keeps the order. Whether the mute lands
 * between ticks or between two sends of a tick is up to the mixer thread here; {@code MuteRestartTest} makes each happen.
 */
class OpusZeroLeakTest {
    private final OpusLibrary before = OpusCodecs.current().requested();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private RtpMediaEngine engine;

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        if (engine != null) {
            engine.close();
        }
        OpusCodecs.use(before);
    }

    @ParameterizedTest(name = "{0}, {1} preset")
    @CsvSource({"concentus, switchboard", "concentus, janus", "libopus, switchboard", "libopus, janus"})
    void noOpusPacketSentAfterAServerMuteCarriesTheMutedTalkersAudio(String library, String preset) throws Exception {
        OpusLibrary lib = OpusLibrary.parse(library);
        if (lib == OpusLibrary.LIBOPUS) {
            assumeTrue(MuteRestartTest.libopusAvailable(), "libopus through the FFM API is not available here (JDK 22+ and libopus0)");
        }
        OpusCodecs.use(lib);
        int[] range = MediaPorts.nextRange(20);
        engine = new RtpMediaEngine("127.0.0.1", range[0], range[1], new SimpleMeterRegistry());
        engine.useOpusEncoder(OpusEncoderSettings.preset(preset));
        MediaRoom sharedRoom = engine.openRoom("shared");
        MediaRoom ownRoom = engine.openRoom("own");

        RtpPeer talker1 = peer();
        RtpLeg muted1 = join(sharedRoom, "talker", talker1, talker1.offer("sendrecv"));
        Collector listener1 = collector(sharedRoom, "listener1");
        Collector listener2 = collector(sharedRoom, "listener2");
        RtpPeer talker2 = peer();
        RtpLeg muted2 = join(ownRoom, "talker", talker2, talker2.offer("sendrecv"));
        Collector other = collector(ownRoom, "other-talker");
        // −30 dBFS at 300 Hz: it talks, so it hears its own mix
        OpusTalker quiet = new OpusTalker(other.peer, other.leg.localPort(), OpusEncoderSettings.SWITCHBOARD, 1_000, 300);
        closeables.add(quiet);

        talker1.startTone(muted1.localPort(), 1000, 20_000);
        talker2.startTone(muted2.localPort(), 1000, 20_000);
        awaitMixed(muted1, 25);
        awaitMixed(muted2, 25);
        awaitMixed(other.leg, 25);

        muted1.setServerMuted(true);
        int sharedBoundary1 = (int) listener1.leg.stats().packetsOut();
        int sharedBoundary2 = (int) listener2.leg.stats().packetsOut();
        muted2.setServerMuted(true);
        int ownBoundary = (int) other.leg.stats().packetsOut();
        long otherMixed = other.leg.stats().framesMixed();

        listener1.expectSilenceAfter(sharedBoundary1, library + ", " + preset + ": a listener of the shared encoder");
        listener2.expectSilenceAfter(sharedBoundary2, library + ", " + preset + ": another listener of the shared encoder");
        other.expectSilenceAfter(ownBoundary, library + ", " + preset + ": a talker hearing its mix-minus through its own encoder");
        assertThat(other.leg.stats().framesMixed() - otherMixed).as("the other talker still talked (so it heard its own encoder)")
                .isGreaterThanOrEqualTo(10);
        assertThat(muted1.stats().mixedAfterServerMute() + muted2.stats().mixedAfterServerMute()).isZero();
    }

    private RtpPeer peer() {
        RtpPeer p = new RtpPeer("127.0.0.1");
        closeables.add(p);
        return p;
    }

    private static RtpLeg join(MediaRoom room, String id, RtpPeer peer, String sdp) {
        RtpLeg leg = (RtpLeg) room.addLeg(id, sdp, InetAddress.getLoopbackAddress());
        peer.sendReceiverReport(leg.localPort());
        await().atMost(Duration.ofSeconds(10)).until(leg::latched);
        return leg;
    }

    /** An Opus leg whose every packet is kept from its first on. */
    private Collector collector(MediaRoom room, String id) {
        RtpPeer p = peer();
        Collector c = new Collector(p);
        closeables.add(c);
        c.leg = join(room, id, p, OpusTalker.offer(p));
        return c;
    }

    private static void awaitMixed(RtpLeg leg, int frames) {
        long from = leg.stats().framesMixed();
        await().atMost(Duration.ofSeconds(15)).until(() -> leg.stats().framesMixed() >= from + frames);
    }

    /** Receives every packet a peer gets, in order, from before its leg latches (so the n-th kept is the n-th sent). */
    private static final class Collector implements AutoCloseable {
        final RtpPeer peer;
        final List<RtpPeer.Packet> packets = Collections.synchronizedList(new ArrayList<>());
        private volatile boolean running = true;
        private final Thread thread;
        RtpLeg leg;

        Collector(RtpPeer peer) {
            this.peer = peer;
            this.thread = Thread.ofPlatform().daemon(true).name("leak-listener").start(() -> {
                while (running) {
                    RtpPeer.Packet p = peer.receive(50);
                    if (p != null) {
                        packets.add(p);
                    }
                }
            });
        }

        /** Waits for 25 packets sent after the first {@code boundary}, then decodes those from scratch: all silence. */
        void expectSilenceAfter(int boundary, String what) {
            await(what).atMost(Duration.ofSeconds(15)).until(() -> packets.size() >= boundary + 25);
            List<RtpPeer.Packet> all;
            synchronized (packets) {
                all = new ArrayList<>(packets);
            }
            for (int i = 1; i < all.size(); i++) {
                assertThat(all.get(i).sequence()).as("%s: packet %d follows packet %d", what, i, i - 1)
                        .isEqualTo((all.get(i - 1).sequence() + 1) & 0xFFFF);
            }
            FrameDecoder heard = OpusCodecs.current().newDecoder();
            short[] pcm = new short[AudioCodec.MIX_FRAME];
            int loudest = 0;
            for (int i = 0; i < boundary; i++) {
                RtpPeer.Packet p = all.get(i);
                int peak = MuteRestartTest.peak(heard, p.payload(), pcm);
                loudest = i >= boundary - 10 ? Math.max(loudest, peak) : loudest;
            }
            assertThat(loudest).as("%s: the tone was heard before the mute", what).isGreaterThan(8_000);
            FrameDecoder fresh = OpusCodecs.current().newDecoder();
            List<Integer> peaks = new ArrayList<>();
            for (int i = boundary; i < all.size(); i++) {
                RtpPeer.Packet p = all.get(i);
                peaks.add(MuteRestartTest.peak(fresh, p.payload(), pcm));
            }
            heard.close();
            fresh.close();
            assertThat(peaks).as("%s: each packet's peak after the mute, decoded from scratch (of 32767)", what)
                    .allMatch(p -> p <= MuteRestartTest.SILENT_PEAK);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(2_000);
        }
    }
}
