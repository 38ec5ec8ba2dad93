package dev.switchboard.bench;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.codec.FrameDecoder;
import dev.switchboard.media.codec.FrameEncoder;
import dev.switchboard.media.codec.OpusCodecs;
import dev.switchboard.media.codec.OpusEncoderSettings;
import dev.switchboard.media.codec.OpusLibrary;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Heap bytes allocated and thread CPU time per 20 ms frame, for each codec's encoder and decoder (Opus with each
 * encoder preset), measured on this thread with {@code com.sun.management.ThreadMXBean} after a warm-up: what one
 * talking leg costs the garbage collector, 50 frames a second. Speech-like input (a gliding tone with noise).
 *
 * <p>Opus runs once with Concentus and once with the C libopus through the FFM API (when this JDK is 22+ and
 * libopus0 is installed; the classpath must have target/test-classes first, where the build copies the JDK 22 classes).
 *
 * <p>usage: CodecAllocation [FRAMES]
 */
public final class CodecAllocation {
    private CodecAllocation() {
    }

    public static void main(String[] args) {
        int frames = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        measure("PCMU", AudioCodec.PCMU.newEncoder(), AudioCodec.PCMU.newDecoder(), frames);
        OpusCodecs concentus = OpusCodecs.select(OpusLibrary.CONCENTUS);
        OpusCodecs auto = OpusCodecs.select(OpusLibrary.AUTO);
        System.out.println("libopus: " + (auto.isNative() ? auto.describe() : "not used: " + auto.fallbackReason()));
        for (String preset : new String[] {"switchboard", "janus"}) {
            OpusEncoderSettings settings = OpusEncoderSettings.preset(preset);
            measure("OPUS/" + preset + "/concentus", concentus.newEncoder(settings), concentus.newDecoder(), frames);
            if (auto.isNative()) {
                measure("OPUS/" + preset + "/libopus", auto.newEncoder(settings), auto.newDecoder(), frames);
            }
        }
    }

    private static void measure(String name, FrameEncoder encoder, FrameDecoder decoder, int frames) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        short[] pcm = new short[AudioCodec.MIX_FRAME];
        short[] out = new short[AudioCodec.MIX_FRAME];
        byte[] payload = new byte[encoder.maxPayloadBytes()];
        long encBytes = 0;
        long decBytes = 0;
        long encCpu = 0;
        long decCpu = 0;
        long payloadBytes = 0;
        java.util.Random noise = new java.util.Random(7);
        for (int f = 0; f < 2 * frames; f++) {
            double hz = 300 + 200 * Math.sin(f / 25.0);
            for (int i = 0; i < pcm.length; i++) {
                pcm[i] = (short) (6000 * Math.sin(2 * Math.PI * hz * (f * pcm.length + i) / 48000.0) + noise.nextInt(400) - 200);
            }
            long a0 = mx.getThreadAllocatedBytes(tid);
            long c0 = mx.getCurrentThreadCpuTime();
            int n = encoder.encode(pcm, payload, 0);
            long a1 = mx.getThreadAllocatedBytes(tid);
            long c1 = mx.getCurrentThreadCpuTime();
            decoder.decode(payload, 0, Math.max(n, 0), out);
            long a2 = mx.getThreadAllocatedBytes(tid);
            long c2 = mx.getCurrentThreadCpuTime();
            if (f >= frames) { // the first half warms the JIT up
                encBytes += a1 - a0;
                decBytes += a2 - a1;
                encCpu += c1 - c0;
                decCpu += c2 - c1;
                payloadBytes += n;
            }
        }
        System.out.printf(Locale.ROOT, "%-27s encode %,7d B/frame %6.1f us | decode %,7d B/frame %6.1f us | payload %4d B"
                        + " | one talker: %.2f MB/s allocated%n", name, encBytes / frames, encCpu / 1e3 / frames,
                decBytes / frames, decCpu / 1e3 / frames, payloadBytes / frames, (encBytes + decBytes) / (double) frames * 50 / 1e6);
    }
}
