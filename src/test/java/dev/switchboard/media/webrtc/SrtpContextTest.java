package dev.switchboard.media.webrtc;

import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.util.Arrays;

import static dev.switchboard.media.webrtc.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SRTP/SRTCP against published vectors (RFC 3711 Appendix B, and libsrtp's srtp_driver.c packets for both
 * profiles), then the verdicts: bad tag, replay, too old, rollover.
 */
class SrtpContextTest {
    private static final byte[] RFC_KEY = bytes("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static final byte[] RFC_SALT = bytes("0EC675AD498AFEEBB6960B3AABE6");
    private static final SrtpMasterKeys CM_KEYS = new SrtpMasterKeys(SrtpProfile.AES_CM_128_HMAC_SHA1_80, RFC_KEY, RFC_SALT);
    private static final SrtpMasterKeys GCM_KEYS = new SrtpMasterKeys(SrtpProfile.AEAD_AES_128_GCM,
            bytes("000102030405060708090a0b0c0d0e0f"), bytes("a0a1a2a3a4a5a6a7a8a9aaab"));

    private static final String RTP_PLAIN = "800f1234decafbadcafebabeabababababababababababababababab";
    private static final String RTCP_PLAIN = "81c8000bcafebabe" + "ab".repeat(16);

    @Test
    void keyDerivationMatchesRfc3711AppendixB3() {
        assertThat(SrtpKeyDerivation.derive(RFC_KEY, RFC_SALT, 0, 16)).isEqualTo(bytes("C61E7A93744F39EE10734AFE3FF7A087"));
        assertThat(SrtpKeyDerivation.derive(RFC_KEY, RFC_SALT, 2, 14)).isEqualTo(bytes("30CBBC08863D8C85D49DB34A9AE1"));
        assertThat(SrtpKeyDerivation.derive(RFC_KEY, RFC_SALT, 1, 94)).startsWith(bytes(
                "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCEE049646C43D9327AD175578EF7227098"
                        + "6371C10C9A369AC2F94A8C5FBCDDDC256D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2"));
    }

    @Test
    void aesCmKeystreamMatchesRfc3711AppendixB2() throws Exception {
        byte[] iv = new byte[16];
        AesCmHmacSha1Cipher.counterBlock(iv, bytes("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"), 0, 0);
        assertThat(iv).isEqualTo(bytes("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"));
        Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding");
        ctr.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(bytes("2B7E151628AED2A6ABF7158809CF4F3C"), "AES"), new IvParameterSpec(iv));
        byte[] stream = ctr.doFinal(new byte[48]);
        assertThat(stream).isEqualTo(bytes("E03EAD0935C95E80E166B16DD92B4EB4D23513162B02D0F72A43A2FE4A5F97AB"
                + "41E95B3BB0A2E8DD477901E4FCA894C0"));
    }

    @Test
    void counterBlockPlacesSsrcAndIndex() {
        byte[] iv = new byte[16];
        AesCmHmacSha1Cipher.counterBlock(iv, new byte[14], 0xCAFEBABE, 0x0001_0002_0003L);
        assertThat(iv).isEqualTo(bytes("00000000CAFEBABE0001000200030000"));
    }

    @Test
    void aesCmProtectsLikeLibsrtp() {
        byte[] buf = packet(RTP_PLAIN, 64);
        int n = SrtpContext.create(CM_KEYS).protectRtp(buf, 28);
        assertThat(Arrays.copyOf(buf, n)).isEqualTo(bytes(
                "800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb"));

        int plain = SrtpContext.create(CM_KEYS).unprotectRtp(buf, n);
        assertThat(Arrays.copyOf(buf, plain)).isEqualTo(bytes(RTP_PLAIN));
    }

