package dev.switchboard.server;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;

/**
 * How the server logs.
 *
 * @param format text lines or JSON lines
 */
public record LogSettings(LogFormat format) {
    public static final LogSettings DEFAULTS = new LogSettings(LogFormat.TEXT);

    /** The {@code serve} flags of this part (a picocli mixin). */
    static final class Options {
        @Option(names = "--log-format", defaultValue = "text", converter = FormatConverter.class,
                description = "Log output: text or json (default: text).")
        LogFormat format;

        LogSettings settings() {
            return new LogSettings(format);
        }
    }

    /** Parses {@code text|json}, case-insensitively. */
    static final class FormatConverter implements ITypeConverter<LogFormat> {
        @Override
        public LogFormat convert(String value) {
            try {
                return LogFormat.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("expected text or json, got '" + value + "'");
            }
        }
    }
}
