package dev.switchboard.graph;

import dev.switchboard.error.SwitchboardException;
import dev.switchboard.media.DtmfTone;

import java.util.Locale;

/**
 * Graph's {@code tone} enum on the wire: {@code tone0}…{@code tone9}, {@code star}, {@code pound}, {@code a}…{@code d},
 * {@code flash} (CSDL casing, which the Java SDK parses case-sensitively). Read in any casing. Stateless.
 */
public final class GraphTones {
    private static final String ACCEPTED = "tone0…tone9, star, pound, a, b, c, d, flash";

    private GraphTones() {
    }

    /** The wire name of a tone, e.g. {@code tone1}, {@code pound}. */
    public static String name(DtmfTone tone) {
        return tone.name().toLowerCase(Locale.ROOT);
    }

    /** @throws SwitchboardException BAD_REQUEST naming the value and the accepted ones */
    public static DtmfTone parse(String value) {
        if (value != null) {
            for (DtmfTone t : DtmfTone.values()) {
                if (t.name().equalsIgnoreCase(value)) {
                    return t;
                }
            }
        }
        throw SwitchboardException.badRequest("Unknown tone '" + value + "'; tones are " + ACCEPTED + ".");
    }
}
