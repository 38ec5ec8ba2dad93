package dev.switchboard.server;

import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Where bots' webhooks may go beyond the public internet (the SSRF rule's exemptions).
 *
 * @param allow hosts, IPs or CIDR ranges a {@code callbackUri} may use although they are private or plain http
 */
public record CallbackSettings(HostList allow) {
    public static final CallbackSettings DEFAULTS = new CallbackSettings(new HostList(List.of("localhost", "127.0.0.0/8", "::1/128")));

    public CallbackSettings {
        java.util.Objects.requireNonNull(allow, "allow");
    }

    /** A list of host names, IPs or CIDR ranges, in the order given, without duplicates. */
    public record HostList(List<String> hosts) {
        public HostList {
            hosts = List.copyOf(new LinkedHashSet<>(hosts));
        }

        /** Parses a comma-separated list; blanks are skipped. */
        static HostList parse(String value) {
            List<String> out = new ArrayList<>();
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
            return new HostList(out);
        }

        @Override
        public String toString() {
            return String.join(",", hosts);
        }
    }

    /** The {@code serve} flags of this part (a picocli mixin). */
    static final class Options {
        @Option(names = "--callback-allow", defaultValue = "localhost,127.0.0.0/8,::1/128",
                converter = SettingConverters.HostListConverter.class, description = {
                "Comma-separated hosts, IPs or CIDR ranges a bot's callbackUri may use over http or on private",
                "addresses (default: localhost,127.0.0.0/8,::1/128)."})
        HostList allow;

        CallbackSettings settings() {
            return new CallbackSettings(allow);
        }
    }
}
