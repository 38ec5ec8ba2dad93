package dev.switchboard.media;

import dev.switchboard.media.rtp.JitterBuffer;
import dev.switchboard.testsupport.ImpairingRelay;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.ToneWindows;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A talker behind a bad network: its PCMU stream reaches a real engine over real UDP through an {@link ImpairingRelay}
 * (a delay spike, reordering around a mute, a NAT rebinding), and a listener hears the room. Checks what the listener
 * hears and what the talker's leg keeps, never how fast anything ran.
 */
class NetworkImpairmentTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private TonePeers peers;
    private MediaRoom room;
    private RtpPeer talker;
    private RtpPeer listener;
    private RtpLeg leg;
    private ImpairingRelay relay;

    @BeforeEach
    void setUp() {
        peers = new TonePeers();
        room = peers.engine.openRoom("impaired");
        talker = peers.peer();
        listener = peers.peer();
        leg = (RtpLeg) room.addLeg("talker", talker.offer("sendrecv"), LOOPBACK);
        peers.join(room, "listener", listener);
        relay = new ImpairingRelay(leg.localPort());
    }

    @AfterEach
    void tearDown() throws Exception {
        relay.close();
        peers.close();
    }

    /** True if the talker's jitter buffer held at most {@code frames} frames at each of {@code samples} readings 20 ms apart. */
    private boolean shallowFor(int frames, int samples) throws InterruptedException {
        for (int i = 0; i < samples; i++) {
            if (leg.sample().jitterBuffered() > frames) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    @Test
    void aDelaySpikesBacklogDoesNotStayAsDelay() {
        talker.startTone(relay.port(), 400);
        TonePeers.awaitHearing(listener, 400);

        relay.mode(ImpairingRelay.Mode.HOLD_ALL); // a second of nothing, then the whole second at once
        await().atMost(Duration.ofSeconds(15)).until(() -> relay.heldCount() >= 50);
        relay.mode(ImpairingRelay.Mode.FORWARD);
        relay.releaseHeld();

        // the backlog may be played or dropped, but the delay must come back to the prefill's: a buffer that keeps
        // MAX_DEPTH frames keeps the talker 160 ms late for the rest of the call
        await().atMost(Duration.ofSeconds(15)).until(() -> shallowFor(JitterBuffer.MAX_DEPTH / 2, 25));
        TonePeers.awaitHearing(listener, 400);
        LegStats s = leg.stats();
        assertThat(s.dropped(DropReason.QUEUE_FULL) + s.dropped(DropReason.LATE))
                .as("the backlog's frames that did not play are counted").isPositive();
    }

    @Test
    void aNatRebindingMidCallKeepsTheTalkerHeard() {
        talker.startTone(relay.port(), 400);
        TonePeers.awaitHearing(listener, 400);

        relay.rebind(); // the talker's packets now come from another port, as after a NAT rebinding
        long in = leg.stats().packetsIn();
        await().atMost(Duration.ofSeconds(15)).until(() -> leg.stats().packetsIn() >= in + 25);
        assertThat(leg.stats().dropped(DropReason.UNEXPECTED_SOURCE))
                .as("packets of the talker's own stream refused after the rebinding (half a second of them)").isZero();
        TonePeers.awaitHearing(listener, 400);
    }

    @Test
    void audioSaidWhileMutedNeverPlaysAfterTheUnmuteHoweverLateItArrives() {
        talker.startTone(relay.port(), 400);
        TonePeers.awaitHearing(listener, 400);

        leg.setServerMuted(true);
        relay.mode(ImpairingRelay.Mode.HOLD_EVERY_OTHER); // reordering: every other packet comes after the unmute
        talker.startTone(relay.port(), 800); // what the talker says while muted
        long refused = leg.stats().dropped(DropReason.SERVER_MUTED);
        await().atMost(Duration.ofSeconds(15)).until(() -> leg.stats().dropped(DropReason.SERVER_MUTED) >= refused + 20);
        talker.startTone(relay.port(), 400);
        long switched = leg.stats().dropped(DropReason.SERVER_MUTED);
        await().atMost(Duration.ofSeconds(15)).until(() -> leg.stats().dropped(DropReason.SERVER_MUTED) >= switched + 3);

        listener.drain();
        relay.mode(ImpairingRelay.Mode.FORWARD);
        leg.setServerMuted(false);
        relay.releaseHeld(); // the muted time's stragglers arrive after the unmute

        boolean heard400 = false;
        for (int i = 0; i < 75; i++) {
            RtpPeer.Packet p = listener.receive(1000);
            assertThat(p).as("packet %d after the unmute", i).isNotNull();
            assertThat(p.pcmuLevelDbfs(800)).as("800 Hz, said while muted, in packet %d after the unmute", i)
                    .isLessThan(ToneWindows.ABSENT);
            heard400 |= p.pcmuLevelDbfs(400) > ToneWindows.PRESENT;
        }
        assertThat(heard400).as("the talker is heard again after the unmute").isTrue();
        assertThat(leg.stats().mixedAfterServerMute()).isZero();
    }
}
