package dev.switchboard.bench;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.codec.FrameDecoder;
import dev.switchboard.media.codec.FrameEncoder;
import dev.switchboard.media.codec.OpusEncoderSettings;
import dev.switchboard.media.mix.AudioMixer;
import dev.switchboard.media.mix.MixBuffers;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * The mixer's codec and mixing work per room tick measured in <em>thread CPU time</em> (not wall time), so
 * the figure holds on a machine shared with other busy processes, where JMH's wall-clock scores are noise.
 * Same work as {@link MixerTickBenchmark} (decode talkers, sum, one mix-minus encode per talker, one shared
 * encode for the rest), over many rooms so codec state does not stay in cache. No I/O: the load harness
 * measures the whole server.
 *
 * <p>usage: MixerCpuTime CODEC LEGS_PER_ROOM TALKERS_PER_ROOM ROOMS [SECONDS] [MODE]; MODE is {@code wide} or
 * {@code narrow} for G.711 (mix at 48 kHz, the default, or at 8 kHz as a room of only G.711 legs does), or an Opus
 * encoder preset ({@code switchboard}, the default, or {@code janus}).
 */
public final class MixerCpuTime {
    private MixerCpuTime() {
    }

    public static void main(String[] args) {
        AudioCodec codec = AudioCodec.valueOf(args[0]);
        int legs = Integer.parseInt(args[1]);
        int talkers = Math.min(legs, Integer.parseInt(args[2]));
        int rooms = Integer.parseInt(args[3]);
        double seconds = args.length > 4 ? Double.parseDouble(args[4]) : 10;
        String mode = args.length > 5 ? args[5] : codec.narrowband() ? "wide" : "switchboard";
        boolean narrow = mode.equals("narrow");
        OpusEncoderSettings opus = codec.narrowband() ? OpusEncoderSettings.SWITCHBOARD : OpusEncoderSettings.preset(mode);
        Room[] r = new Room[rooms];
        MixBuffers buffers = new MixBuffers(); // one thread ticks every room: one set, as a mixer thread has
        for (int i = 0; i < rooms; i++) {
            r[i] = new Room(codec, legs, talkers, narrow, opus, buffers);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long ticks = 0;
        long warm = System.nanoTime() + (long) (seconds / 3 * 1e9);
        while (System.nanoTime() < warm) {
            for (Room room : r) {
                room.tick();
            }
        }
        long cpu0 = mx.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        long end = wall0 + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            for (Room room : r) {
                room.tick();
            }
            ticks++;
        }
        double cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
        double perRoomTickUs = cpu / (ticks * rooms) * 1e6;
        double perLegCoreShare = perRoomTickUs / legs * 50 / 1e6; // 50 ticks/s
        System.out.printf(Locale.ROOT, "codec=%s mode=%s legs/room=%d talkers/room=%d rooms=%d: %.1f us CPU per room tick,"
                        + " %.4f %% of a core per leg => %.0f legs per core (mixing+codecs only, no I/O)%n",
                codec, mode, legs, talkers, rooms, perRoomTickUs, 100 * perLegCoreShare, 1 / perLegCoreShare);
    }

    private static final class Room {
        private final AudioCodec codec;
        private final AudioMixer mixer;
        private final boolean narrow;
        private final FrameDecoder[] decoders;
        private final FrameEncoder[] encoders;
        private final short[][] pcm;
        private final byte[][] payloads;
        private final int[] lengths;
        private final short[] scratch;
        private final byte[] out;
        private final int legs;
        private final int talkers;

        Room(AudioCodec codec, int legs, int talkers, boolean narrow, OpusEncoderSettings opus, MixBuffers buffers) {
            this.codec = codec;
            this.narrow = narrow;
            this.mixer = new AudioMixer(opus, buffers);
            this.scratch = buffers.frame();
            this.legs = legs;
            this.talkers = talkers;
            decoders = new FrameDecoder[talkers];
            encoders = new FrameEncoder[talkers];
            pcm = new short[talkers][AudioCodec.MIX_FRAME];
            FrameEncoder source = codec.newEncoder();
            out = new byte[source.maxPayloadBytes()];
            for (int l = 0; l < talkers; l++) {
                decoders[l] = codec.newDecoder();
                encoders[l] = codec.newEncoder(opus);
            }
            EncodedTones tones = EncodedTones.of(codec, talkers);
            payloads = tones.payloads();
            lengths = tones.lengths();
        }

        void tick() {
            mixer.begin(narrow);
            for (int l = 0; l < talkers; l++) {
                if (narrow) {
                    decoders[l].decodeNarrow(payloads[l], 0, lengths[l], pcm[l]);
                } else {
                    decoders[l].decode(payloads[l], 0, lengths[l], pcm[l]);
                }
                mixer.add(pcm[l]);
            }
            for (int l = 0; l < talkers; l++) {
                mixer.mixMinus(pcm[l], scratch);
                if (narrow) {
                    encoders[l].encodeNarrow(scratch, out, 0);
                } else {
                    encoders[l].encode(scratch, out, 0);
                }
            }
            if (talkers < legs) {
                mixer.encodeShared(codec);
            }
        }
    }
}
