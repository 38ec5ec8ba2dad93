package dev.switchboard.media.webrtc;

import org.bouncycastle.crypto.modes.gcm.BasicGCMMultiplier;
import org.bouncycastle.crypto.modes.gcm.GCMMultiplier;

import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

import static dev.switchboard.media.webrtc.SrtpKeyDerivation.derive;

/**
 * {@code AEAD_AES_128_GCM} (RFC 7714): the RTP header (SRTCP: the first 8 bytes and the E-flag+index word) is
 * associated data, the 16-byte tag follows the ciphertext. The 96-bit IV is {@code (0x0000 ‖ SSRC ‖ ROC ‖ SEQ) ⊕ salt}
 * for RTP and {@code (0x0000 ‖ SSRC ‖ 0x0000 ‖ index) ⊕ salt} for RTCP. Only encrypted SRTCP is accepted (browsers
 * never send E=0).
 *
 * <p>GCM (NIST SP 800-38D) from two maintained primitives, without a {@code Cipher.init} per packet (javax.crypto's
 * AES/GCM needs one for every new IV and allocates ~1.1 kB in it): the counter blocks {@code J0, J0+1, …} of a packet
 * are encrypted by {@code javax.crypto}'s AES/ECB, keyed once (AES-NI), in one call — {@code E(J0)} masks the tag,
 * the rest is the CTR keystream; GHASH is Bouncy Castle's {@link BasicGCMMultiplier} (constant time, no tables),
 * initialised once per key with {@code H = E(0¹²⁸)}. An unprotect checks the tag (constant time) before it
 * decrypts. Nothing is allocated per packet. The output is checked against javax.crypto's AES/GCM and RFC 7714's
 * vectors ({@code SrtpContextTest}, {@code AesGcmCipherTest}). Holds one direction's RTP and RTCP keys; one thread
 * at a time.
 */
final class AesGcmCipher implements SrtpCipher {
    private static final int TAG = 16;
    /** Counter blocks per AES/ECB call: the tag mask plus 127 blocks (2,032 payload bytes) — more than a datagram. */
    private static final int BLOCKS = 128;

    private final Key rtp;
    private final Key rtcp;
    private final byte[] counters = new byte[BLOCKS * 16];
    private final byte[] keystream = new byte[BLOCKS * 16];
    private final byte[] ghash = new byte[16];
    private final byte[] rtcpAad = new byte[12];
    private final byte[] iv = new byte[12];

    /** One session key: AES/ECB keyed with it, its GHASH multiplier, its salt. */
    private record Key(Cipher aes, GCMMultiplier ghash, byte[] salt) {
    }

    AesGcmCipher(SrtpMasterKeys keys) {
        byte[] k = keys.key();
        byte[] s = keys.salt();
        rtp = key(derive(k, s, SrtpKeyDerivation.RTP_ENCRYPTION, 16), derive(k, s, SrtpKeyDerivation.RTP_SALT, 12));
        rtcp = key(derive(k, s, SrtpKeyDerivation.RTCP_ENCRYPTION, 16), derive(k, s, SrtpKeyDerivation.RTCP_SALT, 12));
    }

