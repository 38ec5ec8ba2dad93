package dev.switchboard.media.codec;

/**
 * One Opus implementation: makes the encoders and decoders of every Opus stream. Two exist: Concentus (pure Java,
 * always there) and the C libopus through the FFM API ({@link NativeOpus}, JDK 22+). Thread-safe; the codecs it makes
 * are used by one thread at a time.
 */
interface OpusImplementation {

    /** Human-readable name and version, e.g. {@code libopus 1.5.2 (FFM)}. */
    String description();

    /** True for the C libopus. */
    boolean isNative();

    /** A new 48 kHz mono encoder with {@code settings}. */
    FrameEncoder newEncoder(OpusEncoderSettings settings);

    /** A new 48 kHz mono decoder. */
    FrameDecoder newDecoder();
}
