package dev.switchboard.media.ivr;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Prompt files: Graph's format and the other rates are kept at their rate and rendered at 48 kHz; anything else is
 * refused by name, whatever the bytes are (a prompt is a file a bot points the server at).
 */
class WavDecoderTest {
    private static final int MIX = 48000;

    @Test
    void sixteenAndEightKilohertzMonoPlayAtFortyEightKilohertzAndAreKeptAtTheirOwnRate() {
        PcmClip sixteen = WavDecoder.decode(RecordingStore.wav(new short[16000], 16000));
        assertThat(sixteen.length()).isEqualTo(48000);
        assertThat(sixteen.frames()).isEqualTo(50);
        assertThat(sixteen.bytes()).as("one second at 16 kHz, not at 48 kHz").isEqualTo(32000);
        PcmClip eight = WavDecoder.decode(RecordingStore.wav(new short[8000], 8000));
        assertThat(eight.length()).isEqualTo(48000);
        assertThat(eight.bytes()).isEqualTo(16000);
        short[] ramp = {0, 300, 600};
        short[] frame = new short[12];
        assertThat(WavDecoder.decode(RecordingStore.wav(ramp, 16000)).render(0, frame)).isEqualTo(9);
        assertThat(new short[] {frame[0], frame[3], frame[6]}).as("the prompt's own samples").containsExactly(0, 300, 600);
        assertThat(java.util.Arrays.copyOfRange(frame, 9, 12)).as("past its end").containsExactly(0, 0, 0);
    }

    @Test
    void whatIsNotAPromptIsRefusedSayingWhy() {
        assertThatThrownBy(() -> WavDecoder.decode("hello".getBytes())).isInstanceOf(SwitchboardException.class)
                .hasMessageContaining("not a RIFF/WAVE file");
        byte[] eightBit = RecordingStore.wav(new short[100], 16000);
        eightBit[34] = 8; // bits per sample
        assertThatThrownBy(() -> WavDecoder.decode(eightBit)).hasMessageContaining("8 bits per sample, not 16");
        byte[] alaw = RecordingStore.wav(new short[100], 16000);
        alaw[20] = 6; // format code: A-law
        assertThatThrownBy(() -> WavDecoder.decode(alaw)).hasMessageContaining("format 6, not PCM");
        assertThatThrownBy(() -> WavDecoder.decode(RecordingStore.wav(new short[0], 16000))).hasMessageContaining("no audio");
        assertThatThrownBy(() -> WavDecoder.decode(RecordingStore.wav(new short[10], 96000))).hasMessageContaining("96000 Hz");
    }

