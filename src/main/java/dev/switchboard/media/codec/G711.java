package dev.switchboard.media.codec;

/**
 * ITU-T G.711 µ-law and A-law companding (the Sun reference algorithm), with lookup tables for
 * both directions. Thread-safe, allocation-free.
 */
public final class G711 {
    private static final int[] ALAW_SEG_END = {0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF};
    private static final short[] ULAW_TO_LINEAR = new short[256];
    private static final short[] ALAW_TO_LINEAR = new short[256];
    private static final byte[] LINEAR_TO_ULAW = new byte[65536];
    private static final byte[] LINEAR_TO_ALAW = new byte[65536];

    static {
        for (int i = 0; i < 256; i++) {
            ULAW_TO_LINEAR[i] = (short) ulawDecode(i);
            ALAW_TO_LINEAR[i] = (short) alawDecode(i);
        }
        for (int s = -32768; s <= 32767; s++) {
            LINEAR_TO_ULAW[s & 0xFFFF] = (byte) ulawEncode(s);
            LINEAR_TO_ALAW[s & 0xFFFF] = (byte) alawEncode(s);
        }
    }

    private G711() {
    }

    public static short ulawToLinear(byte u) {
        return ULAW_TO_LINEAR[u & 0xFF];
    }

    public static short alawToLinear(byte a) {
        return ALAW_TO_LINEAR[a & 0xFF];
    }

    public static byte linearToUlaw(int sample) {
        return LINEAR_TO_ULAW[clamp(sample) & 0xFFFF];
    }

    public static byte linearToAlaw(int sample) {
        return LINEAR_TO_ALAW[clamp(sample) & 0xFFFF];
    }

    private static int clamp(int s) {
        return s > 32767 ? 32767 : Math.max(s, -32768);
    }

    private static int ulawEncode(int pcm) {
        int sign = 0;
        if (pcm < 0) {
            pcm = -pcm;
            sign = 0x80;
        }
        if (pcm > 32635) {
            pcm = 32635;
        }
        pcm += 0x84;
        int exponent = 31 - Integer.numberOfLeadingZeros(pcm >> 7);
        int mantissa = (pcm >> (exponent + 3)) & 0x0F;
        return ~(sign | (exponent << 4) | mantissa) & 0xFF;
    }

    private static int ulawDecode(int u) {
        u = ~u & 0xFF;
        int t = (((u & 0x0F) << 3) + 0x84) << ((u & 0x70) >> 4);
        return (u & 0x80) != 0 ? 0x84 - t : t - 0x84;
    }

    private static int alawEncode(int pcm) {
        pcm >>= 3;
        int mask;
        if (pcm >= 0) {
            mask = 0xD5;
        } else {
            mask = 0x55;
            pcm = -pcm - 1;
        }
        int seg = 0;
        while (seg < 8 && pcm > ALAW_SEG_END[seg]) {
            seg++;
        }
        if (seg >= 8) {
            return 0x7F ^ mask;
        }
        int aval = seg << 4;
        aval |= seg < 2 ? (pcm >> 1) & 0x0F : (pcm >> seg) & 0x0F;
        return aval ^ mask;
    }

    private static int alawDecode(int a) {
        a ^= 0x55;
        int t = (a & 0x0F) << 4;
        int seg = (a & 0x70) >> 4;
        switch (seg) {
            case 0 -> t += 8;
            case 1 -> t += 0x108;
            default -> {
                t += 0x108;
                t <<= seg - 1;
            }
        }
        return (a & 0x80) != 0 ? t : -t;
    }
}
