package dev.switchboard.media.webrtc;

import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The allocation-free AEAD_AES_128_GCM against javax.crypto's own AES/GCM as the reference: the same keys and IVs
 * give the same ciphertext and tag, for RTP and SRTCP, for every payload length from 0 to 300 bytes and a datagram's
 * worth; a flipped bit anywhere fails the tag; protect + unprotect allocates nothing.
 */
class AesGcmCipherTest {
    private static final Random RANDOM = new Random(7714);
    private final SrtpMasterKeys keys = keys();
    private final byte[] sessionKey = SrtpKeyDerivation.derive(keys.key(), keys.salt(), SrtpKeyDerivation.RTP_ENCRYPTION, 16);
    private final byte[] salt = SrtpKeyDerivation.derive(keys.key(), keys.salt(), SrtpKeyDerivation.RTP_SALT, 12);
    private final byte[] rtcpKey = SrtpKeyDerivation.derive(keys.key(), keys.salt(), SrtpKeyDerivation.RTCP_ENCRYPTION, 16);
    private final byte[] rtcpSalt = SrtpKeyDerivation.derive(keys.key(), keys.salt(), SrtpKeyDerivation.RTCP_SALT, 12);

    @Test
    void rtpMatchesJavaxCryptoGcmForEveryLength() throws Exception {
        AesGcmCipher cipher = new AesGcmCipher(keys);
        for (int payload = 0; payload <= 300; payload++) {
            check(cipher, payload, RANDOM.nextInt(), RANDOM.nextLong() & 0xFFFF_FFFF_FFFFL);
        }
        check(cipher, 1400, 0x1234_5678, 70_000L);
    }

    @Test
    void rtcpMatchesJavaxCryptoGcm() throws Exception {
        AesGcmCipher cipher = new AesGcmCipher(keys);
        for (int body = 0; body <= 100; body++) {
            int length = 8 + body;
            byte[] plain = random(length);
            int ssrc = RANDOM.nextInt();
            int index = RANDOM.nextInt() & 0x7FFF_FFFF;
            byte[] buf = Arrays.copyOf(plain, length + 20);
            int n = cipher.protectRtcp(buf, length, ssrc, index);
            assertThat(n).isEqualTo(length + 20);

            byte[] iv = iv(rtcpSalt, ssrc, 0, 0);
            for (int i = 0; i < 4; i++) {
                iv[8 + i] ^= (byte) (index >>> (24 - 8 * i));
            }
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(rtcpKey, "AES"), new GCMParameterSpec(128, iv));
            byte[] aad = Arrays.copyOf(plain, 12);
            Bytes.putInt(aad, 8, index | 0x8000_0000);
            gcm.updateAAD(aad);
            byte[] expected = gcm.doFinal(plain, 8, body);
            assertThat(Arrays.copyOfRange(buf, 8, 8 + body + 16)).isEqualTo(expected);
            assertThat(Bytes.getInt(buf, n - 4)).isEqualTo(index | 0x8000_0000);

            assertThat(cipher.unprotectRtcp(buf, n, ssrc, index, true)).isEqualTo(length);
            assertThat(Arrays.copyOf(buf, length)).isEqualTo(plain);
        }
    }

    @Test
    void aFlippedBitAnywhereFailsTheTagAndLeavesTheBufferEncrypted() {
        AesGcmCipher cipher = new AesGcmCipher(keys);
        byte[] plain = random(12 + 120);
        plain[0] = (byte) 0x80;
        byte[] buf = Arrays.copyOf(plain, 200);
        int n = cipher.protectRtp(buf, 12, 132, 42, 7);
        for (int bit = 0; bit < n * 8; bit++) {
            byte[] tampered = Arrays.copyOf(buf, 200);
            tampered[bit >>> 3] ^= (byte) (1 << (bit & 7));
            byte[] before = tampered.clone();
            assertThat(cipher.unprotectRtp(tampered, 12, n, 42, 7)).isEqualTo(SrtpCipher.AUTH_FAILED);
            assertThat(tampered).isEqualTo(before);
        }
        assertThat(cipher.unprotectRtp(buf, 12, n, 43, 7)).as("another SSRC, another IV").isEqualTo(SrtpCipher.AUTH_FAILED);
        assertThat(cipher.unprotectRtp(buf, 12, n, 42, 7)).isEqualTo(132);
        assertThat(Arrays.copyOf(buf, 132)).isEqualTo(plain);
    }

    @Test
    void protectAndUnprotectAllocateNothing() {
        AesGcmCipher sender = new AesGcmCipher(keys);
        AesGcmCipher receiver = new AesGcmCipher(keys);
        byte[] buf = new byte[200];
        buf[0] = (byte) 0x80;
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int n = 20_000;
        for (int i = 0; i < n; i++) { // warm-up: let the JIT compile the path
            receiver.unprotectRtp(buf, 12, sender.protectRtp(buf, 12, 132, 1, i), 1, i);
        }
        long plain = 0;
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = n; i < 2 * n; i++) {
            plain += receiver.unprotectRtp(buf, 12, sender.protectRtp(buf, 12, 132, 1, i), 1, i);
        }
        long perPacket = (mx.getCurrentThreadAllocatedBytes() - before) / n;
        assertThat(plain).isEqualTo(132L * n);
        System.out.println("AEAD_AES_128_GCM protect + unprotect: " + perPacket + " bytes allocated per packet");
        assertThat(perPacket).isLessThan(8); // javax.crypto's AES/GCM: ~2.2 kB
    }

    private void check(AesGcmCipher cipher, int payload, int ssrc, long index) throws Exception {
        int header = 12;
        byte[] plain = random(header + payload);
        plain[0] = (byte) 0x80;
        byte[] buf = Arrays.copyOf(plain, header + payload + 16);
        int n = cipher.protectRtp(buf, header, header + payload, ssrc, index);
        assertThat(n).isEqualTo(header + payload + 16);

        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(sessionKey, "AES"),
                new GCMParameterSpec(128, iv(salt, ssrc, (int) (index >>> 16), (int) index & 0xFFFF)));
        gcm.updateAAD(plain, 0, header);
        byte[] expected = gcm.doFinal(plain, header, payload);
        assertThat(Arrays.copyOfRange(buf, header, n)).as("payload %d", payload).isEqualTo(expected);
        assertThat(Arrays.copyOf(buf, header)).isEqualTo(Arrays.copyOf(plain, header));

        assertThat(cipher.unprotectRtp(buf, header, n, ssrc, index)).isEqualTo(header + payload);
        assertThat(Arrays.copyOf(buf, header + payload)).isEqualTo(plain);
    }

    private static byte[] iv(byte[] salt, int ssrc, int high, int seq) {
        byte[] iv = salt.clone();
        byte[] x = new byte[12];
        Bytes.putInt(x, 2, ssrc);
        Bytes.putInt(x, 6, high);
        x[10] = (byte) (seq >>> 8);
        x[11] = (byte) seq;
        for (int i = 0; i < 12; i++) {
            iv[i] ^= x[i];
        }
        return iv;
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static SrtpMasterKeys keys() {
        byte[] key = new byte[16];
        byte[] salt = new byte[12];
        RANDOM.nextBytes(key);
        RANDOM.nextBytes(salt);
        return new SrtpMasterKeys(SrtpProfile.AEAD_AES_128_GCM, key, salt);
    }
}
