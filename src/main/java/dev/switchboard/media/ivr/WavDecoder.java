package dev.switchboard.media.ivr;

import dev.switchboard.error.SwitchboardException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads a prompt file: RIFF/WAVE, PCM (format 1, or WAVE_FORMAT_EXTENSIBLE with the PCM sub-format), 16 bits per
 * sample, mono or stereo (averaged to mono), any rate from 8 kHz to 48 kHz. Graph documents 16 kHz mono 16-bit; the
 * clip keeps the file's rate (it is rendered at the mix rate as it plays, {@link PcmClip#render}). Anything else is
 * refused with a message naming what was found. Stateless.
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
        return decode(wav, bytes -> { });
    }

    /**
     * Decodes {@code wav}, first telling {@code hold} the decoded clip's size ({@link PcmClip#bytes()}), once the
     * file is known to be a prompt and before the clip is made; {@code hold} may throw to refuse.
     *
     * @throws SwitchboardException BAD_REQUEST naming why the bytes are not a prompt this server plays, or what
     *                              {@code hold} threw
     */
    public static PcmClip decode(byte[] wav, java.util.function.LongConsumer hold) {
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        if (wav.length < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) { // "RIFF" ... "WAVE"
            throw refuse("it is not a RIFF/WAVE file");
        }
        long pos = 12;
        int channels = 0;
        int rate = 0;
        int bits = 0;
        int format = -1;
        while (pos + 8 <= wav.length) {
            int id = b.getInt((int) pos);
            long size = b.getInt((int) pos + 4) & 0xffffffffL;
            int body = (int) pos + 8;
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
                    if (end - body < 40) {
                        throw refuse("its fmt chunk is truncated");
                    }
                    format = b.getShort(body + 24) & 0xffff;
                }
            } else if (id == 0x61746164) { // "data"
                if (format < 0) {
                    throw refuse("its data comes before its fmt chunk");
                }
                check(format, channels, rate, bits);
                return mono(b, body, (int) (end - body), channels, rate, hold);
            }
            pos = body + size + (size & 1);
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

    private static PcmClip mono(ByteBuffer b, int start, int length, int channels, int rate,
                                java.util.function.LongConsumer hold) {
        int frames = length / (2 * channels);
        if (frames == 0) {
            throw refuse("it holds no audio");
        }
        hold.accept(2L * frames);
        short[] mono = new short[frames];
        for (int i = 0; i < frames; i++) {
            int at = start + i * 2 * channels;
            mono[i] = channels == 1 ? b.getShort(at) : (short) ((b.getShort(at) + b.getShort(at + 2)) / 2);
        }
        return new PcmClip(mono, rate);
    }

    private static SwitchboardException refuse(String why) {
        return SwitchboardException.badRequest("The prompt is not a WAV file this server can play: " + why
                + ". Send RIFF/WAVE, PCM 16-bit, mono, 16 kHz (8-48 kHz are resampled).");
    }
}
