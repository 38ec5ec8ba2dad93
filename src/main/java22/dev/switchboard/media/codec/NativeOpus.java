package dev.switchboard.media.codec;

/**
 * The C libopus through the FFM API (JDK 22+ version of the class; the multi-release jar's
 * {@code META-INF/versions/22/}). {@link #load} succeeds when {@code libopus.so.0} (Debian's {@code libopus0}) is found
 * and its symbols bind; otherwise it says why, and {@link OpusCodecs} falls back to Concentus.
 */
final class NativeOpus {
    private NativeOpus() {
    }

    /**
     * The libopus implementation.
     *
     * @throws UnsupportedOperationException with the reason it cannot be used (library not found, symbol missing,
     *                                       native access denied)
     */
    static OpusImplementation load() {
        String reason = LibOpus.unavailableReason();
        if (reason != null) {
            throw new UnsupportedOperationException(reason);
        }
        return LibOpusImplementation.INSTANCE;
    }

    /** Native encoder and decoder states alive now (created and not yet destroyed). */
    static int liveStates() {
        return LibOpus.liveStates();
    }

    /** The libopus codecs. */
    private static final class LibOpusImplementation implements OpusImplementation {
        static final LibOpusImplementation INSTANCE = new LibOpusImplementation();

        @Override
        public String description() {
            return LibOpus.version() + " (C, through the FFM API)";
        }

        @Override
        public boolean isNative() {
            return true;
        }

        @Override
        public FrameEncoder newEncoder(OpusEncoderSettings settings) {
            return new LibOpusEncoder(settings);
        }

        @Override
        public FrameDecoder newDecoder() {
            return new LibOpusDecoder();
        }
    }
}