    @Test
    void aesCmSrtcpLikeLibsrtp() {
        SrtpContext sender = SrtpContext.create(CM_KEYS);
        byte[] buf = packet(RTCP_PLAIN, 64);
        sender.protectRtcp(buf, 24); // index 0; the reference packet carries index 1
        buf = packet(RTCP_PLAIN, 64);
        int n = sender.protectRtcp(buf, 24);
        assertThat(Arrays.copyOf(buf, n)).isEqualTo(bytes(
                "81c8000bcafebabe7128035be487b9bdbef89041f977a5a880000001993e08cd54d6c1230798"));

        int plain = SrtpContext.create(CM_KEYS).unprotectRtcp(buf, n);
        assertThat(Arrays.copyOf(buf, plain)).isEqualTo(bytes(RTCP_PLAIN));
    }

    @Test
    void gcmProtectsLikeLibsrtp() {
        byte[] buf = packet(RTP_PLAIN, 64);
        int n = SrtpContext.create(GCM_KEYS).protectRtp(buf, 28);
        assertThat(Arrays.copyOf(buf, n)).isEqualTo(bytes(
                "800f1234decafbadcafebabec5002ede04cfdd2eb91159e0880aa06ed2976826f796b201df3131a127e8a392"));

        int plain = SrtpContext.create(GCM_KEYS).unprotectRtp(buf, n);
        assertThat(Arrays.copyOf(buf, plain)).isEqualTo(bytes(RTP_PLAIN));
    }

    @Test
    void gcmSrtcpLikeLibsrtp() {
        SrtpContext sender = SrtpContext.create(GCM_KEYS);
        byte[] buf = packet(RTCP_PLAIN, 64);
        sender.protectRtcp(buf, 24);
        buf = packet(RTCP_PLAIN, 64);
        int n = sender.protectRtcp(buf, 24);
        assertThat(Arrays.copyOf(buf, n)).isEqualTo(bytes(
                "81c8000bcafebabec98b8b5df0392a55852b6c21ac8e7025c52c6fbea2b3b446ea31123ba88ce61e80000001"));

        int plain = SrtpContext.create(GCM_KEYS).unprotectRtcp(buf, n);
        assertThat(Arrays.copyOf(buf, plain)).isEqualTo(bytes(RTCP_PLAIN));
    }

    @Test
    void aBadTagIsRejectedAndLeavesTheContextUnchanged() {
        for (SrtpMasterKeys keys : new SrtpMasterKeys[] {CM_KEYS, GCM_KEYS}) {
            SrtpContext sender = SrtpContext.create(keys);
            SrtpContext receiver = SrtpContext.create(keys);
            byte[] good = protect(sender, 7);
            byte[] bad = good.clone();
            bad[bad.length - 1] ^= 1;
            assertThat(receiver.unprotectRtp(bad, bad.length)).isEqualTo(SrtpContext.AUTH_FAILED);
            byte[] flippedPayload = good.clone();
            flippedPayload[14] ^= 0x40;
            assertThat(receiver.unprotectRtp(flippedPayload, flippedPayload.length)).isEqualTo(SrtpContext.AUTH_FAILED);
            assertThat(receiver.unprotectRtp(good, good.length)).as("the forgery did not mark index 7 seen").isEqualTo(12 + 40);
        }
    }

