package dev.switchboard.media.webrtc;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

/** The ICE-lite responder, packets in, verdicts out, on a fake clock. */
class IceLiteResponderTest {
    private static final long S = 1_000_000_000L;
    private static final InetSocketAddress BROWSER = new InetSocketAddress("192.0.2.1", 32853);
    private static final InetSocketAddress OTHER = new InetSocketAddress("192.0.2.9", 40000);
    private static final ConsentPolicy POLICY = new ConsentPolicy(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(20));

    private final byte[] out = new byte[1500];

    @Test
    void answersTheRfc5769RequestWithIntegrityAndFingerprint() throws Exception {
        IceLiteResponder ice = new IceLiteResponder("evtj", StunMessageTest.RFC5769_PASSWORD, "h6vY", POLICY, 0);
        byte[] req = StunMessageTest.RFC5769_REQUEST.clone();
        int n = ice.onBindingRequest(req, req.length, BROWSER, 1, out);
        assertThat(n).isPositive();
        StunMessage resp = new StunMessage();
        assertThat(resp.parse(out, n)).isTrue();
        assertThat(resp.type()).isEqualTo(StunMessage.BINDING_SUCCESS);
        assertThat(resp.xorMappedAddress()).isEqualTo(BROWSER);
        assertThat(resp.verifyIntegrity(StunMessageTest.mac(StunMessageTest.RFC5769_PASSWORD), new byte[20])).isTrue();
        assertThat(resp.verifyFingerprint(new CRC32())).isTrue();
        assertThat(java.util.Arrays.copyOfRange(out, 8, 20)).isEqualTo(java.util.Arrays.copyOfRange(req, 8, 20));
    }

    @Test
    void aWrongPasswordIsNotAnsweredAndNothingIsSentThere() throws Exception {
        IceLiteResponder ice = responder();
        byte[] req = check("srv1:brw1", "not-the-password", false);
        assertThat(ice.onBindingRequest(req, req.length, BROWSER, 0, out)).isEqualTo(IceLiteResponder.UNAUTHENTICATED);
        assertThat(ice.sendAddress(0)).isNull();
        assertThat(ice.isValidated(BROWSER)).isFalse();
    }

    @Test
    void aWrongUsernameOrMissingIntegrityIsUnauthenticated() throws Exception {
        IceLiteResponder ice = responder();
        byte[] otherLeg = check("srv2:brw1", "server-password-22chars", false);
        assertThat(ice.onBindingRequest(otherLeg, otherLeg.length, BROWSER, 0, out)).isEqualTo(IceLiteResponder.UNAUTHENTICATED);
        byte[] otherBrowser = check("srv1:evil", "server-password-22chars", false);
        assertThat(ice.onBindingRequest(otherBrowser, otherBrowser.length, BROWSER, 0, out)).isEqualTo(IceLiteResponder.UNAUTHENTICATED);
        byte[] noIntegrity = new byte[1500];
        int n = new StunWriter().start(noIntegrity, StunMessage.BINDING_REQUEST, new byte[12], 0)
                .username("srv1:brw1".getBytes(StandardCharsets.UTF_8)).finishWithFingerprint();
        assertThat(ice.onBindingRequest(noIntegrity, n, BROWSER, 0, out)).isEqualTo(IceLiteResponder.UNAUTHENTICATED);
        assertThat(ice.sendAddress(0)).isNull();
    }

    @Test
    void aBadFingerprintIsMalformed() throws Exception {
        IceLiteResponder ice = responder();
        byte[] req = check("srv1:brw1", "server-password-22chars", false);
        req[req.length - 1] ^= 1;
        assertThat(ice.onBindingRequest(req, req.length, BROWSER, 0, out)).isEqualTo(IceLiteResponder.MALFORMED);
    }

    @Test
    void mediaGoesToTheNominatedPairOnly() throws Exception {
        IceLiteResponder ice = responder();
        byte[] plain = check("srv1:brw1", "server-password-22chars", false);
        assertThat(ice.onBindingRequest(plain, plain.length, OTHER, 1 * S, out)).isPositive();
        assertThat(ice.sendAddress(1 * S)).as("checked, not nominated yet").isEqualTo(OTHER);
        byte[] nominate = check("srv1:brw1", "server-password-22chars", true);
        assertThat(ice.onBindingRequest(nominate, nominate.length, BROWSER, 2 * S, out)).isPositive();
        assertThat(ice.isNominated()).isTrue();
        assertThat(ice.sendAddress(2 * S)).isEqualTo(BROWSER);
        byte[] again = check("srv1:brw1", "server-password-22chars", false);
        ice.onBindingRequest(again, again.length, OTHER, 3 * S, out);
        assertThat(ice.sendAddress(3 * S)).as("a later plain check does not unseat the nomination").isEqualTo(BROWSER);
    }

