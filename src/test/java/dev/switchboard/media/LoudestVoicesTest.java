package dev.switchboard.media;

import dev.switchboard.testsupport.RtpPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;


import static dev.switchboard.media.TonePeers.awaitFramesFrom;
import static dev.switchboard.media.TonePeers.awaitHearing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The mix depth ({@code --mix-depth}) over real UDP: when more legs talk at once than the depth, the loudest are mixed,
 * a seated voice keeps its seat against one as loud, and a seat frees when its talker stops or is muted. Tones sit on
 * multiples of 50 Hz, whole cycles in a 20 ms packet, so a packet's Goertzel level of one does not leak into another.
 */
class LoudestVoicesTest {
    private final TonePeers rig = new TonePeers(); // a fresh engine and peers for every test
    private final RtpMediaEngine engine = rig.engine;

    @AfterEach
    void tearDown() throws Exception {
        rig.close();
    }

    private double outvoiced() {
        return rig.meters.get("switchboard.media.frames.outvoiced").functionCounter().count();
    }

    /** Three talkers (c not started yet) and a silent listener in a room of mix depth {@code depth}. */
    private record ThreeTalkers(RtpPeer a, RtpPeer c, RtpLeg lc, RtpPeer listener) {
    }

    /** a talks loudest at 400 Hz, b at 600 Hz; c, quieter at 1000 Hz, is left to the test to start. */
    private ThreeTalkers threeTalkers(int depth, String callId) {
        engine.useMixDepth(depth);
        MediaRoom room = engine.openRoom(callId);
        RtpPeer a = rig.peer(), b = rig.peer(), c = rig.peer(), listener = rig.peer();
        RtpLeg la = rig.join(room, "a", a), lb = rig.join(room, "b", b), lc = rig.join(room, "c", c);
        rig.join(room, "listener", listener);
        a.startTone(la.localPort(), 400, 8000);
        b.startTone(lb.localPort(), 600, 7000);
        awaitHearing(listener, 400);
        awaitHearing(listener, 600);
        return new ThreeTalkers(a, c, lc, listener);
    }

    @Test
    void whenMoreTalkThanTheDepthTheLoudestAreMixedAndTheOthersHearThem() {
        ThreeTalkers t = threeTalkers(2, "call-depth");
        RtpPeer a = t.a(), c = t.c(), listener = t.listener();
        RtpLeg lc = t.lc();
        c.startTone(lc.localPort(), 1000, 3000);
        awaitFramesFrom(lc, 10);

        rig.expectPackets(listener, 30, new double[] {400, 600}, new double[] {1000});
        rig.expectPackets(c, 30, new double[] {400, 600}, new double[] {1000}); // the quiet talker hears the seated two
        rig.expectPackets(a, 30, new double[] {600}, new double[] {400, 1000}); // a seated talker: everyone seated but itself
        assertThat(outvoiced()).isGreaterThan(30);
        assertThat(lc.stats().framesMixed()).as("the outvoiced leg's frames are not counted as mixed").isLessThan(5);
    }

    @Test
    void depthZeroMixesEveryone() {
        ThreeTalkers t = threeTalkers(0, "call-everyone");
        RtpPeer listener = t.listener();
        t.c().startTone(t.lc().localPort(), 1000, 3000);
        awaitHearing(listener, 1000);

        rig.expectPackets(listener, 30, new double[] {400, 600, 1000}, new double[] {});
        assertThat(outvoiced()).isZero();
    }

    /** One seat: a (400 Hz) takes it, then b (600 Hz, as loud) talks too; a listener beside them. */
    private record OneSeat(RtpPeer a, RtpLeg la, RtpPeer listener) {
    }

    private OneSeat aSeatedAndBAsLoudWaiting(String callId) {
        engine.useMixDepth(1);
        MediaRoom room = engine.openRoom(callId);
        RtpPeer a = rig.peer(), b = rig.peer(), listener = rig.peer();
        RtpLeg la = rig.join(room, "a", a), lb = rig.join(room, "b", b);
        rig.join(room, "listener", listener);
        a.startTone(la.localPort(), 400, 6000);
        awaitHearing(listener, 400);
        b.startTone(lb.localPort(), 600, 6000);
        awaitFramesFrom(lb, 10);
        return new OneSeat(a, la, listener);
    }

    @Test
    void aVoiceAsLoudAsTheSeatedOneWaitsUntilItStopsAndThenKeepsTheSeat() {
        OneSeat s = aSeatedAndBAsLoudWaiting("call-hold");
        RtpPeer a = s.a(), listener = s.listener();
        RtpLeg la = s.la();
        rig.expectPackets(listener, 25, new double[] {400}, new double[] {600});

        a.stopTone();
        awaitHearing(listener, 600);
        a.startTone(la.localPort(), 400, 6000); // as loud as b, which holds the seat now
        awaitFramesFrom(la, 10);
        rig.expectPackets(listener, 25, new double[] {600}, new double[] {400});
    }

    @Test
    void aMutedTalkerGivesItsSeatUpAndIsNeverHeardAfterTheMute() {
        OneSeat s = aSeatedAndBAsLoudWaiting("call-mute");
        RtpPeer listener = s.listener();
        RtpLeg la = s.la();

        la.setServerMuted(true);
        awaitHearing(listener, 600);
        rig.expectPackets(listener, 25, new double[] {600}, new double[] {400});
        assertThat(engine.stats().mixedAfterMute()).isZero();
    }

    @Test
    void aNegativeDepthIsRefused() {
        assertThatThrownBy(() -> engine.useMixDepth(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 (everyone) or more");
        assertThat(engine.mixDepth()).isEqualTo(RtpMediaEngine.DEFAULT_MIX_DEPTH);
    }
}