    @Test
    void forgedPacketsOfNewSsrcsTakeNoSlotFromTheBrowsersNextStream() {
        for (SrtpMasterKeys keys : new SrtpMasterKeys[] {CM_KEYS, GCM_KEYS}) {
            SrtpContext receiver = SrtpContext.create(keys);
            for (int ssrc = 1; ssrc <= 3 * SrtpContext.MAX_SSRCS; ssrc++) {
                SrtpContext forger = SrtpContext.create(keys); // a sender, too, has at most MAX_SSRCS streams
                byte[] forged = protect(forger, 1, ssrc);
                forged[forged.length - 1] ^= 1;
                assertThat(receiver.unprotectRtp(forged, forged.length)).isEqualTo(SrtpContext.AUTH_FAILED);
                byte[] forgedRtcp = packet(RTCP_PLAIN, 80);
                Bytes.putInt(forgedRtcp, 4, ssrc);
                int n = forger.protectRtcp(forgedRtcp, 40);
                forgedRtcp[n - 1] ^= 1;
                assertThat(receiver.unprotectRtcp(forgedRtcp, n)).isEqualTo(SrtpContext.AUTH_FAILED);
            }
            SrtpContext sender = SrtpContext.create(keys);
            for (int ssrc = 1; ssrc <= SrtpContext.MAX_SSRCS; ssrc++) {
                byte[] real = protect(sender, 5, 1000 + ssrc);
                assertThat(receiver.unprotectRtp(real, real.length)).as("stream %d of the browser", ssrc).isEqualTo(52);
            }
            byte[] oneTooMany = protect(SrtpContext.create(keys), 5, 2000);
            assertThat(receiver.unprotectRtp(oneTooMany, oneTooMany.length)).isEqualTo(SrtpContext.MALFORMED);
        }
    }

    @Test
    void aReplayedPacketIsRejected() {
        for (SrtpMasterKeys keys : new SrtpMasterKeys[] {CM_KEYS, GCM_KEYS}) {
            SrtpContext sender = SrtpContext.create(keys);
            SrtpContext receiver = SrtpContext.create(keys);
            byte[] p = protect(sender, 100);
            byte[] copy = p.clone();
            assertThat(receiver.unprotectRtp(p, p.length)).isEqualTo(52);
            assertThat(receiver.unprotectRtp(copy, copy.length)).isEqualTo(SrtpContext.REPLAY);
        }
    }

    @Test
    void reorderedPacketsInsideTheWindowAreAcceptedOlderOnesAreNot() {
        SrtpContext sender = SrtpContext.create(CM_KEYS);
        SrtpContext receiver = SrtpContext.create(CM_KEYS);
        byte[][] sent = new byte[200][];
        for (int seq = 0; seq < 200; seq++) {
            sent[seq] = protect(sender, 1000 + seq);
        }
        assertThat(receiver.unprotectRtp(sent[199].clone(), sent[199].length)).isEqualTo(52);
        assertThat(receiver.unprotectRtp(sent[199 - 63].clone(), sent[0].length)).as("63 behind").isEqualTo(52);
        assertThat(receiver.unprotectRtp(sent[199 - 64].clone(), sent[0].length)).as("64 behind").isEqualTo(SrtpContext.REPLAY);
        assertThat(receiver.unprotectRtp(sent[150].clone(), sent[0].length)).isEqualTo(52);
        assertThat(receiver.unprotectRtp(sent[150].clone(), sent[0].length)).isEqualTo(SrtpContext.REPLAY);
    }

    @Test
    void theRolloverCounterFollowsSequenceWrapOnBothSides() {
        for (SrtpMasterKeys keys : new SrtpMasterKeys[] {CM_KEYS, GCM_KEYS}) {
            SrtpContext sender = SrtpContext.create(keys);
            SrtpContext receiver = SrtpContext.create(keys);
            int seq = 65_500;
            for (int i = 0; i < 200; i++) {
                byte[] p = protect(sender, seq & 0xFFFF);
                assertThat(receiver.unprotectRtp(p, p.length)).as("seq %d (i=%d)", seq & 0xFFFF, i).isEqualTo(52);
                seq++;
            }
            // a late packet from before the wrap still authenticates (its index uses ROC 0)
            SrtpContext lateSender = SrtpContext.create(keys);
            byte[] late = protect(lateSender, 65_530);
            assertThat(receiver.unprotectRtp(late, late.length)).isEqualTo(SrtpContext.REPLAY);
        }
    }