    /**
     * A browser with many candidates checks them all: the pairs are bounded, and the one forgotten to make room is the
     * one checked longest ago, never the nominated pair media flows on (before, the oldest went, nominated or not).
     */
    @Test
    void theNominatedPairIsNeverForgottenToMakeRoomForNewCandidates() throws Exception {
        IceLiteResponder ice = responder();
        byte[] nominate = check("srv1:brw1", "server-password-22chars", true);
        assertThat(ice.onBindingRequest(nominate, nominate.length, BROWSER, 1 * S, out)).isPositive();
        assertThat(ice.takeForgotten()).isNull();
        java.util.List<InetSocketAddress> others = new java.util.ArrayList<>();
        for (int i = 0; i < IceLiteResponder.MAX_PAIRS + 3; i++) {
            InetSocketAddress other = new InetSocketAddress("192.0.2.9", 40000 + i);
            others.add(other);
            byte[] plain = check("srv1:brw1", "server-password-22chars", false);
            assertThat(ice.onBindingRequest(plain, plain.length, other, (2 + i) * S, out)).isPositive();
            InetSocketAddress forgotten = ice.takeForgotten();
            // the nominated pair and 7 others fit; from the 8th other on, the other checked longest ago goes
            int first = i - (IceLiteResponder.MAX_PAIRS - 1);
            assertThat(forgotten).as("check %d", i).isEqualTo(first < 0 ? null : others.get(first));
            assertThat(ice.takeForgotten()).as("told once").isNull();
        }
        assertThat(ice.isValidated(BROWSER)).isTrue();
        assertThat(ice.sendAddress((2 + IceLiteResponder.MAX_PAIRS + 2) * S)).isEqualTo(BROWSER);
        assertThat(ice.isNominated()).isTrue();
        assertThat(ice.isValidated(others.get(3))).isFalse();
        assertThat(ice.isValidated(others.get(4))).isTrue();
        assertThat(ice.isValidated(others.getLast())).isTrue();
    }

    @Test
    void consentLapsesThenTheLegExpires() throws Exception {
        IceLiteResponder ice = responder();
        byte[] nominate = check("srv1:brw1", "server-password-22chars", true);
        ice.onBindingRequest(nominate, nominate.length, BROWSER, 10 * S, out);
        assertThat(ice.sendAddress(40 * S)).isEqualTo(BROWSER);
        assertThat(ice.sendAddress(40 * S + 1)).as("30 s without a check: stop sending").isNull();
        assertThat(ice.isExpired(70 * S)).isFalse();
        byte[] refresh = check("srv1:brw1", "server-password-22chars", false);
        ice.onBindingRequest(refresh, refresh.length, BROWSER, 45 * S, out);
        assertThat(ice.sendAddress(45 * S)).as("a fresh check restores consent").isEqualTo(BROWSER);
        assertThat(ice.isExpired(105 * S)).isFalse();
        assertThat(ice.isExpired(105 * S + 1)).as("60 s without a check: end the leg").isTrue();
    }

    @Test
    void aLegThatNeverConnectsExpiresAfterTheConnectTimeout() {
        IceLiteResponder ice = new IceLiteResponder("srv1", "server-password-22chars", "brw1", POLICY, 5 * S);
        assertThat(ice.isExpired(25 * S)).isFalse();
        assertThat(ice.isExpired(25 * S + 1)).isTrue();
    }

    private static IceLiteResponder responder() {
        return new IceLiteResponder("srv1", "server-password-22chars", "brw1", POLICY, 0);
    }

    /** A browser's connectivity check, as Chromium writes it. */
    static byte[] check(String username, String password, boolean nominate) throws Exception {
        byte[] buf = new byte[1500];
        byte[] tx = new byte[12];
        new java.security.SecureRandom().nextBytes(tx);
        StunWriter w = new StunWriter().start(buf, StunMessage.BINDING_REQUEST, tx, 0)
                .username(username.getBytes(StandardCharsets.UTF_8)).iceControlling(0x1234_5678_9ABCL).priority(1_853_824_767L);
        if (nominate) {
            w.useCandidate();
        }
        int n = w.integrity(StunMessageTest.mac(password)).finishWithFingerprint();
        return java.util.Arrays.copyOf(buf, n);
    }
}
