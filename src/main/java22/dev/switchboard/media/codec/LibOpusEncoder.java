package dev.switchboard.media.codec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * 48 kHz mono PCM → Opus through libopus, with the same {@link OpusEncoderSettings} as the Concentus encoder
 * (application at creation; bitrate, complexity and maximum bandwidth through {@code opus_encoder_ctl}). Per frame it
 * copies the PCM into a native buffer, calls {@code opus_encode} and copies the packet out: no heap allocation. One
 * thread at a time; {@link #close} from any thread.
 */
@SuppressWarnings("restricted") // the FFM API's native access; the jar and the scripts enable it
final class LibOpusEncoder implements FrameEncoder {
    private static final int MAX_BYTES = 1275;
    private final MemorySegment state;
    private final MemorySegment pcmIn;
    private final MemorySegment packet;
    private final NativeState memory;

    /**
     * @throws IllegalStateException when libopus refuses the settings (its error text in the message)
     */
    LibOpusEncoder(OpusEncoderSettings settings) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment error = LibOpus.intSlot(arena);
            MemorySegment raw = (MemorySegment) LibOpus.ENCODER_CREATE.invokeExact(AudioCodec.MIX_RATE, 1,
                    application(settings.application()), error);
            int code = error.get(ValueLayout.JAVA_INT, 0);
            if (raw.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("opus_encoder_create: " + LibOpus.error(code));
            }
            LibOpus.created();
            state = raw.reinterpret(arena, LibOpus::destroyEncoder);
            if (code != LibOpus.OK) {
                throw new IllegalStateException("opus_encoder_create: " + LibOpus.error(code));
            }
            ctl(LibOpus.SET_BITRATE, settings.bitrate() == OpusEncoderSettings.AUTO_BITRATE ? LibOpus.AUTO : settings.bitrate());
            ctl(LibOpus.SET_COMPLEXITY, settings.complexity());
            ctl(LibOpus.SET_MAX_BANDWIDTH, LibOpus.BANDWIDTH_NARROWBAND + settings.maxBandwidth().ordinal());
            pcmIn = arena.allocate(ValueLayout.JAVA_SHORT, AudioCodec.MIX_FRAME);
            packet = arena.allocate(MAX_BYTES);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        } catch (Throwable e) {
            arena.close();
            throw new IllegalStateException(e);
        }
        memory = new NativeState(this, arena);
    }

    private static int application(OpusEncoderSettings.Application a) {
        return switch (a) {
            case VOIP -> LibOpus.APPLICATION_VOIP;
            case AUDIO -> LibOpus.APPLICATION_AUDIO;
            case RESTRICTED_LOWDELAY -> LibOpus.APPLICATION_RESTRICTED_LOWDELAY;
        };
    }

    private void ctl(int request, int value) throws Throwable {
        int code = (int) LibOpus.ENCODER_CTL_INT.invokeExact(state, request, value);
        if (code != LibOpus.OK) {
            throw new IllegalArgumentException("opus_encoder_ctl(" + request + ", " + value + "): " + LibOpus.error(code));
        }
    }

    @Override
    public int maxPayloadBytes() {
        return MAX_BYTES;
    }

    @Override
    public int encode(short[] pcm, byte[] out, int offset) {
        try {
            MemorySegment.copy(pcm, 0, pcmIn, ValueLayout.JAVA_SHORT, 0, AudioCodec.MIX_FRAME);
            int n = (int) LibOpus.ENCODE.invokeExact(state, pcmIn, AudioCodec.MIX_FRAME, packet,
                    Math.min(MAX_BYTES, out.length - offset));
            if (n < 0) {
                OpusCodecs.frameError();
                return -1;
            }
            MemorySegment.copy(packet, ValueLayout.JAVA_BYTE, 0, out, offset, n);
            return n;
        } catch (Throwable e) { // closed, or a bad buffer: nothing is sent
            OpusCodecs.frameError();
            return -1;
        }
    }

    /** {@code opus_encoder_ctl(OPUS_RESET_STATE)}: the state as {@code opus_encoder_create} left it, the settings kept. */
    @Override
    public void restart() {
        try {
            int ignored = (int) LibOpus.ENCODER_CTL.invokeExact(state, LibOpus.RESET_STATE);
        } catch (Throwable e) {
            // closed: nothing is encoded any more
        }
    }

    @Override
    public void close() {
        memory.close();
    }
}
