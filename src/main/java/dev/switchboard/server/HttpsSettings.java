package dev.switchboard.server;

import java.nio.file.Path;
import java.util.List;

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
    /** No https listener, no trusted proxies: the embedded defaults tests start from. */
    public static final HttpsSettings OFF = new HttpsSettings(null, null, null, List.of());

    public HttpsSettings {
        if (port != null && (port < 0 || port > 65535)) {
            throw new IllegalArgumentException("https port must be 0-65535, was " + port);
        }
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
    }

    public boolean enabled() {
        return port != null;
    }

    public HttpsSettings withPort(Integer newPort) {
        return new HttpsSettings(newPort, certFile, keyFile, trustedProxies);
    }
}
