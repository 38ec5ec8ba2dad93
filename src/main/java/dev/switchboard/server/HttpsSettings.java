package dev.switchboard.server;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The https listener and how the server learns the address a client used.
 *
 * @param port           the https port; 0 picks a free one; null for no https listener
 * @param certFile       a PEM certificate chain to serve (leaf first), or null for one issued by the local CA
 * @param keyFile        the PEM private key of {@code certFile}; given exactly when {@code certFile} is
 * @param trustedProxies addresses or CIDR ranges whose {@code X-Forwarded-Proto}/{@code X-Forwarded-Host} are believed
 */
public record HttpsSettings(Integer port, Path certFile, Path keyFile, List<String> trustedProxies) {
    public static final int DEFAULT_PORT = 8443;
    /** No https listener, no trusted proxies: the embedded defaults tests start from ({@code serve} listens on 8443). */
    public static final HttpsSettings OFF = new HttpsSettings(null, null, null, List.of());

    public HttpsSettings {
        if (port != null && (port < 0 || port > 65535)) {
            throw new IllegalArgumentException("https port must be 0-65535, was " + port);
        }
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        new dev.switchboard.auth.PublicOrigins(null, trustedProxies, () -> null); // a bad address or range fails here
    }

    public boolean enabled() {
        return port != null;
    }

    public HttpsSettings withPort(Integer newPort) {
        return new HttpsSettings(newPort, certFile, keyFile, trustedProxies);
    }

    /** The {@code serve} flags of this part (a picocli mixin). */
    static final class Options {
        @Option(names = "--https-port", defaultValue = "" + DEFAULT_PORT, converter = HttpsPort.class,
                description = "HTTPS port (HTTP/2 and HTTP/1.1, TLS 1.2+); 0 picks a free one; off for none (default: 8443).")
        Integer port;

        @Option(names = "--tls-cert", description =
                "PEM certificate chain for https (default: one issued by the local development CA in the data dir;"
                + " see 'switchboard ca').")
        Path certFile;

        @Option(names = "--tls-key", description = "PEM private key of --tls-cert.")
        Path keyFile;

        @Option(names = "--trusted-proxies", defaultValue = "", converter = SettingConverters.HostListConverter.class,
                description = "Comma-separated addresses or CIDR ranges of reverse proxies: their X-Forwarded-Proto/X-Forwarded-Host"
                        + " are honoured, and their X-Forwarded-For names the client (default: none).")
        CallbackSettings.HostList trustedProxies;

        HttpsSettings settings() {
            return new HttpsSettings(port, certFile, keyFile, trustedProxies.hosts());
        }
    }

    /** A port, or {@code off} (null: no https listener). */
    static final class HttpsPort implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            if (value.trim().toLowerCase(Locale.ROOT).equals("off")) {
                return null;
            }
            try {
                return new SettingConverters.Port().convert(value);
            } catch (TypeConversionException e) {
                throw new TypeConversionException("'" + value + "' is not a port (0-65535) or off");
            }
        }
    }
}
