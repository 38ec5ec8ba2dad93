package dev.switchboard.media.webrtc;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * The SRTP key derivation function (RFC 3711 §4.3.1, AES-CM PRF) with a key derivation rate of 0, as DTLS-SRTP
 * uses it. For RFC 7714's 96-bit salts the salt is placed in the leading bytes of the 112-bit field, as libsrtp
 * and the RFC 7714 test vectors do. Runs once per context, off the packet path.
 */
final class SrtpKeyDerivation {
    static final int RTP_ENCRYPTION = 0;
    static final int RTP_AUTHENTICATION = 1;
    static final int RTP_SALT = 2;
    static final int RTCP_ENCRYPTION = 3;
    static final int RTCP_AUTHENTICATION = 4;
    static final int RTCP_SALT = 5;

    private SrtpKeyDerivation() {
    }

    /** @return {@code length} bytes of PRF output for {@code label} (index 0) */
    static byte[] derive(byte[] masterKey, byte[] masterSalt, int label, int length) {
        byte[] iv = new byte[16];
        System.arraycopy(masterSalt, 0, iv, 0, masterSalt.length);
        iv[7] ^= (byte) label;
        try {
            Cipher prf = Cipher.getInstance("AES/CTR/NoPadding");
            prf.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKey, "AES"), new IvParameterSpec(iv));
            return prf.doFinal(new byte[length]);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR is not available in this JDK", e);
        }
    }
}
