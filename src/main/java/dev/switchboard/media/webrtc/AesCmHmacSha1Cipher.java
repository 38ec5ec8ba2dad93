package dev.switchboard.media.webrtc;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

import static dev.switchboard.media.webrtc.SrtpKeyDerivation.derive;

/**
 * {@code AES_CM_128_HMAC_SHA1_80} (RFC 3711 §4.1.1, §4.2.1) with {@code javax.crypto}'s AES and HmacSHA1. The
 * SRTP counter block is {@code salt·2^16 ⊕ SSRC·2^64 ⊕ index·2^16} plus the 16-bit block number: the counter blocks
 * of a packet are written into a scratch buffer and encrypted with AES/ECB (keyed once, at construction) in one call,
 * and the keystream is XORed onto the payload. This is counter mode itself; it avoids {@code Cipher.init} with a new
 * IV per packet, which allocates (~290 bytes a packet with AES/CTR). Holds the RTP and the RTCP session keys of one
 * direction; one thread at a time.
 */
final class AesCmHmacSha1Cipher implements SrtpCipher {
    private static final int TAG = 10;

    /** Bytes of keystream made per {@code Cipher.update}; longer payloads take several. */
    private static final int CHUNK = 2048;

    private final Cipher rtpAes;
    private final Cipher rtcpAes;
    private final byte[] counters = new byte[CHUNK];
    private final byte[] keystream = new byte[CHUNK];
    private final byte[] rtpSalt;
    private final byte[] rtcpSalt;
    private final Mac rtpMac;
    private final Mac rtcpMac;
    private final byte[] iv = new byte[16];
    private final byte[] digest = new byte[20];
    private final byte[] roc = new byte[4];

    AesCmHmacSha1Cipher(SrtpMasterKeys keys) {
        byte[] k = keys.key();
        byte[] s = keys.salt();
        rtpSalt = derive(k, s, SrtpKeyDerivation.RTP_SALT, 14);
        rtcpSalt = derive(k, s, SrtpKeyDerivation.RTCP_SALT, 14);
        try {
            rtpAes = Cipher.getInstance("AES/ECB/NoPadding");
            rtpAes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(derive(k, s, SrtpKeyDerivation.RTP_ENCRYPTION, 16), "AES"));
            rtcpAes = Cipher.getInstance("AES/ECB/NoPadding");
            rtcpAes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(derive(k, s, SrtpKeyDerivation.RTCP_ENCRYPTION, 16), "AES"));
            rtpMac = Mac.getInstance("HmacSHA1");
            rtpMac.init(new SecretKeySpec(derive(k, s, SrtpKeyDerivation.RTP_AUTHENTICATION, 20), "HmacSHA1"));
            rtcpMac = Mac.getInstance("HmacSHA1");
            rtcpMac.init(new SecretKeySpec(derive(k, s, SrtpKeyDerivation.RTCP_AUTHENTICATION, 20), "HmacSHA1"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/HmacSHA1 not available", e);
        }
    }

    @Override
    public int protectRtp(byte[] buf, int header, int length, int ssrc, long index) {
        crypt(rtpAes, rtpSalt, ssrc, index, buf, header, length - header);
        rtpTag(buf, length, (int) (index >>> 16));
        System.arraycopy(digest, 0, buf, length, TAG);
        return length + TAG;
    }

    @Override
    public int unprotectRtp(byte[] buf, int header, int length, int ssrc, long index) {
        int end = length - TAG;
        rtpTag(buf, end, (int) (index >>> 16));
        if (!tagMatches(buf, end)) {
            return AUTH_FAILED;
        }
        crypt(rtpAes, rtpSalt, ssrc, index, buf, header, end - header);
        return end;
    }

    @Override
    public int protectRtcp(byte[] buf, int length, int ssrc, int index) {
        crypt(rtcpAes, rtcpSalt, ssrc, index, buf, 8, length - 8);
        Bytes.putInt(buf, length, index | 0x8000_0000);
        int end = length + 4;
        rtcpTag(buf, end);
        System.arraycopy(digest, 0, buf, end, TAG);
        return end + TAG;
    }

    @Override
    public int unprotectRtcp(byte[] buf, int length, int ssrc, int index, boolean encrypted) {
        int end = length - TAG;
        rtcpTag(buf, end);
        if (!tagMatches(buf, end)) {
            return AUTH_FAILED;
        }
        int plain = end - 4;
        if (encrypted) {
            crypt(rtcpAes, rtcpSalt, ssrc, index, buf, 8, plain - 8);
        }
        return plain;
    }

    @Override
    public int rtcpIndexOffset(int length) {
        return length - 4 - TAG;
    }

    @Override
    public int rtpOverhead() {
        return TAG;
    }

    @Override
    public int rtcpOverhead() {
        return 4 + TAG;
    }

    /** XORs the AES-CM keystream of ({@code salt}, {@code ssrc}, {@code index}) onto {@code buf[offset, offset+length)}. */
    private void crypt(Cipher aes, byte[] salt, int ssrc, long index, byte[] buf, int offset, int length) {
        counterBlock(iv, salt, ssrc, index);
        int block = 0;
        for (int done = 0; done < length; ) {
            int chunk = Math.min(length - done, CHUNK);
            int blocks = (chunk + 15) >>> 4;
            for (int b = 0; b < blocks; b++, block++) {
                int o = b << 4;
                System.arraycopy(iv, 0, counters, o, 14);
                counters[o + 14] = (byte) (block >>> 8);
                counters[o + 15] = (byte) block;
            }
            try {
                aes.update(counters, 0, blocks << 4, keystream, 0);
            } catch (ShortBufferException e) {
                throw new IllegalStateException("AES keystream buffer too small", e);
            }
            int at = offset + done;
            for (int i = 0; i < chunk; i++) {
                buf[at + i] ^= keystream[i];
            }
            done += chunk;
        }
    }

    /** Writes RFC 3711 §4.1.1's initial counter block {@code salt·2^16 ⊕ SSRC·2^64 ⊕ index·2^16} into {@code iv}. */
    static void counterBlock(byte[] iv, byte[] salt, int ssrc, long index) {
        System.arraycopy(salt, 0, iv, 0, 14);
        iv[14] = 0;
        iv[15] = 0;
        iv[4] ^= (byte) (ssrc >>> 24);
        iv[5] ^= (byte) (ssrc >>> 16);
        iv[6] ^= (byte) (ssrc >>> 8);
        iv[7] ^= (byte) ssrc;
        for (int i = 0; i < 6; i++) {
            iv[13 - i] ^= (byte) (index >>> (8 * i));
        }
    }

    private void rtpTag(byte[] buf, int length, int rolloverCounter) {
        Bytes.putInt(roc, 0, rolloverCounter);
        rtpMac.update(buf, 0, length);
        rtpMac.update(roc, 0, 4);
        finish(rtpMac);
    }

    private void rtcpTag(byte[] buf, int length) {
        rtcpMac.update(buf, 0, length);
        finish(rtcpMac);
    }

    private void finish(Mac mac) {
        try {
            mac.doFinal(digest, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean tagMatches(byte[] buf, int offset) {
        int diff = 0;
        for (int i = 0; i < TAG; i++) {
            diff |= digest[i] ^ buf[offset + i];
        }
        return diff == 0;
    }
}
