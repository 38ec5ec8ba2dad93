package dev.switchboard.media.webrtc;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

import static dev.switchboard.media.webrtc.SrtpKeyDerivation.derive;

/**
 * {@code AEAD_AES_128_GCM} (RFC 7714) with {@code javax.crypto}'s AES/GCM: the RTP header (SRTCP: the first 8
 * bytes and the E-flag+index word) is associated data, the 16-byte tag follows the ciphertext. The 96-bit IV is
 * {@code (0x0000 ‖ SSRC ‖ ROC ‖ SEQ) ⊕ salt} for RTP and {@code (0x0000 ‖ SSRC ‖ 0x0000 ‖ index) ⊕ salt} for RTCP.
 * Only encrypted SRTCP is accepted (browsers never send E=0).
 */
final class AesGcmCipher implements SrtpCipher {
    private static final int TAG = 16;

    private final Cipher gcm;
    private final SecretKeySpec rtpKey;
    private final SecretKeySpec rtcpKey;
    private final byte[] rtpSalt;
    private final byte[] rtcpSalt;
    private final byte[] iv = new byte[12];
    private final byte[] rtcpAad = new byte[12];

    AesGcmCipher(SrtpMasterKeys keys) {
        byte[] k = keys.key();
        byte[] s = keys.salt();
        rtpKey = new SecretKeySpec(derive(k, s, SrtpKeyDerivation.RTP_ENCRYPTION, 16), "AES");
        rtcpKey = new SecretKeySpec(derive(k, s, SrtpKeyDerivation.RTCP_ENCRYPTION, 16), "AES");
        rtpSalt = derive(k, s, SrtpKeyDerivation.RTP_SALT, 12);
        rtcpSalt = derive(k, s, SrtpKeyDerivation.RTCP_SALT, 12);
        try {
            gcm = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM not available", e);
        }
    }

    @Override
    public int protectRtp(byte[] buf, int header, int length, int ssrc, long index) {
        iv(rtpSalt, ssrc, (int) (index >>> 16), (int) index & 0xFFFF);
        try {
            gcm.init(Cipher.ENCRYPT_MODE, rtpKey, new GCMParameterSpec(128, iv));
            gcm.updateAAD(buf, 0, header);
            return header + gcm.doFinal(buf, header, length - header, buf, header);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM protect failed (an index used twice?)", e);
        }
    }

    @Override
    public int unprotectRtp(byte[] buf, int header, int length, int ssrc, long index) {
        iv(rtpSalt, ssrc, (int) (index >>> 16), (int) index & 0xFFFF);
        try {
            gcm.init(Cipher.DECRYPT_MODE, rtpKey, new GCMParameterSpec(128, iv));
            gcm.updateAAD(buf, 0, header);
            return header + gcm.doFinal(buf, header, length - header, buf, header);
        } catch (AEADBadTagException e) {
            return AUTH_FAILED;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unprotect failed", e);
        }
    }

    @Override
    public int protectRtcp(byte[] buf, int length, int ssrc, int index) {
        iv(rtcpSalt, ssrc, 0, 0);
        xorIndex(index);
        System.arraycopy(buf, 0, rtcpAad, 0, 8);
        Bytes.putInt(rtcpAad, 8, index | 0x8000_0000);
        try {
            gcm.init(Cipher.ENCRYPT_MODE, rtcpKey, new GCMParameterSpec(128, iv));
            gcm.updateAAD(rtcpAad, 0, 12);
            int end = 8 + gcm.doFinal(buf, 8, length - 8, buf, 8);
            Bytes.putInt(buf, end, index | 0x8000_0000);
            return end + 4;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM protect failed (an index used twice?)", e);
        }
    }

    @Override
    public int unprotectRtcp(byte[] buf, int length, int ssrc, int index, boolean encrypted) {
        if (!encrypted) {
            return AUTH_FAILED;
        }
        iv(rtcpSalt, ssrc, 0, 0);
        xorIndex(index);
        int end = length - 4;
        System.arraycopy(buf, 0, rtcpAad, 0, 8);
        System.arraycopy(buf, end, rtcpAad, 8, 4);
        try {
            gcm.init(Cipher.DECRYPT_MODE, rtcpKey, new GCMParameterSpec(128, iv));
            gcm.updateAAD(rtcpAad, 0, 12);
            return 8 + gcm.doFinal(buf, 8, end - 8, buf, 8);
        } catch (AEADBadTagException e) {
            return AUTH_FAILED;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unprotect failed", e);
        }
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
