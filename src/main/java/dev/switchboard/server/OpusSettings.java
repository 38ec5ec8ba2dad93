package dev.switchboard.server;

import dev.switchboard.media.codec.OpusEncoderSettings;
import dev.switchboard.media.codec.OpusLibrary;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;

/**
 * How the server's Opus encoders encode: a preset ({@code --opus-preset switchboard|janus}) with each value
 * overridable on its own. docs/media.md, "Opus encoder settings", has what each costs and sounds like.
 *
 * @param encoder the settings every room's Opus encoders take
 * @param library which Opus implementation encodes and decodes ({@code --opus-library}; docs/media.md)
 */
public record OpusSettings(OpusEncoderSettings encoder, OpusLibrary library) {
    public static final OpusSettings DEFAULTS = new OpusSettings(OpusEncoderSettings.SWITCHBOARD, OpusLibrary.AUTO);

    public OpusSettings {
        java.util.Objects.requireNonNull(encoder, "encoder");
        java.util.Objects.requireNonNull(library, "library");
    }

    /** These settings with another encoder. */
    public OpusSettings(OpusEncoderSettings encoder) {
        this(encoder, OpusLibrary.AUTO);
    }

    /** The {@code serve} flags of this part (a picocli mixin). An override left unset takes the preset's value. */
    static final class Options {
        @Option(names = "--opus-preset", defaultValue = "switchboard", description =
                "Opus encoder preset: switchboard (CELT-only, complexity 0, 32 kbit/s, wideband; the default) or"
                + " janus (Janus AudioBridge's defaults: voip, complexity 4, auto bitrate, fullband).")
        String preset;

        @Option(names = "--opus-complexity", description = "Opus encoder complexity 0-10 (default: the preset's).")
        Integer complexity;

        @Option(names = "--opus-bitrate", converter = BitrateConverter.class,
                description = "Opus bitrate in bit/s, 6000-510000, or auto (default: the preset's).")
        Integer bitrate;

        @Option(names = "--opus-bandwidth", converter = BandwidthConverter.class, description =
                "Widest band the Opus encoder codes: narrowband, mediumband, wideband, superwideband or fullband"
                + " (default: the preset's).")
        OpusEncoderSettings.Bandwidth bandwidth;

        @Option(names = "--opus-application", converter = ApplicationConverter.class, description =
                "Opus application: voip (SILK/hybrid for speech), audio or restricted_lowdelay (CELT only)"
                + " (default: the preset's).")
        OpusEncoderSettings.Application application;

        @Option(names = "--opus-library", defaultValue = "auto", converter = LibraryConverter.class, description =
                "Opus implementation: auto (the C libopus, libopus.so.0, through the FFM API on JDK 22+, else"
                + " Concentus; the default), libopus (fail to start without it) or concentus (pure Java).")
        OpusLibrary library;

        OpusSettings settings() {
            OpusEncoderSettings s = OpusEncoderSettings.preset(preset);
            if (complexity != null) {
                s = s.withComplexity(complexity);
            }
            if (bitrate != null) {
                s = s.withBitrate(bitrate);
            }
            if (bandwidth != null) {
                s = s.withMaxBandwidth(bandwidth);
            }
            if (application != null) {
                s = s.withApplication(application);
            }
            return new OpusSettings(s, library == null ? OpusLibrary.AUTO : library);
        }
    }

    static final class LibraryConverter implements ITypeConverter<OpusLibrary> {
        @Override
        public OpusLibrary convert(String value) {
            try {
                return OpusLibrary.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not an Opus library (auto, libopus or concentus)");
            }
        }
    }

    /** {@code auto} or a number of bit/s. */
    static final class BitrateConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            if (v.equals("auto") || v.equals("0")) {
                return OpusEncoderSettings.AUTO_BITRATE;
            }
            try {
                int b = Integer.parseInt(v);
                if (b >= 6_000 && b <= 510_000) {
                    return b;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new TypeConversionException("'" + value + "' is not an Opus bitrate (6000-510000 bit/s, or auto)");
        }
    }

    static final class BandwidthConverter implements ITypeConverter<OpusEncoderSettings.Bandwidth> {
        @Override
        public OpusEncoderSettings.Bandwidth convert(String value) {
            try {
                return OpusEncoderSettings.Bandwidth.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not an Opus bandwidth "
                        + "(narrowband, mediumband, wideband, superwideband or fullband)");
            }
        }
    }

    static final class ApplicationConverter implements ITypeConverter<OpusEncoderSettings.Application> {
        @Override
        public OpusEncoderSettings.Application convert(String value) {
            try {
                return OpusEncoderSettings.Application.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not an Opus application (voip, audio or restricted_lowdelay)");
            }
        }
    }
}
