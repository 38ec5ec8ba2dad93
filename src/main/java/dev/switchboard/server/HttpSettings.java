package dev.switchboard.server;

import picocli.CommandLine.Option;

import java.time.Duration;

/**
 * The HTTP listener and the URL clients use to reach it.
 *
 * @param host      the bind address of HTTP and of the media legs' UDP ports
 * @param port      the HTTP port; 0 picks a free one
 * @param publicUrl the base URL clients use (token issuer, {@code Location} headers), without a trailing slash, or
 *                  null to derive it when the server starts (see {@link ServerConfig#urlHost()})
 * @param headerTimeout the longest a client may take to send a request's line and headers, from its first byte; a
 *                  slower client is disconnected (slow-loris)
 * @param websocketIdleTimeout how long a WebSocket (roster and ring streams) may carry nothing before it is closed;
 *                  the server pings each stream every half of it, so only a connection that went dark is closed
 */
public record HttpSettings(String host, int port, String publicUrl, Duration headerTimeout, Duration websocketIdleTimeout) {
    public static final int DEFAULT_PORT = 8080;
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_WEBSOCKET_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final HttpSettings DEFAULTS = new HttpSettings("127.0.0.1", DEFAULT_PORT, null, DEFAULT_HEADER_TIMEOUT,
            DEFAULT_WEBSOCKET_IDLE_TIMEOUT);

    public HttpSettings {
        java.util.Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, was " + port);
        }
        if (publicUrl != null && publicUrl.endsWith("/")) {
            publicUrl = publicUrl.substring(0, publicUrl.length() - 1);
        }
        java.util.Objects.requireNonNull(headerTimeout, "headerTimeout");
        if (headerTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("header timeout must be at least 1 ms, was " + headerTimeout);
        }
        java.util.Objects.requireNonNull(websocketIdleTimeout, "websocketIdleTimeout");
        if (websocketIdleTimeout.toMillis() < 1000) {
            throw new IllegalArgumentException("--websocket-idle-timeout must be at least 1s, was " + websocketIdleTimeout);
        }
    }

    /** How often the server pings a WebSocket stream: every half of the idle timeout. */
    public Duration websocketPingPeriod() {
        return websocketIdleTimeout.dividedBy(2);
    }

    public HttpSettings withHost(String value) {
        return new HttpSettings(value, port, publicUrl, headerTimeout, websocketIdleTimeout);
    }

    public HttpSettings withPort(int value) {
        return new HttpSettings(host, value, publicUrl, headerTimeout, websocketIdleTimeout);
    }

    public HttpSettings withPublicUrl(String value) {
        return new HttpSettings(host, port, value, headerTimeout, websocketIdleTimeout);
    }

    public HttpSettings withHeaderTimeout(Duration value) {
        return new HttpSettings(host, port, publicUrl, value, websocketIdleTimeout);
    }

    public HttpSettings withWebsocketIdleTimeout(Duration value) {
        return new HttpSettings(host, port, publicUrl, headerTimeout, value);
    }

    /** The {@code serve} flags of this part (a picocli mixin). */
    static final class Options {
        @Option(names = "--host", defaultValue = "127.0.0.1", description =
                "Bind address of HTTP and of the media legs' UDP ports (default: 127.0.0.1, this machine only)."
                + " 0.0.0.0 listens on every interface; it then needs --media-address, and the development identities"
                + " are refused unless --dev-identities or --config replaces them.")
        String host;

        @Option(names = "--port", defaultValue = "" + DEFAULT_PORT, converter = SettingConverters.Port.class,
                description = "HTTP port; 0 picks a free one, printed at start (default: 8080).")
        int port;

        @Option(names = "--public-url", converter = SettingConverters.BaseUrl.class, description =
                "Base URL clients use to reach this server, e.g. https://calls.example.com (token issuer, Location"
                + " headers). Default: http://HOST:PORT, where HOST is --host, or --media-address when --host is 0.0.0.0.")
        String publicUrl;

        @Option(names = "--header-timeout", defaultValue = "10s", converter = SettingConverters.DurationConverter.class,
                description = "Longest a client may take to send a request's line and headers, e.g. 10s or 500ms (a bare "
                        + "number is seconds); a slower client is disconnected (default: 10s).")
        Duration headerTimeout;

        @Option(names = "--websocket-idle-timeout", defaultValue = "30s", converter = SettingConverters.DurationConverter.class,
                description = "How long a roster or ring stream (WebSocket) may carry nothing before it is closed, at "
                        + "least 1s; the server pings each stream every half of it, so only a dead connection is cut (default: 30s).")
        Duration websocketIdleTimeout;

        HttpSettings settings() {
            return new HttpSettings(host, port, publicUrl, headerTimeout, websocketIdleTimeout);
        }
    }
}