    private static Key key(byte[] aesKey, byte[] salt) {
        try {
            Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(aesKey, "AES"));
            byte[] h = aes.doFinal(new byte[16]);
            GCMMultiplier m = new BasicGCMMultiplier();
            m.init(h);
            return new Key(aes, m, salt);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES not available", e);
        }
    }

    @Override
    public int protectRtp(byte[] buf, int header, int length, int ssrc, long index) {
        iv(rtp.salt, ssrc, (int) (index >>> 16), (int) index & 0xFFFF);
        int payload = length - header;
        keystream(rtp, payload);
        xor(buf, header, payload);
        tag(rtp, buf, 0, header, buf, header, payload);
        System.arraycopy(ghash, 0, buf, length, TAG);
        return length + TAG;
    }

    @Override
    public int unprotectRtp(byte[] buf, int header, int length, int ssrc, long index) {
        int end = length - TAG;
        if (end < header) {
            return AUTH_FAILED;
        }
        iv(rtp.salt, ssrc, (int) (index >>> 16), (int) index & 0xFFFF);
        int payload = end - header;
        keystream(rtp, payload);
        tag(rtp, buf, 0, header, buf, header, payload);
        if (!tagMatches(buf, end)) {
            return AUTH_FAILED;
        }
        xor(buf, header, payload);
        return end;
    }

    @Override
    public int protectRtcp(byte[] buf, int length, int ssrc, int index) {
        iv(rtcp.salt, ssrc, 0, 0);
        xorIndex(index);
        System.arraycopy(buf, 0, rtcpAad, 0, 8);
        Bytes.putInt(rtcpAad, 8, index | 0x8000_0000);
        int payload = length - 8;
        keystream(rtcp, payload);
        xor(buf, 8, payload);
        tag(rtcp, rtcpAad, 0, 12, buf, 8, payload);
        System.arraycopy(ghash, 0, buf, length, TAG);
        Bytes.putInt(buf, length + TAG, index | 0x8000_0000);
        return length + TAG + 4;
    }

    @Override
    public int unprotectRtcp(byte[] buf, int length, int ssrc, int index, boolean encrypted) {
        if (!encrypted || length < 8 + TAG + 4) {
            return AUTH_FAILED;
        }
        iv(rtcp.salt, ssrc, 0, 0);
        xorIndex(index);
        int end = length - 4 - TAG;
        System.arraycopy(buf, 0, rtcpAad, 0, 8);
        System.arraycopy(buf, length - 4, rtcpAad, 8, 4);
        int payload = end - 8;
        keystream(rtcp, payload);
        tag(rtcp, rtcpAad, 0, 12, buf, 8, payload);
        if (!tagMatches(buf, end)) {
            return AUTH_FAILED;
        }
        xor(buf, 8, payload);
        return end;
    }

    @Override
    public int rtcpIndexOffset(int length) {
        return length - 4;
    }

    @Override
    public int rtpOverhead() {
        return TAG;
    }

    @Override
    public int rtcpOverhead() {
        return TAG + 4;
    }

    /** {@code keystream[0..16)} = E(J0), then the CTR keystream for {@code payload} bytes from E(J0+1). */
    private void keystream(Key key, int payload) {
        int blocks = 1 + (payload + 15 >>> 4);
        if (blocks > BLOCKS) {
            throw new IllegalArgumentException("SRTP payload longer than " + (BLOCKS - 1) * 16 + " bytes");
        }
        for (int b = 0; b < blocks; b++) {
            int at = b << 4;
            System.arraycopy(iv, 0, counters, at, 12);
            Bytes.putInt(counters, at + 12, b + 1); // J0 = IV ‖ 0x00000001, then inc32
        }
        try {
            key.aes.update(counters, 0, blocks << 4, keystream, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private void xor(byte[] buf, int offset, int length) {
        for (int i = 0; i < length; i++) {
            buf[offset + i] ^= keystream[16 + i];
        }
    }

    /** {@code ghash} = GHASH(A, C) ⊕ E(J0): the full 16-byte tag. */
    private void tag(Key key, byte[] a, int aOff, int aLen, byte[] c, int cOff, int cLen) {
        java.util.Arrays.fill(ghash, (byte) 0);
        absorb(key.ghash, a, aOff, aLen);
        absorb(key.ghash, c, cOff, cLen);
        long aBits = (long) aLen << 3;
        long cBits = (long) cLen << 3;
        for (int i = 0; i < 8; i++) {
            ghash[i] ^= (byte) (aBits >>> (56 - 8 * i));
            ghash[8 + i] ^= (byte) (cBits >>> (56 - 8 * i));
        }
        key.ghash.multiplyH(ghash);
        for (int i = 0; i < 16; i++) {
            ghash[i] ^= keystream[i];
        }
    }

    /** Folds {@code data} into {@code ghash}, zero-padded to whole blocks. */
    private void absorb(GCMMultiplier h, byte[] data, int off, int len) {
        for (int at = 0; at < len; at += 16) {
            int n = Math.min(16, len - at);
            for (int i = 0; i < n; i++) {
                ghash[i] ^= data[off + at + i];
            }
            h.multiplyH(ghash);
        }
    }

    private boolean tagMatches(byte[] buf, int at) {
        int diff = 0;
        for (int i = 0; i < TAG; i++) {
            diff |= ghash[i] ^ buf[at + i];
        }
        return diff == 0;
    }

    private void iv(byte[] salt, int ssrc, int high, int seq) {
        iv[0] = salt[0];
        iv[1] = salt[1];
        iv[2] = (byte) (salt[2] ^ (ssrc >>> 24));
        iv[3] = (byte) (salt[3] ^ (ssrc >>> 16));
        iv[4] = (byte) (salt[4] ^ (ssrc >>> 8));
        iv[5] = (byte) (salt[5] ^ ssrc);
        iv[6] = (byte) (salt[6] ^ (high >>> 24));
        iv[7] = (byte) (salt[7] ^ (high >>> 16));
        iv[8] = (byte) (salt[8] ^ (high >>> 8));
        iv[9] = (byte) (salt[9] ^ high);
        iv[10] = (byte) (salt[10] ^ (seq >>> 8));
        iv[11] = (byte) (salt[11] ^ seq);
    }

    /** SRTCP: bytes 8..11 of the IV carry the 31-bit index (bytes 6..7 stay the salt's). */
    private void xorIndex(int index) {
        iv[8] ^= (byte) (index >>> 24);
        iv[9] ^= (byte) (index >>> 16);
        iv[10] ^= (byte) (index >>> 8);
        iv[11] ^= (byte) index;
    }
}