    /**
     * RFC 3711 Appendix A: a packet whose sequence number is more than half the sequence space behind the highest is
     * taken for the next rollover period's; a replay that old is therefore not found in the replay window but fails
     * authentication under the guessed index. Dropped either way; WebRtcDemuxFuzzTest's oracle expects it so.
     */
    @Test
    void aReplayHalfTheSequenceSpaceBehindFailsAuthenticationUnderTheNextRolloversIndex() {
        for (SrtpMasterKeys keys : new SrtpMasterKeys[] {CM_KEYS, GCM_KEYS}) {
            SrtpContext sender = SrtpContext.create(keys);
            SrtpContext receiver = SrtpContext.create(keys);
            byte[] old = protect(sender, 1);
            byte[] replay = old.clone();
            for (byte[] p : new byte[][] {old, protect(sender, 20_000), protect(sender, 40_000)}) {
                assertThat(receiver.unprotectRtp(p, p.length)).isEqualTo(52);
            }
            assertThat(receiver.unprotectRtp(replay, replay.length)).as("sequence number 1, highest 40,000")
                    .isEqualTo(SrtpContext.AUTH_FAILED);
            byte[] next = protect(sender, 40_001);
            assertThat(receiver.unprotectRtp(next, next.length)).as("the next real packet").isEqualTo(52);
        }
    }

    @Test
    void srtcpReplayIsRejected() {
        for (SrtpMasterKeys keys : new SrtpMasterKeys[] {CM_KEYS, GCM_KEYS}) {
            SrtpContext sender = SrtpContext.create(keys);
            SrtpContext receiver = SrtpContext.create(keys);
            byte[] buf = packet(RTCP_PLAIN, 64);
            int n = sender.protectRtcp(buf, 24);
            byte[] copy = buf.clone();
            assertThat(receiver.unprotectRtcp(buf, n)).isEqualTo(24);
            assertThat(receiver.unprotectRtcp(copy, n)).isEqualTo(SrtpContext.REPLAY);
        }
    }

    @Test
    void truncatedPacketsAreMalformedOrUnauthenticated() {
        SrtpContext sender = SrtpContext.create(CM_KEYS);
        byte[] p = protect(sender, 1);
        for (int len = p.length - 1; len > 0; len--) {
            SrtpContext receiver = SrtpContext.create(CM_KEYS);
            assertThat(receiver.unprotectRtp(Arrays.copyOf(p, len), len)).isNegative();
        }
    }

    @Test
    void exporterMaterialSplitsAsRfc5764Says() {
        byte[] material = new byte[60];
        for (int i = 0; i < 60; i++) {
            material[i] = (byte) i;
        }
        SrtpMasterKeys client = SrtpMasterKeys.fromExporter(SrtpProfile.AES_CM_128_HMAC_SHA1_80, material, true);
        SrtpMasterKeys server = SrtpMasterKeys.fromExporter(SrtpProfile.AES_CM_128_HMAC_SHA1_80, material, false);
        assertThat(client.key()[0]).isEqualTo((byte) 0);
        assertThat(server.key()[0]).isEqualTo((byte) 16);
        assertThat(client.salt()[0]).isEqualTo((byte) 32);
        assertThat(server.salt()[0]).isEqualTo((byte) 46);
    }

    /** A 40-byte-payload RTP packet with the given sequence number, protected; the array is exactly its length. */
    static byte[] protect(SrtpContext sender, int seq) {
        return protect(sender, seq, 0x1234_5678);
    }

    static byte[] protect(SrtpContext sender, int seq, int ssrc) {
        byte[] buf = new byte[12 + 40 + 16];
        buf[0] = (byte) 0x80;
        buf[1] = 111;
        Bytes.putShort(buf, 2, seq);
        Bytes.putInt(buf, 8, ssrc);
        int n = sender.protectRtp(buf, 52);
        return Arrays.copyOf(buf, n);
    }

    private static byte[] packet(String hex, int capacity) {
        return Arrays.copyOf(bytes(hex), capacity);
    }
}
