package dev.switchboard.media.codec;

/** Concentus (the pure-Java Opus port): always available; the fallback when libopus cannot be used. */
final class ConcentusOpus implements OpusImplementation {
    static final ConcentusOpus INSTANCE = new ConcentusOpus();

    private ConcentusOpus() {
    }

    @Override
    public String description() {
        return "Concentus (pure Java)";
    }

    @Override
    public boolean isNative() {
        return false;
    }

    @Override
    public FrameEncoder newEncoder(OpusEncoderSettings settings) {
        return new OpusFrameEncoder(settings);
    }

    @Override
    public FrameDecoder newDecoder() {
        return new OpusFrameDecoder();
    }
}
