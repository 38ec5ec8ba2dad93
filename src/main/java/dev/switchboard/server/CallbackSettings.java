package dev.switchboard.server;

import dev.switchboard.auth.CallbackAlgorithm;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Where bots' webhooks may go beyond the public internet (the SSRF rule's exemptions), and how their tokens are signed.
 *
 * @param allow   hosts, IPs or CIDR ranges a {@code callbackUri} may use although they are private or plain http
 * @param signing the algorithm of the webhook callback tokens (RS256 as Graph's, or ES256)
 */
public record CallbackSettings(HostList allow, CallbackAlgorithm signing) {
    public static final CallbackSettings DEFAULTS = new CallbackSettings(new HostList(List.of("localhost", "127.0.0.0/8", "::1/128")));

    public CallbackSettings {
        java.util.Objects.requireNonNull(allow, "allow");
        java.util.Objects.requireNonNull(signing, "signing");
    }

    /** These exemptions, with RS256 callback tokens. */
    public CallbackSettings(HostList allow) {
        this(allow, CallbackAlgorithm.RS256);
    }

    public CallbackSettings withSigning(CallbackAlgorithm value) {
        return new CallbackSettings(allow, value);
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
                converter = SettingConverters.HostListConverter.class, description =
                "Comma-separated hosts, IPs or CIDR ranges a bot's callbackUri may use over http or on private"
                + " addresses (default: localhost,127.0.0.0/8,::1/128).")
        HostList allow;

        @Option(names = "--callback-signing", defaultValue = "rs256", converter = SigningConverter.class,
                description = "Algorithm of webhook callback tokens: rs256 (as Graph's) or es256 (cheaper to sign) (default: rs256).")
        CallbackAlgorithm signing;

        CallbackSettings settings() {
            return new CallbackSettings(allow, signing);
        }
    }

    /** Parses {@code rs256|es256}, case-insensitively. */
    static final class SigningConverter implements ITypeConverter<CallbackAlgorithm> {
        @Override
        public CallbackAlgorithm convert(String value) {
            try {
                return CallbackAlgorithm.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("expected rs256 or es256, got '" + value + "'");
            }
        }
    }
}
