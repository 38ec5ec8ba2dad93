package dev.switchboard.server;

import dev.switchboard.media.MediaAllowList;
import picocli.CommandLine.Option;

/**
 * The media plane: which UDP ports legs take and which address SDP answers advertise.
 *
 * @param ports   the UDP port range, one port per leg
 * @param address the address SDP answers advertise (legs bind to {@link HttpSettings#host()}), or null for the host
 *                itself; required when the host is a wildcard such as 0.0.0.0
 * @param allow   where an SDP offer's media address may point besides the joining client's own address
 *                ({@code --media-allow}; docs/media.md)
 */
public record MediaSettings(PortRange ports, String address, MediaAllowList allow) {
    public static final MediaSettings DEFAULTS = new MediaSettings(new PortRange(31000, 31999), null, MediaAllowList.loopback());

    public MediaSettings {
        java.util.Objects.requireNonNull(ports, "ports");
        java.util.Objects.requireNonNull(allow, "allow");
    }

    public MediaSettings withPorts(PortRange value) {
        return new MediaSettings(value, address, allow);
    }

    public MediaSettings withAllow(MediaAllowList value) {
        return new MediaSettings(ports, address, value);
    }

    /** An inclusive UDP port range within 1024-65535. */
    public record PortRange(int low, int high) {
        public PortRange {
            if (low < 1024 || high > 65535 || low > high) {
                throw new IllegalArgumentException("media ports must be a range within 1024-65535, was " + low + "-" + high);
            }
        }

        /** Parses {@code LOW-HIGH}. */
        static PortRange parse(String value) {
            String[] parts = value.split("-", 2);
            try {
                if (parts.length == 2) {
                    return new PortRange(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new IllegalArgumentException("must look like LOW-HIGH, e.g. 31000-31999");
        }

        @Override
        public String toString() {
            return low + "-" + high;
        }
    }

    /** The {@code serve} flags of this part (a picocli mixin). */
    static final class Options {
        @Option(names = "--media-ports", defaultValue = "31000-31999", converter = SettingConverters.PortRangeConverter.class,
                description = "UDP port range for media legs, LOW-HIGH (default: 31000-31999).")
        PortRange ports;

        @Option(names = "--media-address", description = {
                "The address written into SDP answers for media (default: --host); required when --host is 0.0.0.0."})
        String address;

        @Option(names = "--media-allow", defaultValue = MediaAllowList.DEFAULT, converter = SettingConverters.MediaAllowConverter.class,
                description = {"Comma-separated IPs or CIDR ranges an SDP offer's media address may name besides the",
                        "joining client's own address (default: " + MediaAllowList.DEFAULT + ")."})
        MediaAllowList allow;

        MediaSettings settings() {
            return new MediaSettings(ports, address, allow);
        }
    }
}
