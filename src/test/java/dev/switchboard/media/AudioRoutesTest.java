package dev.switchboard.media;

import dev.switchboard.testsupport.RtpPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static dev.switchboard.media.TonePeers.awaitFramesFrom;
import static dev.switchboard.media.TonePeers.awaitHearing;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Audio routing over real UDP: a participant outside the default group is heard only by the receivers of its routes
 * and hears only its own sources; the default group hears everyone in it and whatever routes add; a routed source
 * muted is out of every routed send after the mute returns; plain routes mix everyone again. Tones sit on multiples of
 * 50 Hz (whole cycles in a 20 ms packet), so one tone's Goertzel level does not leak into another's.
 */
class AudioRoutesTest {
    private static final double[] NONE = {};
    private final TonePeers rig = new TonePeers(); // a fresh engine and peers for every test
    private final RtpMediaEngine engine = rig.engine;

    @AfterEach
    void tearDown() throws Exception {
        rig.close();
    }

    /** a (400 Hz) and b (600 Hz) talk in the default group; c (1000 Hz) talks outside it; d listens outside it. */
    private record Routed(MediaRoom room, RtpPeer a, RtpPeer b, RtpPeer c, RtpLeg lc, RtpPeer d) {
    }

    /** c is whispered to a; d hears b alone. */
    private Routed routed(String callId) {
        return routed(engine.openRoom(callId));
    }

    private Routed routed(MediaRoom room) {
        RtpPeer a = rig.peer(), b = rig.peer(), c = rig.peer(), d = rig.peer();
        RtpLeg la = rig.join(room, "a", a), lb = rig.join(room, "b", b), lc = rig.join(room, "c", c);
        rig.join(room, "d", d);
        room.route(new AudioRoutes(Set.of("c", "d"), Map.of("a", Set.of("c"), "d", Set.of("b")), Set.of()));
        a.startTone(la.localPort(), 400, 6000);
        b.startTone(lb.localPort(), 600, 6000);
        c.startTone(lc.localPort(), 1000, 6000);
        awaitHearing(a, 1000);
        awaitFramesFrom(lc, 10);
        return new Routed(room, a, b, c, lc, d);
    }

    @Test
    void outsideTheDefaultGroupAParticipantIsHeardOnlyThroughItsRoutesAndHearsOnlyItsSources() {
        Routed r = routed("call-routes");
        rig.expectPackets(r.a(), 30, new double[] {600, 1000}, new double[] {400}); // the default mix and its whisper
        rig.expectPackets(r.b(), 30, new double[] {400}, new double[] {600, 1000}); // c is not in the default group
        rig.expectPackets(r.c(), 30, NONE, new double[] {400, 600, 1000});            // nobody is routed to c
        rig.expectPackets(r.d(), 30, new double[] {600}, new double[] {400, 1000});  // d hears b alone
    }

    @Test
    void aRoutedSourceMutedIsOutOfEveryRoutedSendAfterTheMute() {
        Routed r = routed("call-routes-mute");
        r.lc().setServerMuted(true);
        rig.expectPackets(r.a(), 30, new double[] {600}, new double[] {400, 1000});
        assertThat(engine.stats().mixedAfterMute()).isZero();
        r.lc().setServerMuted(false);
        awaitHearing(r.a(), 1000);
    }

    @Test
    void plainRoutesMixEveryoneAgain() {
        Routed r = routed("call-routes-plain");
        r.room().route(AudioRoutes.DEFAULT);
        awaitHearing(r.b(), 1000);
        rig.expectPackets(r.b(), 30, new double[] {400, 1000}, new double[] {600});
        rig.expectPackets(r.d(), 30, new double[] {400, 600, 1000}, NONE);
    }

    /**
     * A mixer thread lends its mixing arrays to every room it ticks, one after the other: a routed room and a plain
     * room on one thread must each hear only their own voices, in the plain mix, the mix-minus and the routed mixes.
     */
    @Test
    void aRoutedRoomAndAPlainRoomOnOneMixerThreadHearOnlyTheirOwnVoices() {
        RtpRoom[] shared = rig.twoRoomsOnOneMixerThread("call-shared-");
        RtpRoom routedRoom = shared[0];
        RtpRoom plain = shared[1];
        RtpPeer e = rig.peer(), f = rig.peer(), g = rig.peer();
        RtpLeg le = rig.join(plain, "e", e), lf = rig.join(plain, "f", f);
        rig.join(plain, "g", g);
        e.startTone(le.localPort(), 1500, 6000);
        f.startTone(lf.localPort(), 2000, 6000);
        Routed r = routed(routedRoom);
        awaitHearing(g, 2000);
        double[] routedTones = {400, 600, 1000};
        double[] plainTones = {1500, 2000};
        rig.expectPackets(g, 30, plainTones, routedTones);                          // the plain room's shared mix
        rig.expectPackets(e, 30, new double[] {2000}, new double[] {1500, 400, 600, 1000}); // its mix-minus
        rig.expectPackets(r.a(), 30, new double[] {600, 1000}, new double[] {400, 1500, 2000}); // routed: minus a, plus c
        rig.expectPackets(r.d(), 30, new double[] {600}, new double[] {400, 1000, 1500, 2000}); // routed: b alone
        rig.expectPackets(r.b(), 30, new double[] {400}, new double[] {600, 1000, 1500, 2000}); // mix-minus in routes
    }
}
