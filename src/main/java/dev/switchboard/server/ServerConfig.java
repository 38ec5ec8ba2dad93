package dev.switchboard.server;

import java.nio.file.Path;

/**
 * Everything the server needs to start. The defaults are the embedded development setup: loopback
 * HTTP on 8080, in-memory state, the embedded authority with its well-known identities.
 *
 * @param host          the HTTP bind address
 * @param port          the HTTP port; 0 picks a free one
 * @param dataDir       where durable files (signing keys) live
 * @param mediaPortLow  lowest UDP port for media legs (inclusive)
 * @param mediaPortHigh highest UDP port for media legs (inclusive)
 * @param configFile    the identity/settings file, or null for the embedded development identities
 * @param publicBaseUrl the base URL clients use (for {@code Location} and token issuers), or null to derive it
 *                      from the bound host and port
 * @param callbackAllowedHosts hosts, IPs or CIDR ranges a {@code callbackUri} may use although they are private or
 *                      plain http (the SSRF rule's exemptions), or null for the default: loopback only
 * @param mediaAddress  the address SDP answers advertise for media legs (legs bind to {@code host}), or null for
 *                      {@code host} itself; required when {@code host} is a wildcard such as 0.0.0.0
 * @param mediaAllow    comma-separated IPs and CIDR ranges an SDP offer's media address may name besides the joining
 *                      client's own address ({@code --media-allow}), or null for the default, loopback only
 */
public record ServerConfig(String host, int port, Path dataDir, int mediaPortLow, int mediaPortHigh,
                           Path configFile, String publicBaseUrl, java.util.Set<String> callbackAllowedHosts,
                           String mediaAddress, String mediaAllow) {

    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MEDIA_PORT_LOW = 31000;
    public static final int DEFAULT_MEDIA_PORT_HIGH = 31999;

    public ServerConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, was " + port);
        }
        if (mediaPortLow < 1024 || mediaPortHigh > 65535 || mediaPortLow > mediaPortHigh) {
            throw new IllegalArgumentException("media ports must be a range within 1024-65535, was "
                    + mediaPortLow + "-" + mediaPortHigh);
        }
        if (publicBaseUrl != null && publicBaseUrl.endsWith("/")) {
            publicBaseUrl = publicBaseUrl.substring(0, publicBaseUrl.length() - 1);
        }
        callbackAllowedHosts = callbackAllowedHosts == null ? null : java.util.Set.copyOf(callbackAllowedHosts);
    }

    /** A configuration with the default media allow-list (loopback plus each request's own address). */
    public ServerConfig(String host, int port, Path dataDir, int mediaPortLow, int mediaPortHigh, Path configFile,
                        String publicBaseUrl, java.util.Set<String> callbackAllowedHosts, String mediaAddress) {
        this(host, port, dataDir, mediaPortLow, mediaPortHigh, configFile, publicBaseUrl, callbackAllowedHosts, mediaAddress, null);
    }

    /** A configuration with the default callback exemptions (loopback only). */
    public ServerConfig(String host, int port, Path dataDir, int mediaPortLow, int mediaPortHigh, Path configFile,
                        String publicBaseUrl) {
        this(host, port, dataDir, mediaPortLow, mediaPortHigh, configFile, publicBaseUrl, null, null);
    }

    /** A configuration whose media legs advertise {@code host}. */
    public ServerConfig(String host, int port, Path dataDir, int mediaPortLow, int mediaPortHigh, Path configFile,
                        String publicBaseUrl, java.util.Set<String> callbackAllowedHosts) {
        this(host, port, dataDir, mediaPortLow, mediaPortHigh, configFile, publicBaseUrl, callbackAllowedHosts, null);
    }

    /** The address media legs advertise in SDP answers. */
    public String advertisedMediaAddress() {
        return mediaAddress != null ? mediaAddress : host;
    }

    /** The embedded defaults with the given data directory. */
    public static ServerConfig defaults(Path dataDir) {
        return new ServerConfig("127.0.0.1", DEFAULT_PORT, dataDir, DEFAULT_MEDIA_PORT_LOW, DEFAULT_MEDIA_PORT_HIGH, null, null);
    }

    /** For tests and the in-process demo: any free HTTP port. */
    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, dataDir, mediaPortLow, mediaPortHigh, configFile, publicBaseUrl, callbackAllowedHosts, mediaAddress, mediaAllow);
    }

    public ServerConfig withMediaPorts(int low, int high) {
        return new ServerConfig(host, port, dataDir, low, high, configFile, publicBaseUrl, callbackAllowedHosts, mediaAddress, mediaAllow);
    }

    public ServerConfig withMediaAllow(String allow) {
        return new ServerConfig(host, port, dataDir, mediaPortLow, mediaPortHigh, configFile, publicBaseUrl, callbackAllowedHosts, mediaAddress, allow);
    }

    public ServerConfig withConfigFile(Path file) {
        return new ServerConfig(host, port, dataDir, mediaPortLow, mediaPortHigh, file, publicBaseUrl, callbackAllowedHosts, mediaAddress, mediaAllow);
    }
}
