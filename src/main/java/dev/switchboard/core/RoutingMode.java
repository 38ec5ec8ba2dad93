package dev.switchboard.core;

import dev.switchboard.error.SwitchboardException;

import java.util.Locale;

/**
 * Graph's {@code routingMode} of an {@link AudioRoutingGroup}: {@code oneToOne} (one source, one receiver) or
 * {@code multicast} (one source, any number of receivers). Written in CSDL casing, read in any.
 */
public enum RoutingMode {
    ONE_TO_ONE("oneToOne"),
    MULTICAST("multicast");

    private final String wireName;

    RoutingMode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** @throws SwitchboardException BAD_REQUEST for a missing or unknown value, naming the accepted ones */
    public static RoutingMode parse(String value) {
        if (value != null) {
            for (RoutingMode m : values()) {
                if (m.wireName.toLowerCase(Locale.ROOT).equals(value.toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
        }
        throw SwitchboardException.badRequest("'routingMode' must be one of oneToOne, multicast"
                + (value == null ? "." : ", not '" + value + "'."));
    }
}
