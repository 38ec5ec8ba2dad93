package dev.switchboard.media.codec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Opus payloads → 48 kHz mono PCM through libopus; concealment is libopus's PLC ({@code opus_decode} with no data).
 * Per frame it copies the payload into a native buffer and the PCM out: no heap allocation. One thread at a time;
 * {@link #close} from any thread.
 */
@SuppressWarnings("restricted") // the FFM API's native access; the jar and the scripts enable it
final class LibOpusDecoder implements FrameDecoder {
    /** Room for the longest Opus packet (120 ms); only the first 20 ms are used. */
    private static final int MAX_SAMPLES = 5760;
    /** Larger than any Opus packet in one UDP datagram of a 1,500-byte MTU. */
    private static final int MAX_PACKET = 4000;
    private final MemorySegment state;
    private final MemorySegment packetIn;
    private final MemorySegment pcmOut;
    private final NativeState memory;

    /**
     * @throws IllegalStateException when libopus refuses to create a decoder (its error text in the message)
     */
    LibOpusDecoder() {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment error = LibOpus.intSlot(arena);
            MemorySegment raw = (MemorySegment) LibOpus.DECODER_CREATE.invokeExact(AudioCodec.MIX_RATE, 1, error);
            int code = error.get(ValueLayout.JAVA_INT, 0);
            if (raw.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("opus_decoder_create: " + LibOpus.error(code));
            }
            LibOpus.created();
            state = raw.reinterpret(arena, LibOpus::destroyDecoder);
            if (code != LibOpus.OK) {
                throw new IllegalStateException("opus_decoder_create: " + LibOpus.error(code));
            }
            packetIn = arena.allocate(MAX_PACKET);
            pcmOut = arena.allocate(ValueLayout.JAVA_SHORT, MAX_SAMPLES);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        } catch (Throwable e) {
            arena.close();
            throw new IllegalStateException(e);
        }
        memory = new NativeState(this, arena);
    }

    @Override
    public boolean decode(byte[] payload, int offset, int length, short[] pcm) {
        if (length <= 0 || length > MAX_PACKET) {
            OpusCodecs.frameError();
            conceal(pcm);
            return false;
        }
        try {
            MemorySegment.copy(payload, offset, packetIn, ValueLayout.JAVA_BYTE, 0, length);
            int n = (int) LibOpus.DECODE.invokeExact(state, packetIn, length, pcmOut, MAX_SAMPLES, 0);
            if (n < 0) {
                OpusCodecs.frameError();
                conceal(pcm);
                return false;
            }
            copyOut(n, pcm);
            return true;
        } catch (Throwable e) {
            OpusCodecs.frameError();
            conceal(pcm);
            return false;
        }
    }

    @Override
    public void conceal(short[] pcm) {
        try {
            int n = (int) LibOpus.DECODE.invokeExact(state, MemorySegment.NULL, 0, pcmOut, AudioCodec.MIX_FRAME, 0);
            if (n >= 0) {
                copyOut(n, pcm);
                return;
            }
        } catch (Throwable e) {
            // closed: silence below
        }
        java.util.Arrays.fill(pcm, 0, AudioCodec.MIX_FRAME, (short) 0);
    }

    private void copyOut(int n, short[] pcm) {
        int m = Math.min(n, AudioCodec.MIX_FRAME);
        MemorySegment.copy(pcmOut, ValueLayout.JAVA_SHORT, 0, pcm, 0, m);
        java.util.Arrays.fill(pcm, m, AudioCodec.MIX_FRAME, (short) 0);
    }

    @Override
    public void reset() {
        try {
            int ignored = (int) LibOpus.DECODER_CTL.invokeExact(state, LibOpus.RESET_STATE);
        } catch (Throwable e) {
            // closed: nothing to reset
        }
    }

    @Override
    public void close() {
        memory.close();
    }
}
