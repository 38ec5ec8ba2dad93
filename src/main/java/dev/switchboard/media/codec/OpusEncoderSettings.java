package dev.switchboard.media.codec;

import java.util.Locale;

/**
 * How the mixer's Opus encoders encode (every Opus stream the server sends: each talker's mix-minus and the shared
 * full mix). A value; the engine gives the same settings to every encoder it creates.
 *
 * <p>Two presets: {@link #SWITCHBOARD} (the default: CELT-only, complexity 0, 32 kbit/s, wideband; the cheapest
 * encode that still sounds like wideband voice) and {@link #JANUS} (what Janus AudioBridge 1.1.2's libopus encoders
 * use by default: VoIP application, so SILK or hybrid for speech, complexity 4, the encoder's own bitrate — about
 * 51 kbit/s for 48 kHz mono at 20 ms — fullband), for a like-for-like comparison. docs/media.md has their cost and
 * quality.
 *
 * @param complexity   0 (cheapest) to 10 (best)
 * @param bitrate      bits per second, 6,000-510,000, or {@link #AUTO_BITRATE} for the encoder's own choice
 * @param maxBandwidth the widest audio band the encoder may code
 * @param application  the encoder's mode: {@code VOIP} (SILK/hybrid for speech), {@code AUDIO} (CELT-leaning) or
 *                     {@code RESTRICTED_LOWDELAY} (CELT only: cheapest, no SILK)
 * @throws IllegalArgumentException for a complexity or bitrate out of range
 */
public record OpusEncoderSettings(int complexity, int bitrate, Bandwidth maxBandwidth, Application application) {
    /** The encoder chooses the bitrate (libopus: 60·frames/s + sample rate·channels, 51 kbit/s here). */
    public static final int AUTO_BITRATE = 0;
    public static final OpusEncoderSettings SWITCHBOARD =
            new OpusEncoderSettings(0, 32_000, Bandwidth.WIDEBAND, Application.RESTRICTED_LOWDELAY);
    public static final OpusEncoderSettings JANUS =
            new OpusEncoderSettings(4, AUTO_BITRATE, Bandwidth.FULLBAND, Application.VOIP);

    /** The audio bands Opus codes, narrowest first (4, 6, 8, 12, 20 kHz). */
    public enum Bandwidth { NARROWBAND, MEDIUMBAND, WIDEBAND, SUPERWIDEBAND, FULLBAND }

    /** Opus's application modes. */
    public enum Application { VOIP, AUDIO, RESTRICTED_LOWDELAY }

    public OpusEncoderSettings {
        java.util.Objects.requireNonNull(maxBandwidth, "maxBandwidth");
        java.util.Objects.requireNonNull(application, "application");
        if (complexity < 0 || complexity > 10) {
            throw new IllegalArgumentException("the Opus complexity must be 0-10, was " + complexity);
        }
        if (bitrate != AUTO_BITRATE && (bitrate < 6_000 || bitrate > 510_000)) {
            throw new IllegalArgumentException("the Opus bitrate must be 6000-510000 bit/s or auto, was " + bitrate);
        }
    }

    /** A preset by name ({@code switchboard} or {@code janus}, any case). */
    public static OpusEncoderSettings preset(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "switchboard" -> SWITCHBOARD;
            case "janus" -> JANUS;
            default -> throw new IllegalArgumentException("unknown Opus preset '" + name + "' (switchboard or janus)");
        };
    }

    public OpusEncoderSettings withComplexity(int value) {
        return new OpusEncoderSettings(value, bitrate, maxBandwidth, application);
    }

    public OpusEncoderSettings withBitrate(int value) {
        return new OpusEncoderSettings(complexity, value, maxBandwidth, application);
    }

    public OpusEncoderSettings withMaxBandwidth(Bandwidth value) {
        return new OpusEncoderSettings(complexity, bitrate, value, application);
    }

    public OpusEncoderSettings withApplication(Application value) {
        return new OpusEncoderSettings(complexity, bitrate, maxBandwidth, value);
    }

    @Override
    public String toString() {
        return "complexity=" + complexity + " bitrate=" + (bitrate == AUTO_BITRATE ? "auto" : bitrate) + " bandwidth="
                + maxBandwidth.name().toLowerCase(Locale.ROOT) + " application=" + application.name().toLowerCase(Locale.ROOT);
    }
}
