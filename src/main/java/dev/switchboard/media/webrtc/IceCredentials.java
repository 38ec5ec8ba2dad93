package dev.switchboard.media.webrtc;

import java.security.SecureRandom;

/**
 * One leg's local ICE credentials (RFC 8445 §5.3): a ufrag of 8 and a password of 24 ice-chars (at least 24 and 128
 * bits of randomness as §5.3 asks). The ufrag also routes the browser's checks to the leg on the shared port.
 */
public record IceCredentials(String ufrag, String password) {
    private static final char[] ICE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

    public static IceCredentials random(SecureRandom random) {
        return new IceCredentials(chars(random, 8), chars(random, 24));
    }

    private static String chars(SecureRandom random, int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = ICE_CHARS[random.nextInt(ICE_CHARS.length)];
        }
        return new String(c);
    }

    @Override
    public String toString() {
        return "IceCredentials[ufrag=" + ufrag + ", password hidden]";
    }
}
