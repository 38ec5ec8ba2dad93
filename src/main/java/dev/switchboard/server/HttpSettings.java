package dev.switchboard.server;

import picocli.CommandLine.Option;

/**
 * The HTTP listener and the URL clients use to reach it.
 *
 * @param host      the bind address of HTTP and of the media legs' UDP ports
 * @param port      the HTTP port; 0 picks a free one
 * @param publicUrl the base URL clients use (token issuer, {@code Location} headers), without a trailing slash, or
 *                  null to derive it when the server starts (see {@link ServerConfig#urlHost()})
 */
public record HttpSettings(String host, int port, String publicUrl) {
    public static final int DEFAULT_PORT = 8080;
    public static final HttpSettings DEFAULTS = new HttpSettings("127.0.0.1", DEFAULT_PORT, null);

    public HttpSettings {
        java.util.Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, was " + port);
        }
        if (publicUrl != null && publicUrl.endsWith("/")) {
            publicUrl = publicUrl.substring(0, publicUrl.length() - 1);
        }
    }

    /** The {@code serve} flags of this part (a picocli mixin). */
    static final class Options {
        @Option(names = "--host", defaultValue = "127.0.0.1", description = {
                "Bind address of HTTP and of the media legs' UDP ports (default: 127.0.0.1, this machine only).",
                "0.0.0.0 listens on every interface; it then needs --media-address, and the development identities",
                "are refused unless --dev-identities or --config replaces them."})
        String host;

        @Option(names = "--port", defaultValue = "" + DEFAULT_PORT, converter = SettingConverters.Port.class,
                description = "HTTP port; 0 picks a free one, printed at start (default: 8080).")
        int port;

        @Option(names = "--public-url", converter = SettingConverters.BaseUrl.class, description = {
                "Base URL clients use to reach this server, e.g. https://calls.example.com (token issuer, Location",
                "headers). Default: http://HOST:PORT, where HOST is --host, or --media-address when --host is 0.0.0.0."})
        String publicUrl;

        HttpSettings settings() {
            return new HttpSettings(host, port, publicUrl);
        }
    }
}
