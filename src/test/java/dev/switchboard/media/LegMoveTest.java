package dev.switchboard.media;

import dev.switchboard.error.SwitchboardException;
import dev.switchboard.testsupport.RtpPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.switchboard.media.TonePeers.awaitFramesFrom;
import static dev.switchboard.media.TonePeers.awaitHearing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A leg moving between two rooms of one engine (a consultative transfer, an invitation that replaces a call), over
 * real UDP: the moved peer keeps its port and its incoming stream (same SSRC, sequence numbers going on), hears and is
 * heard in the new room only, its mute still fences every send, and a leg closed on its way, or arriving in a room
 * that ended, is released.
 */
class LegMoveTest {
    private static final double[] NONE = {};
    private final TonePeers rig = new TonePeers();
    private final RtpMediaEngine engine = rig.engine;

    @AfterEach
    void tearDown() throws Exception {
        rig.close();
    }

    @Test
    void aMovedLegHearsAndIsHeardInItsNewRoomOnlyOnTheSamePortAndStream() {
        MediaRoom first = engine.openRoom("call-first");
        MediaRoom second = engine.openRoom("call-second");
        RtpPeer a = rig.peer(), b = rig.peer(), c = rig.peer();
        RtpLeg la = rig.join(first, "a", a), lb = rig.join(first, "b", b), lc = rig.join(second, "c", c);
        a.startTone(la.localPort(), 400, 6000);
        b.startTone(lb.localPort(), 600, 6000);
        c.startTone(lc.localPort(), 1000, 6000);
        awaitHearing(b, 400);
        RtpPeer.Packet before = b.receive(10_000);
        int port = lb.localPort();
        int legs = engine.stats().legs();

        assertThat(first.detach(lb)).isTrue();
        assertThat(first.detach(lb)).as("detached once").isFalse();
        second.adopt(lb);

        awaitHearing(b, 1000);
        rig.expectPackets(b, 30, new double[] {1000}, new double[] {400});  // the new room, not the old one
        rig.expectPackets(c, 30, new double[] {600}, NONE);                   // heard in the new room
        rig.expectPackets(a, 30, NONE, new double[] {600, 1000});             // gone from the old one
        RtpPeer.Packet after = b.receive(10_000);
        assertThat(after.ssrc()).as("the same outgoing stream").isEqualTo(before.ssrc());
        assertThat((after.sequence() - before.sequence()) & 0xffff).as("sequence numbers go on").isBetween(1, 1000);
        assertThat(lb.localPort()).isEqualTo(port);
        assertThat(((RtpRoom) first).legCount()).isEqualTo(1);
        assertThat(((RtpRoom) second).legCount()).isEqualTo(2);
        assertThat(engine.stats().legs()).as("a move neither adds nor removes a leg").isEqualTo(legs);

        first.close(); // the old room ending does not touch the moved leg
        awaitFramesFrom(lb, 10);
        rig.expectPackets(c, 10, new double[] {600}, NONE);
    }

    @Test
    void aMovedLegsMuteFencesTheNewRoomsSends() {
        MediaRoom first = engine.openRoom("call-mute-first");
        MediaRoom second = engine.openRoom("call-mute-second");
        RtpPeer b = rig.peer(), c = rig.peer();
        RtpLeg lb = rig.join(first, "b", b), lc = rig.join(second, "c", c);
        b.startTone(lb.localPort(), 600, 6000);
        c.startTone(lc.localPort(), 1000, 6000);
        first.detach(lb);
        second.adopt(lb);
        awaitHearing(c, 600);

        lb.setServerMuted(true);
        rig.expectPackets(c, 30, NONE, new double[] {600});
        assertThat(engine.stats().mixedAfterMute()).isZero();
        lb.setServerMuted(false);
        awaitHearing(c, 600);
    }

    @Test
    void aLegClosedWhileItMovesIsReleasedWhenItArrives() {
        MediaRoom first = engine.openRoom("call-closed-first");
        MediaRoom second = engine.openRoom("call-closed-second");
        RtpLeg lb = rig.join(first, "b", rig.peer());
        int ports = engine.stats().portsInUse();
        first.detach(lb);
        lb.close(); // the old room no longer has it
        second.adopt(lb);
        assertThat(((RtpRoom) second).legCount()).isZero();
        assertThat(engine.stats().portsInUse()).isEqualTo(ports - 1);
    }

    @Test
    void aLegArrivingInARoomThatEndedIsReleased() {
        MediaRoom first = engine.openRoom("call-ended-first");
        MediaRoom second = engine.openRoom("call-ended-second");
        RtpLeg lb = rig.join(first, "b", rig.peer());
        int ports = engine.stats().portsInUse();
        first.detach(lb);
        second.close();
        assertThatThrownBy(() -> second.adopt(lb)).isInstanceOf(SwitchboardException.class)
                .hasMessageContaining("ended");
        assertThat(engine.stats().portsInUse()).isEqualTo(ports - 1);
    }

    @Test
    void onlyLegsOfThisRoomDetachAndOnlyLegsOfThisEngineMoveIn() {
        MediaRoom first = engine.openRoom("call-own-first");
        MediaRoom second = engine.openRoom("call-own-second");
        RtpLeg lb = rig.join(first, "b", rig.peer());
        assertThat(second.detach(lb)).isFalse();
        assertThat(first.detach(first.addServerLeg("bot"))).isFalse();
        try (TonePeers other = new TonePeers()) {
            MediaRoom elsewhere = other.engine.openRoom("call-other-engine");
            first.detach(lb);
            assertThatThrownBy(() -> elsewhere.adopt(lb)).isInstanceOf(IllegalArgumentException.class);
            second.adopt(lb); // still movable where it belongs
            assertThat(((RtpRoom) second).legCount()).isEqualTo(1);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
