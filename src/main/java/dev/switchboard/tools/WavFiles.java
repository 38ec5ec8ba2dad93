package dev.switchboard.tools;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading and writing 16-bit mono PCM WAV files. */
public final class WavFiles {
    private WavFiles() {
    }

    /** Mono 16-bit samples and their rate. */
    public record Pcm(short[] samples, int sampleRate) {
        public double seconds() {
            return samples.length / (double) sampleRate;
        }
    }

    /**
     * Reads a WAV file as 16-bit mono at its own sample rate (the first channel of a multi-channel file).
     *
     * @throws IOException when the file is missing, unreadable or not PCM/µ-law/A-law audio
     */
    public static Pcm read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException("it is a directory, not a WAV file");
        }
        try (InputStream raw = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(12);
            byte[] head = raw.readNBytes(12);
            raw.reset();
            String riff = new String(head, 0, Math.min(4, head.length), java.nio.charset.StandardCharsets.US_ASCII);
            String wave = head.length < 12 ? "" : new String(head, 8, 4, java.nio.charset.StandardCharsets.US_ASCII);
            if (!"RIFF".equals(riff) || !"WAVE".equals(wave)) {
                throw new IOException("not a WAV file (it does not start with a RIFF/WAVE header)");
            }
            AudioInputStream in;
            try {
                in = AudioSystem.getAudioInputStream(raw);
            } catch (UnsupportedAudioFileException e) {
                throw new IOException("unsupported WAV format (use PCM, µ-law or A-law)");
            }
            AudioFormat source = in.getFormat();
            AudioFormat target = new AudioFormat(source.getSampleRate(), 16, source.getChannels(), true, false);
            byte[] bytes;
            try {
                bytes = AudioSystem.getAudioInputStream(target, in).readAllBytes();
            } catch (IllegalArgumentException e) {
                throw new IOException("unsupported WAV format " + source.getEncoding() + " " + source.getSampleSizeInBits()
                        + "-bit (use PCM, µ-law or A-law)");
            }
            int channels = source.getChannels();
            short[] samples = new short[bytes.length / 2 / channels];
            for (int i = 0; i < samples.length; i++) {
                int at = 2 * i * channels;
                samples[i] = (short) ((bytes[at] & 0xff) | (bytes[at + 1] << 8));
            }
            return new Pcm(samples, Math.round(source.getSampleRate()));
        }
    }

    /** Why a WAV file could not be read, in words: no such file, permission denied, not a WAV file, its format. */
    public static String why(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Writes 16-bit mono PCM as a WAV file. */
    public static void write(Path file, short[] samples, int sampleRate) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(header(samples.length, sampleRate));
            ByteBuffer data = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (short s : samples) {
                data.putShort(s);
            }
            out.write(data.array());
        }
    }

    static byte[] header(int sampleCount, int sampleRate) {
        int dataBytes = sampleCount * 2;
        ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        h.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + dataBytes)
                .put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(sampleRate).putInt(sampleRate * 2)
                .putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(dataBytes);
        return h.array();
    }

    /** Parses WAV bytes (used by tests on in-memory files). */
    static Pcm read(byte[] wav) throws IOException {
        Path tmp = Files.createTempFile("wav", ".wav");
        try {
            Files.write(tmp, wav);
            return read(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

}
