package dev.switchboard.media;

import dev.switchboard.error.SwitchboardException;
import dev.switchboard.error.ErrorCode;
import dev.switchboard.testsupport.MediaPorts;
import dev.switchboard.testsupport.RtpPeer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The engine over real UDP on loopback, with {@link RtpPeer}s as participants. */
class RtpMediaEngineTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private RtpMediaEngine engine;
    private MediaRoom room;

    @BeforeEach
    void setUp() {
        int[] range = MediaPorts.nextRange(40);
        engine = new RtpMediaEngine("127.0.0.1", range[0], range[1], meters);
        room = engine.openRoom("call-1");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        engine.close();
    }

    private RtpPeer peer(String host) {
        RtpPeer p = new RtpPeer(host);
        closeables.add(p);
        return p;
    }

    /** Joins and latches the leg (the peer's RTCP receiver report), so the server sends it its mix from now on. */
    private RtpLeg join(String id, RtpPeer peer, String direction) {
        RtpLeg leg = joinWithoutLatching(id, peer, direction);
        peer.sendReceiverReport(leg.localPort());
        boolean peerReceives = direction.equals("sendrecv") || direction.equals("recvonly");
        await().atMost(Duration.ofSeconds(15)).until(() -> leg.latched() || !peerReceives);
        return leg;
    }

    private RtpLeg joinWithoutLatching(String id, RtpPeer peer, String direction) {
        return (RtpLeg) room.addLeg(id, peer.offer(direction), LOOPBACK);
    }

    /** Waits until the listener receives a packet carrying the tone. */
    private static void awaitTone(RtpPeer listener, double hz) {
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            RtpPeer.Packet p = listener.receive(50);
            return p != null && p.pcmuLevelDbfs(hz) > -30;
        });
    }

    @Test
    void mutedLegPacketsNeverReachTheMixAfterSetServerMutedReturns() {
        RtpPeer talker = peer("127.0.0.1");
        RtpPeer listener = peer("127.0.0.1");
        RtpLeg t = join("talker", talker, "sendrecv");
        join("listener", listener, "sendrecv");
        talker.startTone(t.localPort(), 440);
        awaitTone(listener, 440);

        t.setServerMuted(true);
        listener.drain(); // what the server sent before the mute returned
        long until = System.nanoTime() + 500_000_000L;
        int received = 0;
        while (System.nanoTime() < until) {
            RtpPeer.Packet p = listener.receive(50);
            if (p != null) {
                received++;
                assertThat(p.pcmuPeak()).as("packet %d after the mute", received).isLessThan(0.001);
            }
        }
        assertThat(received).as("the listener keeps getting (silent) packets").isGreaterThan(15);
        LegStats s = t.stats();
        assertThat(s.dropped(DropReason.SERVER_MUTED)).isGreaterThan(15);
        assertThat(s.mixedAfterServerMute()).isZero();
        assertThat(s.serverMuted()).isTrue();

        t.setServerMuted(false);
        awaitTone(listener, 440);
        assertThat(engine.stats().mixedAfterMute()).isZero();
    }

    @Test
    void repeatedMutesWhileTalkingNeverLetTheToneOut() {
        RtpPeer talker = peer("127.0.0.1");
        RtpPeer listener = peer("127.0.0.1");
        RtpLeg t = join("talker", talker, "sendrecv");
        join("listener", listener, "sendrecv");
        talker.startTone(t.localPort(), 440);
        for (int cycle = 0; cycle < 8; cycle++) {
            awaitTone(listener, 440);
            t.setServerMuted(true);
            listener.drain();
            for (int i = 0; i < 5; i++) {
                RtpPeer.Packet p = listener.receive(40);
                if (p != null) {
                    assertThat(p.pcmuPeak()).as("cycle %d packet %d after the mute", cycle, i).isLessThan(0.001);
                }
            }
            t.setServerMuted(false);
        }
        assertThat(t.stats().mixedAfterServerMute()).isZero();
        assertThat(engine.stats().mixedAfterMute()).isZero();
    }

    @Test
    void framesBufferedBeforeTheMuteAreDiscardedAndCounted() {
        RtpPeer talker = peer("127.0.0.1");
        RtpPeer listener = peer("127.0.0.1");
        RtpLeg t = join("talker", talker, "sendrecv");
        join("listener", listener, "sendrecv");
        long in0 = t.stats().packetsIn();
        for (int i = 0; i < 8; i++) {
            talker.sendFrame(t.localPort(), RtpPeer.pcmuTone(440, i)); // a burst: the jitter buffer holds it
        }
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(1)).until(() -> t.stats().packetsIn() == in0 + 8);
        t.setServerMuted(true);
        listener.drain();
        LegStats s = t.stats();
        // how many of the 8 the mixer played before the mute depends on the machine's speed (PlayoutTest pins the
        // discard count down without threads); every frame is either mixed or discarded and counted
        assertThat(s.framesMixed() + s.dropped(DropReason.SERVER_MUTED) + s.dropped(DropReason.QUEUE_FULL))
                .as("%s", s).isGreaterThanOrEqualTo(8);
        for (int i = 0; i < 10; i++) {
            RtpPeer.Packet p = listener.receive(40);
            if (p != null) {
                assertThat(p.pcmuPeak()).isLessThan(0.001);
            }
        }
        assertThat(t.stats().mixedAfterServerMute()).isZero();
    }

    @Test
    void unmuteResumesWithoutABurstOfStaleAudio() {
        RtpPeer talker = peer("127.0.0.1");
        RtpPeer listener = peer("127.0.0.1");
        RtpLeg t = join("talker", talker, "sendrecv");
        join("listener", listener, "sendrecv");
        t.setServerMuted(true);
        for (int i = 0; i < 8; i++) {
            talker.sendFrame(t.localPort(), RtpPeer.pcmuTone(440, i));
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> t.stats().dropped(DropReason.SERVER_MUTED) == 8);
        t.setServerMuted(false);
        listener.drain();
        for (int i = 0; i < 10; i++) {
            RtpPeer.Packet p = listener.receive(40);
            if (p != null) {
                assertThat(p.pcmuPeak()).as("nothing sent while muted comes out after the unmute").isLessThan(0.001);
            }
        }
        assertThat(t.stats().framesMixed()).isZero();
    }

    @Test
    void unmutingALegThatIsNotMutedKeepsItsBufferedAudio() {
        RtpPeer talker = peer("127.0.0.1");
        RtpLeg t = join("talker", talker, "sendrecv");
        t.setServerMuted(true);
        t.setServerMuted(false);
        long in0 = t.stats().packetsIn();
        for (int i = 0; i < 4; i++) {
            talker.sendFrame(t.localPort(), RtpPeer.pcmuTone(440, i));
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> t.stats().packetsIn() == in0 + 4);
        t.setServerMuted(false);
        t.setClientMuted(false);
        await().atMost(Duration.ofSeconds(15)).until(() -> t.stats().framesMixed() >= 4); // plus concealment after the last one
        assertThat(t.stats().dropped(DropReason.SERVER_MUTED)).isZero();
    }

    @Test
    void clientMuteDropsAtIngressAndAMutedLegStillHears() {
        RtpPeer a = peer("127.0.0.1");
        RtpPeer b = peer("127.0.0.1");
        RtpLeg la = join("a", a, "sendrecv");
        RtpLeg lb = join("b", b, "sendrecv");
        la.setClientMuted(true);
        a.startTone(la.localPort(), 440);
        b.startTone(lb.localPort(), 660);
        awaitTone(a, 660);
        await().atMost(Duration.ofSeconds(15)).until(() -> la.stats().dropped(DropReason.CLIENT_MUTED) > 10);
        b.drain();
        for (int i = 0; i < 10; i++) {
            RtpPeer.Packet p = b.receive(40);
            if (p != null) {
                assertThat(p.pcmuLevelDbfs(440)).isLessThan(-60);
            }
        }
        assertThat(la.stats().mixedAfterClientMute()).isZero();
    }

    @Test
    void packetsFromAnotherAddressOrAnotherPortAfterLatchingAreDropped() {
        RtpPeer talker = peer("127.0.0.1");
        RtpPeer stranger = peer("127.0.0.2");
        RtpPeer samehostOtherPort = peer("127.0.0.1");
        RtpLeg t = join("talker", talker, "sendrecv");
        long in0 = t.stats().packetsIn();
        talker.sendFrame(t.localPort(), RtpPeer.pcmuTone(440, 0)); // latches talker's port
        await().until(() -> t.stats().packetsIn() == in0 + 1);
        stranger.sendFrame(t.localPort(), RtpPeer.pcmuTone(440, 1));
        samehostOtherPort.sendFrame(t.localPort(), RtpPeer.pcmuTone(440, 2));
        await().atMost(Duration.ofSeconds(15)).until(() -> t.stats().dropped(DropReason.UNEXPECTED_SOURCE) == 2);
        assertThat(engine.stats().dropped(DropReason.UNEXPECTED_SOURCE)).isEqualTo(2);
    }

    @Test
    void malformedPacketsAreCountedAndNeverStallTheLeg() {
        RtpPeer talker = peer("127.0.0.1");
        RtpPeer listener = peer("127.0.0.1");
        RtpLeg t = join("talker", talker, "sendrecv");
        join("listener", listener, "sendrecv");
        byte[] good = RtpPeer.rtp(0, 1, 0, 7, RtpPeer.pcmuTone(440, 0));
        List<byte[]> bad = new ArrayList<>();
        bad.add(new byte[] {(byte) 0x80, 0, 0});                         // truncated header
        bad.add(with(good, 0, 0x40));                                      // version 1
        bad.add(with(RtpPeer.rtp(0, 2, 0, 7, new byte[20]), 0, 0x8F));   // 15 CSRCs claimed, 20 bytes there
        bad.add(with(with(good, 0, 0x90), 14, 0x7F));                      // extension longer than the packet
        bad.add(with(with(good, 0, 0xA0), good.length - 1, 0xFF));        // padding count beyond the payload
        bad.add(with(with(good, 0, 0xA0), good.length - 1, 0));           // padding count 0
        bad.add(with(good, 1, 96));                                        // payload type never negotiated
        bad.add(new byte[] {(byte) 0x81, (byte) 200, 0, 9, 0, 0, 0, 1});  // RTCP whose length lies
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            byte[] junk = new byte[random.nextInt(1, 400)];
            random.nextBytes(junk);
            junk[0] = (byte) ((junk[0] & 0x3F) | (random.nextBoolean() ? 0x00 : 0xC0)); // never version 2
            bad.add(junk);
        }
        long in0 = t.stats().packetsIn();
        for (int i = 0; i < bad.size(); i++) {
            talker.sendRaw(t.localPort(), bad.get(i));
            if (i % 20 == 19) { // small bursts: a busy box must not overflow the socket buffer in the kernel
                long sent = in0 + i + 1;
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(2)).until(() -> t.stats().packetsIn() >= sent);
            }
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(t.stats().dropped(DropReason.MALFORMED))
                .as("%s", t.stats()).isEqualTo(bad.size()));
        talker.startTone(t.localPort(), 440);
        awaitTone(listener, 440);
    }

    @Test
    void legsBoundToTheWildcardAdvertiseTheGivenAddressAndCarryAudio() throws Exception {
        engine.close();
        int[] range = MediaPorts.nextRange(10);
        engine = new RtpMediaEngine("0.0.0.0", "127.0.0.1", range[0], range[1], meters);
        room = engine.openRoom("wildcard");
        RtpPeer talker = peer("127.0.0.1");
        RtpPeer listener = peer("127.0.0.1");
        RtpLeg t = join("talker", talker, "sendrecv");
        join("listener", listener, "sendrecv");
        assertThat(t.sdpAnswer()).contains("c=IN IP4 127.0.0.1").doesNotContain("0.0.0.0");
        talker.startTone(t.localPort(), 440);
        awaitTone(listener, 440);
        assertThatThrownBy(() -> new RtpMediaEngine("0.0.0.0", "0.0.0.0", range[0], range[1], meters))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--media-address");
    }

    @Test
    void aFloodingLegDoesNotStarveTheOthers() throws Exception {
        RtpPeer talker = peer("127.0.0.1");
        RtpPeer listener = peer("127.0.0.1");
        RtpPeer flooder = peer("127.0.0.1");
        RtpLeg t = join("talker", talker, "sendrecv");
        join("listener", listener, "sendrecv");
        RtpLeg f = join("flooder", flooder, "sendrecv");
        talker.startTone(t.localPort(), 440);
        awaitTone(listener, 440);
        Thread flood = Thread.ofPlatform().start(() -> {
            byte[] payload = RtpPeer.pcmuTone(660, 0);
            long end = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < end) {
                flooder.sendFrame(f.localPort(), payload);
            }
        });
        listener.drain();
        long talkerSentBefore = talker.framesSent();
        int tonePackets = 0;
        long end = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < end) {
            RtpPeer.Packet p = listener.receive(50);
            if (p != null && p.pcmuLevelDbfs(440) > -30) {
                tonePackets++;
            }
        }
        flood.join();
        talker.stopTone();
        // behaviour, not speed: the packet thread serves the talker's socket while the flood lasts (its audio reaches
        // the listener during the flood, and nothing the talker sent is lost in its socket), and the flood is paid
        // for by the flooder's own budget. How many talker frames a busy machine mixes on time is not asserted: a
        // starved test thread sends in bursts, which the talker's jitter buffer trims (queue_full) by design.
        long talkerSent = talker.framesSent() - talkerSentBefore;
        assertThat(talkerSent).as("talker packets sent during the flood").isGreaterThan(10);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(t.stats().packetsIn())
                .as("every talker packet reached its leg").isEqualTo(talker.framesSent() + 1)); // + its receiver report
        assertThat(tonePackets).as("440 Hz packets at the listener in one second of flooding").isGreaterThan(10);
        assertThat(f.stats().dropped(DropReason.QUEUE_FULL)).as("the flood is dropped on the flooder's budget").isGreaterThan(100);
        assertThat(t.stats().dropped(DropReason.UNEXPECTED_SOURCE) + t.stats().dropped(DropReason.MALFORMED)).isZero();
    }

    @Test
    void anOfferNamingAnotherAddressIsABadRequestThatSaysWhy() throws Exception {
        String foreign = "v=0\r\nc=IN IP4 192.0.2.7\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
        assertThatThrownBy(() -> room.addLeg("x", foreign, LOOPBACK))
                .isInstanceOfSatisfying(SwitchboardException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
                    assertThat(e.getMessage()).contains("192.0.2.7").contains("127.0.0.1").contains("--media-allow");
                });
        assertThat(engine.stats().portsInUse()).as("nothing was opened for the refused offer").isZero();
        MediaLeg own = room.addLeg("y", foreign, InetAddress.getByName("192.0.2.7"));
        assertThat(own.sdpAnswer()).as("the requester's own address is always allowed").contains("m=audio");
    }

    @Test
    void theAllowListReplacesLoopbackButNeverTheRequestersOwnAddress() throws Exception {
        engine.close();
        int[] range = MediaPorts.nextRange(4);
        engine = new RtpMediaEngine("127.0.0.1", "127.0.0.1", range[0], range[1], MediaAllowList.parse("10.0.0.0/8, 192.0.2.7"), meters);
        room = engine.openRoom("allow");
        InetAddress remote = InetAddress.getByName("203.0.113.9");
        assertThat(room.addLeg("a", offerAt("10.200.3.4"), remote)).isNotNull();
        assertThat(room.addLeg("b", offerAt("192.0.2.7"), remote)).isNotNull();
        assertThat(room.addLeg("c", offerAt("203.0.113.9"), remote)).isNotNull();
        assertThat(room.addLeg("hold", offerAt("0.0.0.0"), remote)).as("hold: nothing is sent").isNotNull();
        for (String refused : List.of("127.0.0.1", "192.0.2.8", "11.0.0.1")) {
            assertThatThrownBy(() -> room.addLeg("d", offerAt(refused), remote)).as(refused)
                    .isInstanceOfSatisfying(SwitchboardException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        }
    }

    private static String offerAt(String address) {
        return "v=0\r\nc=IN IP4 " + address + "\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
    }

    @Test
    void aLegWhosePeerNeverSendsIsSentNothingUntilItsAddressSendsValidRtp() {
        RtpPeer talker = peer("127.0.0.1");
        RtpPeer quiet = peer("127.0.0.2"); // an address that never asked for audio, as in the reflection attack
        RtpPeer other = peer("127.0.0.3");
        RtpLeg t = join("talker", talker, "sendrecv");
        RtpLeg q = joinWithoutLatching("quiet", quiet, "sendrecv");
        talker.startTone(t.localPort(), 440);
        other.sendFrame(q.localPort(), RtpPeer.pcmuTone(660, 0)); // a third address cannot unlock it
        other.sendReceiverReport(q.localPort());
        await().atMost(Duration.ofSeconds(15)).until(() -> q.stats().dropped(DropReason.UNEXPECTED_SOURCE) == 2);
        await().atMost(Duration.ofSeconds(15)).until(() -> q.stats().packetsWithheld() > 10);
        assertThat(quiet.receive(300)).as("nothing is sent to an address that has not sent valid RTP").isNull();
        assertThat(q.stats().packetsOut()).isZero();
        assertThat(engine.stats().packetsWithheld()).isGreaterThan(10);

        quiet.sendFrame(q.localPort(), new byte[160]); // valid RTP from the offer's own address
        awaitTone(quiet, 440);
        assertThat(q.stats().packetsOut()).isPositive();
    }

    @Test
    void duplicatesAndLatePacketsAreCounted() {
        RtpPeer talker = peer("127.0.0.1");
        RtpLeg t = join("talker", talker, "sendrecv");
        byte[] tone = RtpPeer.pcmuTone(440, 0);
        talker.sendRaw(t.localPort(), RtpPeer.rtp(0, 500, 0, 9, tone));
        talker.sendRaw(t.localPort(), RtpPeer.rtp(0, 500, 0, 9, tone));
        talker.sendRaw(t.localPort(), RtpPeer.rtp(0, 501, 160, 9, tone));
        await().atMost(Duration.ofSeconds(15)).until(() -> t.stats().framesMixed() >= 2);
        talker.sendRaw(t.localPort(), RtpPeer.rtp(0, 499, 0, 9, tone));
        await().atMost(Duration.ofSeconds(15)).until(() -> t.stats().dropped(DropReason.LATE) == 1);
        assertThat(t.stats().dropped(DropReason.DUPLICATE)).isEqualTo(1);
    }

    @Test
    void recvonlyOfferGetsSendonlyAnswerAndItsPacketsAreNotMixed() {
        RtpPeer p = peer("127.0.0.1");
        RtpLeg leg = join("listener", p, "recvonly");
        assertThat(leg.sdpAnswer()).contains("a=sendonly").contains("m=audio " + leg.localPort() + " RTP/AVP 0");
        p.sendFrame(leg.localPort(), RtpPeer.pcmuTone(440, 0));
        await().atMost(Duration.ofSeconds(15)).until(() -> leg.stats().dropped(DropReason.CLIENT_MUTED) == 1);
    }

    @Test
    void badOffersAreBadRequestsThatSayWhy() {
        assertThatThrownBy(() -> room.addLeg("x", "v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 4000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n", LOOPBACK))
                .isInstanceOfSatisfying(SwitchboardException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
                    assertThat(e.getMessage()).contains("No common audio codec").contains("G729/8000").contains("PCMU/8000");
                });
        assertThatThrownBy(() -> room.addLeg("x", "hello", LOOPBACK))
                .isInstanceOfSatisfying(SwitchboardException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        assertThat(engine.stats().portsInUse()).isZero();
    }

    @Test
    void aServerLegIsSilentButMutesLikeAnyLeg() {
        ServerLeg bot = (ServerLeg) room.addServerLeg("bot");
        assertThat(bot.sdpAnswer()).isNull();
        assertThat(bot.stats().localPort()).isZero();
        bot.setServerMuted(true);
        assertThat(bot.stats().serverMuted()).isTrue();
        bot.setServerMuted(false);
        bot.setClientMuted(true);
        assertThat(bot.stats().clientMuted()).isTrue();
        assertThat(engine.stats().legs()).isEqualTo(1);
        bot.close();
        assertThat(engine.stats().legs()).isZero();
    }

    @Test
    void joiningAgainReplacesTheOldLeg() {
        RtpPeer p = peer("127.0.0.1");
        RtpLeg first = join("alice", p, "sendrecv");
        RtpLeg second = join("alice", p, "sendrecv");
        assertThat(first.isClosed()).isTrue();
        assertThat(((RtpRoom) room).leg("alice")).isSameAs(second);
        assertThat(engine.stats().legs()).isEqualTo(1);
        assertThat(engine.stats().portsInUse()).isEqualTo(1);
    }

    @Test
    void metricsAreRegisteredAndRemovedOnClose() {
        assertThat(meters.find("switchboard.media.dropped.packets").tag("reason", "server_muted").functionCounter()).isNotNull();
        assertThat(meters.find("switchboard.media.legs").gauge()).isNotNull();
        assertThat(meters.find("switchboard.media.mixer.tick").timer()).isNotNull();
        await().atMost(Duration.ofSeconds(15)).until(() -> meters.get("switchboard.media.mixer.ticks").functionCounter().count() > 5);
        engine.close();
        assertThat(meters.find("switchboard.media.legs").gauge()).isNull();
    }

    @Test
    void whenThePortRangeIsExhaustedJoinIsServiceUnavailableAndClosingFreesPorts() throws Exception {
        engine.close();
        int[] range = MediaPorts.nextRange(3);
        engine = new RtpMediaEngine("127.0.0.1", range[0], range[1], meters);
        MediaRoom r = engine.openRoom("small");
        RtpPeer p = peer("127.0.0.1");
        // a port of the range taken by someone else is skipped
        try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), range[0]))) {
            MediaLeg l1 = r.addLeg("1", p.offer("sendrecv"), LOOPBACK);
            r.addLeg("2", p.offer("sendrecv"), LOOPBACK);
            assertThatThrownBy(() -> r.addLeg("3", p.offer("sendrecv"), LOOPBACK))
                    .isInstanceOfSatisfying(SwitchboardException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
            l1.close();
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(r.addLeg("3", p.offer("sendrecv"), LOOPBACK)).isNotNull());
        }
        engine.close();
        assertThat(mediaThreads()).isZero();
        for (int port = range[0]; port <= range[1]; port++) {
            int free = port;
            await().atMost(Duration.ofSeconds(15)).until(() -> bindable(free));
        }
    }

    @Test
    void tenThousandJoinsAndLeavesLeakNothing() throws Exception {
        RtpPeer p = peer("127.0.0.1");
        String offer = p.offer("sendrecv");
        long fdsBefore = openFds();
        int threadsBefore = Thread.activeCount();
        for (int i = 0; i < 10_000; i++) {
            MediaRoom r = i % 100 == 0 ? engine.openRoom("soak-" + i) : null;
            MediaLeg leg = (r != null ? r : room).addLeg("p" + (i % 7), offer, LOOPBACK);
            if (i % 3 == 0) {
                leg.setServerMuted(true);
            }
            leg.close();
            if (r != null) {
                r.close();
            }
        }
        MediaStats s = engine.stats();
        assertThat(s.legs()).isZero();
        assertThat(s.portsInUse()).isZero();
        assertThat(s.rooms()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(15)).until(() -> openFds() <= fdsBefore + 5);
        assertThat(Thread.activeCount()).isLessThanOrEqualTo(threadsBefore + 2);
    }

    private static byte[] with(byte[] d, int index, int value) {
        byte[] c = d.clone();
        c[index] = (byte) value;
        return c;
    }

    private static long openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    private static long mediaThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("switchboard-media-") && t.isAlive()).count();
    }

    private static boolean bindable(int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Issue 17's send fence: in a room with many receiving legs a tick's send loop is long, so a mute often lands
     * between two sends of the same tick. The mute returns without waiting for the tick; whatever the listener (sent
     * to last) gets after the mute returned must already be silent, and the leak counter must stay 0.
     */
    @Test
    void aMuteLandingMidTickInABusyRoomStopsTheToneAtTheNextSend() throws Exception {
        RtpPeer talker = peer("127.0.0.1");
        RtpLeg t = join("talker", talker, "sendrecv");
        for (int i = 0; i < 30; i++) { // the test's port range holds 40
            join("ear" + i, peer("127.0.0.1"), "recvonly");
        }
        RtpPeer listener = peer("127.0.0.1");
        join("listener", listener, "sendrecv");
        talker.startTone(t.localPort(), 440);
        Random random = new Random(17);
        for (int cycle = 0; cycle < 12; cycle++) {
            awaitTone(listener, 440);
            Thread.sleep(random.nextInt(20)); // land anywhere in the 20 ms tick
            t.setServerMuted(true);
            listener.drain(); // what the server sent before the mute returned
            for (int i = 0; i < 4; i++) {
                RtpPeer.Packet p = listener.receive(40);
                if (p != null) {
                    assertThat(p.pcmuPeak()).as("cycle %d packet %d after the mute", cycle, i).isLessThan(0.001);
                }
            }
            t.setServerMuted(false);
        }
        assertThat(t.stats().mixedAfterServerMute()).isZero();
        assertThat(engine.stats().mixedAfterMute()).isZero();
    }
}
