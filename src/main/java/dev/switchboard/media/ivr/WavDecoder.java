package dev.switchboard.media.ivr;

import dev.switchboard.error.SwitchboardException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads a prompt file: RIFF/WAVE, PCM (format 1, or WAVE_FORMAT_EXTENSIBLE with the PCM sub-format), 16 bits per
 * sample, mono or stereo (averaged to mono), any rate from 8 kHz to 48 kHz. Graph documents 16 kHz mono 16-bit; the
 * other rates are resampled to the mix rate by linear interpolation. Anything else is refused with a message naming
 * what was found. Stateless.
 */
public final class WavDecoder {
    static final int MIN_RATE = 8000;
    static final int MAX_RATE = 48000;

    private WavDecoder() {
    }

    /**
     * @throws SwitchboardException BAD_REQUEST naming why the bytes are not a prompt this server plays
     */
    public static PcmClip decode(byte[] wav) {
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        if (wav.length < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) { // "RIFF" ... "WAVE"
            throw refuse("it is not a RIFF/WAVE file");
        }
        int pos = 12;
        int channels = 0;
        int rate = 0;
        int bits = 0;
        int format = -1;
        while (pos + 8 <= wav.length) {
            int id = b.getInt(pos);
            long size = b.getInt(pos + 4) & 0xffffffffL;
            int body = pos + 8;
            long end = Math.min(wav.length, body + size);
            if (id == 0x20746d66) { // "fmt "
                if (size < 16 || end - body < 16) {
                    throw refuse("its fmt chunk is truncated");
                }
                format = b.getShort(body) & 0xffff;
                channels = b.getShort(body + 2) & 0xffff;
                rate = b.getInt(body + 4);
                bits = b.getShort(body + 14) & 0xffff;
                if (format == 0xFFFE && size >= 40) { // extensible: the sub-format GUID starts with the format code
                    format = b.getShort(body + 24) & 0xffff;
                }
            } else if (id == 0x61746164) { // "data"
                if (format < 0) {
                    throw refuse("its data comes before its fmt chunk");
                }
                check(format, channels, rate, bits);
                return toMix(b, body, (int) (end - body), channels, rate);
            }
            pos = (int) Math.min(Integer.MAX_VALUE, body + size + (size & 1));
        }
        throw refuse("it has no " + (format < 0 ? "fmt" : "data") + " chunk");
    }

    private static void check(int format, int channels, int rate, int bits) {
        if (format != 1) {
            throw refuse("its encoding is format " + format + ", not PCM (1)");
        }
        if (bits != 16) {
            throw refuse("it has " + bits + " bits per sample, not 16");
        }
        if (channels != 1 && channels != 2) {
            throw refuse("it has " + channels + " channels, not 1 (or 2)");
        }
        if (rate < MIN_RATE || rate > MAX_RATE) {
            throw refuse("its sample rate is " + rate + " Hz, outside 8000-48000 Hz");
        }
    }

    private static PcmClip toMix(ByteBuffer b, int start, int length, int channels, int rate) {
        int frames = length / (2 * channels);
        if (frames == 0) {
            throw refuse("it holds no audio");
        }
        short[] mono = new short[frames];
        for (int i = 0; i < frames; i++) {
            int at = start + i * 2 * channels;
            mono[i] = channels == 1 ? b.getShort(at) : (short) ((b.getShort(at) + b.getShort(at + 2)) / 2);
        }
        return new PcmClip(resample(mono, rate, dev.switchboard.media.codec.AudioCodec.MIX_RATE));
    }

    /** Linear interpolation from {@code from} Hz to {@code to} Hz (identity when equal). */
    static short[] resample(short[] in, int from, int to) {
        if (from == to) {
            return in;
        }
        int n = (int) ((long) in.length * to / from);
        short[] out = new short[n];
        for (int i = 0; i < n; i++) {
            double x = (double) i * from / to;
            int j = (int) x;
            double f = x - j;
            int a = in[Math.min(j, in.length - 1)];
            int c = in[Math.min(j + 1, in.length - 1)];
            out[i] = (short) Math.round(a + (c - a) * f);
        }
        return out;
    }

    private static SwitchboardException refuse(String why) {
        return SwitchboardException.badRequest("The prompt is not a WAV file this server can play: " + why
                + ". Send RIFF/WAVE, PCM 16-bit, mono, 16 kHz (8-48 kHz are resampled).");
    }
}
