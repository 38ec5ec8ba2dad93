package dev.switchboard.media.codec;

import java.util.Locale;

/**
 * Which Opus implementation the server's codecs use ({@code --opus-library}). docs/media.md, "Opus implementation".
 */
public enum OpusLibrary {
    /** The C libopus ({@code libopus.so.0}) through the FFM API when the JDK is 22+ and the library loads, else Concentus. */
    AUTO,
    /** The C libopus only: start-up fails when it cannot be used. */
    LIBOPUS,
    /** Concentus, the pure-Java port, whatever is installed. */
    CONCENTUS;

    /** {@code auto}, {@code libopus} or {@code concentus}, any case. */
    public static OpusLibrary parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown Opus library '" + value + "' (auto, libopus or concentus)");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