    @Test
    void aChunkClaimingNearlyFourGibibytesIsRefusedNotAnIndexError() {
        for (long size : new long[] {0xFFFFFFFFL, 0xFFFFFFF7L, 0x7FFFFFF8L, 0x7FFFFFFFL}) {
            byte[] wav = riff(chunk("LIST", new byte[8], size), fmt(1, 1, 16000, 16), chunk("data", new byte[64], 64));
            assertThatThrownBy(() -> WavDecoder.decode(wav)).as("size %x", size).isInstanceOf(SwitchboardException.class)
                    .hasMessageContaining("it has no fmt chunk");
        }
        byte[] extensible = riff(chunk("fmt ", ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0xFFFE)
                .putShort((short) 1).putInt(16000).putInt(32000).putShort((short) 2).putShort((short) 16).array(), 40));
        assertThatThrownBy(() -> WavDecoder.decode(extensible)).hasMessageContaining("fmt chunk is truncated");
    }

    @Test
    void holdIsToldTheClipsSizeBeforeItIsMadeAndCanRefuseIt() {
        List<Long> told = new ArrayList<>();
        PcmClip clip = WavDecoder.decode(RecordingStore.wav(new short[1600], 16000), told::add);
        assertThat(told).containsExactly(clip.bytes());
        SwitchboardException full = new SwitchboardException(ErrorCode.SERVICE_UNAVAILABLE, "no room");
        assertThatThrownBy(() -> WavDecoder.decode(RecordingStore.wav(new short[1600], 16000), n -> {
            throw full;
        })).isSameAs(full);
        told.clear();
        assertThatThrownBy(() -> WavDecoder.decode(RecordingStore.wav(new short[10], 96000), told::add));
        assertThat(told).as("nothing told for a file that is not a prompt").isEmpty();
    }

    /**
     * Each rate's rendering: as long as it should be, the same in any frames, and where an output sample falls on one
     * of the prompt's own samples, that sample (the interpolator's phase 0 is a unit impulse).
     */
    @Test
    void renderingInFramesIsOneSignalAndKeepsThePromptsOwnSamples() {
        SplittableRandom random = new SplittableRandom(20261204);
        for (int rate : new int[] {8000, 9973, 11025, 16000, 22050, 32000, 44100, 48000}) {
            short[] in = new short[1 + random.nextInt(5000)];
            for (int i = 0; i < in.length; i++) {
                in[i] = (short) random.nextInt(Short.MIN_VALUE / 2, Short.MAX_VALUE / 2);
            }
            PcmClip clip = new PcmClip(in, rate);
            long n = (long) in.length * MIX / rate;
            assertThat(clip.length()).isEqualTo(n);
            short[] whole = new short[(int) n + 7];
            assertThat(clip.render(0, whole)).isEqualTo((int) n);
            for (int i = 0; i < n; i++) {
                if ((long) i * rate % MIX == 0) {
                    assertThat(whole[i]).as("rate %d sample %d", rate, i).isEqualTo(in[(int) ((long) i * rate / MIX)]);
                }
            }
            short[] frame = new short[700]; // frames that do not line up with the renderer's own 960-sample blocks
            long at = 0;
            while (at < n) {
                int got = clip.render(at, frame);
                for (int k = 0; k < frame.length; k++) {
                    assertThat(frame[k]).isEqualTo(at + k < n ? whole[(int) (at + k)] : 0);
                }
                at += got;
            }
            assertThat(clip.render(n, frame)).isZero();
        }
    }

    /** Well-formed files the way encoders write them: extra chunks, odd sizes with their pad byte, extensible, stereo. */
    @Test
    void wellFormedVariantsDecodeToTheirSamples() {
        SplittableRandom random = new SplittableRandom(4);
        for (int round = 0; round < 2000; round++) {
            int rate = random.nextInt(WavDecoder.MIN_RATE, WavDecoder.MAX_RATE + 1);
            int channels = 1 + random.nextInt(2);
            short[] pcm = new short[channels * (1 + random.nextInt(300))];
            for (int i = 0; i < pcm.length; i++) {
                pcm[i] = (short) random.nextInt(Short.MIN_VALUE, Short.MAX_VALUE + 1);
            }
            List<byte[]> chunks = new ArrayList<>();
            addJunk(chunks, random);
            chunks.add(random.nextBoolean() ? fmt(1, channels, rate, 16) : extensibleFmt(channels, rate));
            addJunk(chunks, random);
            ByteBuffer data = ByteBuffer.allocate(2 * pcm.length).order(ByteOrder.LITTLE_ENDIAN);
            for (short s : pcm) {
                data.putShort(s);
            }
            chunks.add(chunk("data", data.array(), data.capacity()));
            addJunk(chunks, random);
            PcmClip clip = WavDecoder.decode(riff(chunks.toArray(byte[][]::new)));
            short[] expected = new short[pcm.length / channels];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = channels == 1 ? pcm[i] : (short) ((pcm[2 * i] + pcm[2 * i + 1]) / 2);
            }
            assertThat(clip.rate()).isEqualTo(rate);
            assertThat(clip.samples()).as("round %d", round).containsExactly(expected);
        }
    }

    /**
     * 30,000 damaged files (bytes flipped, cut short, chunk sizes overwritten with anything up to 4 GiB): each is a
     * clip or a refusal naming why; never another exception. A clip is never larger than its file, and {@code hold}
     * is told its size exactly once; a refusal tells {@code hold} nothing.
     */
    @Test
    void damagedFilesAreRefusedOrDecodedNeverAnythingElse() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        int clips = 0;
        for (int round = 0; round < 30_000; round++) {
            byte[] wav = damage(seedFile(random), random);
            List<Long> told = new ArrayList<>();
            try {
                PcmClip clip = WavDecoder.decode(wav, told::add);
                clips++;
                assertThat(told).as("seed %d round %d", seed, round).containsExactly(clip.bytes());
                assertThat(clip.samples().length).isPositive().isLessThanOrEqualTo((wav.length - 12) / 2);
                clip.render(Math.max(0, clip.length() - 100), new short[960]);
            } catch (SwitchboardException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
                assertThat(e.getMessage()).startsWith("The prompt is not a WAV file this server can play: ");
                assertThat(told).as("seed %d round %d", seed, round).isEmpty();
            } catch (RuntimeException e) {
                fail("seed " + seed + " round " + round + ": " + e, e);
            }
        }
        assertThat(clips).as("some damage leaves a playable file (data bytes, sizes past the end)").isPositive();
    }

    private static byte[] seedFile(SplittableRandom random) {
        List<byte[]> chunks = new ArrayList<>();
        addJunk(chunks, random);
        int channels = 1 + random.nextInt(2);
        int rate = random.nextBoolean() ? 16000 : random.nextInt(4000, 60000);
        chunks.add(random.nextInt(4) == 0 ? extensibleFmt(channels, rate) : fmt(1, channels, rate, 16));
        byte[] pcm = new byte[random.nextInt(0, 200)];
        random.nextBytes(pcm);
        chunks.add(chunk("data", pcm, pcm.length));
        if (random.nextBoolean()) {
            addJunk(chunks, random);
        }
        return riff(chunks.toArray(byte[][]::new));
    }

    private static byte[] damage(byte[] wav, SplittableRandom random) {
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && wav.length > 0; e++) {
            int at = random.nextInt(wav.length);
            switch (random.nextInt(5)) {
                case 0 -> wav[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> wav[at] = (byte) (random.nextBoolean() ? 0 : 0xFF);
                case 2 -> { // a size field (every 4-byte word after an id-looking one is a candidate)
                    int word = 4 * random.nextInt(Math.max(1, wav.length / 4));
                    if (word + 4 <= wav.length) {
                        long[] sizes = {0, 1, 15, 16, 40, 0x7FFFFFF8L, 0x7FFFFFFFL, 0xFFFFFFF7L, 0xFFFFFFFFL,
                                random.nextLong(0, 1L << 32)};
                        b.putInt(word, (int) sizes[random.nextInt(sizes.length)]);
                    }
                }
                case 3 -> wav = java.util.Arrays.copyOf(wav, random.nextInt(wav.length + 1));
                default -> { // a 16-bit field (format, channels, bits)
                    if (wav.length >= 2) {
                        b.putShort(random.nextInt(wav.length - 1), (short) random.nextInt(65536));
                    }
                }
            }
            b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        }
        return wav;
    }

    private static void addJunk(List<byte[]> chunks, SplittableRandom random) {
        int n = random.nextInt(3);
        for (int i = 0; i < n; i++) {
            byte[] body = new byte[random.nextInt(0, 40)];
            random.nextBytes(body);
            chunks.add(chunk(random.nextBoolean() ? "LIST" : "fact", body, body.length));
        }
    }

    private static byte[] fmt(int format, int channels, int rate, int bits) {
        ByteBuffer f = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        f.putShort((short) format).putShort((short) channels).putInt(rate).putInt(rate * channels * bits / 8)
                .putShort((short) (channels * bits / 8)).putShort((short) bits);
        return chunk("fmt ", f.array(), 16);
    }

    private static byte[] extensibleFmt(int channels, int rate) {
        ByteBuffer f = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        f.putShort((short) 0xFFFE).putShort((short) channels).putInt(rate).putInt(rate * channels * 2)
                .putShort((short) (channels * 2)).putShort((short) 16).putShort((short) 22).putShort((short) 16)
                .putInt(channels == 1 ? 4 : 3).putShort((short) 1) // KSDATAFORMAT_SUBTYPE_PCM starts with 1
                .put(new byte[] {0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71});
        return chunk("fmt ", f.array(), 40);
    }

    /** A chunk: id, declared size, body, and the pad byte an odd body takes. */
    private static byte[] chunk(String id, byte[] body, long declared) {
        ByteBuffer c = ByteBuffer.allocate(8 + body.length + (body.length & 1)).order(ByteOrder.LITTLE_ENDIAN);
        c.put(id.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) declared).put(body);
        return c.array();
    }

    private static byte[] riff(byte[]... chunks) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] c : chunks) {
            body.writeBytes(c);
        }
        ByteBuffer b = ByteBuffer.allocate(12 + body.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46464952).putInt(4 + body.size()).putInt(0x45564157).put(body.toByteArray());
        return b.array();
    }
}
