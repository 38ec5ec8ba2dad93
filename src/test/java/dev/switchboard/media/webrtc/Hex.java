package dev.switchboard.media.webrtc;

import java.util.HexFormat;

final class Hex {
    private Hex() {
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s", "").toLowerCase(java.util.Locale.ROOT));
    }

    static String hex(byte[] b, int from, int to) {
        return HexFormat.of().formatHex(b, from, to);
    }
}
