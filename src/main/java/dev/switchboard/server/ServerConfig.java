package dev.switchboard.server;

import dev.switchboard.api.GraphRequestLimit;
import dev.switchboard.auth.CallbackAlgorithm;
import dev.switchboard.client.RosterStreamSettings;
import dev.switchboard.core.CallSettings;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Everything the server needs to start, one record per concern. {@code serve} builds it once from flags,
 * {@code SWITCHBOARD_*} variables, the config file's {@code "server"} object and the defaults (see
 * {@link SettingSources}); tests and embedders start from {@link #defaults(Path)} and change what they need.
 * The defaults are the embedded development setup: loopback HTTP on 8080, in-memory state, the embedded authority
 * with its well-known identities.
 *
 * <p>To add a setting: add an {@code @Option} to the {@code Options} mixin of its concern's record (or a new record
 * with its mixin, added here and to {@link ServeCommand}), a component to that record, and map it in the mixin's
 * {@code settings()}. The environment variable, the config-file key, the unknown-key check and
 * {@code --print-config} follow from the option's name.
 */
public record ServerConfig(HttpSettings http, HttpsSettings https, StorageSettings storage, MediaSettings media,
                           IdentitySettings identity, CallbackSettings callbacks, CallSettings calls, LogSettings log,
                           RosterStreamSettings rosterStreams, InboundSettings inbound, ClusterSettings cluster,
                           OpusSettings opus, GraphRequestLimit graphRequests) {

    public ServerConfig {
        java.util.Objects.requireNonNull(http, "http");
        java.util.Objects.requireNonNull(https, "https");
        java.util.Objects.requireNonNull(calls, "calls");
        java.util.Objects.requireNonNull(storage, "storage");
        java.util.Objects.requireNonNull(media, "media");
        java.util.Objects.requireNonNull(identity, "identity");
        java.util.Objects.requireNonNull(callbacks, "callbacks");
        java.util.Objects.requireNonNull(log, "log");
        java.util.Objects.requireNonNull(rosterStreams, "rosterStreams");
        java.util.Objects.requireNonNull(inbound, "inbound");
        java.util.Objects.requireNonNull(cluster, "cluster");
        java.util.Objects.requireNonNull(opus, "opus");
        java.util.Objects.requireNonNull(graphRequests, "graphRequests");
    }

    /**
     * The embedded defaults with the given data directory. Unlike {@code serve}, they have no https listener (so
     * servers started by tests do not compete for 8443); {@link #withHttps} adds one.
     */
    public static ServerConfig defaults(Path dataDir) {
        return new ServerConfig(HttpSettings.DEFAULTS, HttpsSettings.OFF, new StorageSettings(dataDir), MediaSettings.DEFAULTS,
                IdentitySettings.DEVELOPMENT, CallbackSettings.DEFAULTS, CallSettings.DEFAULTS, LogSettings.DEFAULTS,
                RosterStreamSettings.DEFAULTS, InboundSettings.DEFAULTS, ClusterSettings.OFF, OpusSettings.DEFAULTS,
                GraphRequestLimit.GRAPH);
    }

    public ServerConfig withHttp(HttpSettings value) {
        return new ServerConfig(value, https, storage, media, identity, callbacks, calls, log, rosterStreams, inbound, cluster, opus, graphRequests);
    }

    public ServerConfig withMedia(MediaSettings value) {
        return new ServerConfig(http, https, storage, value, identity, callbacks, calls, log, rosterStreams, inbound, cluster, opus, graphRequests);
    }

    public ServerConfig withIdentity(IdentitySettings value) {
        return new ServerConfig(http, https, storage, media, value, callbacks, calls, log, rosterStreams, inbound, cluster, opus, graphRequests);
    }

    public ServerConfig withCallbacks(CallbackSettings value) {
        return new ServerConfig(http, https, storage, media, identity, value, calls, log, rosterStreams, inbound, cluster, opus, graphRequests);
    }

    public ServerConfig withHttps(HttpsSettings value) {
        return new ServerConfig(http, value, storage, media, identity, callbacks, calls, log, rosterStreams, inbound, cluster, opus, graphRequests);
    }

    public ServerConfig withCalls(CallSettings value) {
        return new ServerConfig(http, https, storage, media, identity, callbacks, value, log, rosterStreams, inbound, cluster, opus, graphRequests);
    }

    public ServerConfig withRosterStreams(RosterStreamSettings value) {
        return new ServerConfig(http, https, storage, media, identity, callbacks, calls, log, value, inbound, cluster, opus, graphRequests);
    }

    public ServerConfig withInbound(InboundSettings value) {
        return new ServerConfig(http, https, storage, media, identity, callbacks, calls, log, rosterStreams, value, cluster, opus, graphRequests);
    }

    public ServerConfig withCluster(ClusterSettings value) {
        return new ServerConfig(http, https, storage, media, identity, callbacks, calls, log, rosterStreams, inbound, value, opus, graphRequests);
    }

    /** How many Graph API requests one app may send for one tenant in a window ({@code --graph-request-limit}). */
    public ServerConfig withGraphRequests(GraphRequestLimit value) {
        return new ServerConfig(http, https, storage, media, identity, callbacks, calls, log, rosterStreams, inbound, cluster, opus, value);
    }

    public ServerConfig withOpus(OpusSettings value) {
        return new ServerConfig(http, https, storage, media, identity, callbacks, calls, log, rosterStreams, inbound, cluster, value, graphRequests);
    }

    /** For tests and the in-process demo: any free HTTP port. */
    public ServerConfig withPort(int newPort) {
        return withHttp(http.withPort(newPort));
    }

    public ServerConfig withHost(String host) {
        return withHttp(http.withHost(host));
    }

    public ServerConfig withPublicUrl(String url) {
        return withHttp(http.withPublicUrl(url));
    }

    public ServerConfig withHeaderTimeout(java.time.Duration timeout) {
        return withHttp(http.withHeaderTimeout(timeout));
    }

    public ServerConfig withMediaPorts(int low, int high) {
        return withMedia(media.withPorts(new MediaSettings.PortRange(low, high)));
    }

    public ServerConfig withMediaAddress(String address) {
        return withMedia(new MediaSettings(media.ports(), address, media.allow(), media.webrtcPort(), media.mixDepth(),
                media.promptMemory(), media.recordingStorage(), media.mediaTimeout()));
    }

    /** Plain RTP legs whose peer sent nothing for {@code timeout} are taken out of their call; null: never. */
    public ServerConfig withMediaTimeout(java.time.Duration timeout) {
        return withMedia(media.withMediaTimeout(timeout));
    }

    public ServerConfig withMediaAllow(String commaSeparated) {
        return withMedia(media.withAllow(dev.switchboard.media.MediaAllowList.parse(commaSeparated)));
    }

    /** The identities of this configuration file (read now). */
    public ServerConfig withConfigFile(Path file) {
        return withIdentity(file == null ? IdentitySettings.DEVELOPMENT : IdentitySettings.load(file));
    }

    public ServerConfig withCallbackAllow(List<String> hosts) {
        return withCallbacks(new CallbackSettings(new CallbackSettings.HostList(hosts), callbacks.signing()));
    }

    public ServerConfig withCallbackSigning(CallbackAlgorithm algorithm) {
        return withCallbacks(callbacks.withSigning(algorithm));
    }

    /** How long a peer-to-peer call rings before it ends unanswered. */
    public ServerConfig withRingingTimeout(java.time.Duration timeout) {
        return withCalls(calls.withRingingTimeout(timeout));
    }

    // shortcuts to the values most parts need

    public String host() {
        return http.host();
    }

    public int port() {
        return http.port();
    }

    public java.time.Duration headerTimeout() {
        return http.headerTimeout();
    }

    public java.time.Duration websocketIdleTimeout() {
        return http.websocketIdleTimeout();
    }

    public Path dataDir() {
        return storage.dataDir();
    }

    public int mediaPortLow() {
        return media.ports().low();
    }

    public int mediaPortHigh() {
        return media.ports().high();
    }

    /** The configured public base URL, or null to derive it (see {@link #baseUrl(int)}). */
    public String publicBaseUrl() {
        return http.publicUrl();
    }

    public Set<String> callbackAllowedHosts() {
        return Set.copyOf(callbacks.allow().hosts());
    }

    /** How webhooks go out, and which callback addresses are allowed ({@code --callback-allow}). */
    public dev.switchboard.notify.NotifierSettings notifierSettings() {
        return dev.switchboard.notify.NotifierSettings.defaults().withAllowedHosts(callbackAllowedHosts());
    }

    /** The address media legs advertise in SDP answers. */
    public String advertisedMediaAddress() {
        return media.address() != null ? media.address() : http.host();
    }

    /**
     * The host a derived base URL names: {@code --host} itself, or when that is a wildcard (0.0.0.0, ::) the media
     * address (required with a wildcard: the address participants reach this machine at), else this machine's name.
     */
    public String urlHost() {
        if (!isWildcard(http.host())) {
            return http.host();
        }
        if (media.address() != null && !isWildcard(media.address())) {
            return media.address();
        }
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** The base URL clients use: {@code --public-url}, else {@code http://urlHost:boundPort}. */
    public String baseUrl(int boundPort) {
        if (http.publicUrl() != null) {
            return http.publicUrl();
        }
        String h = urlHost();
        return "http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + boundPort;
    }

    static boolean isWildcard(String address) {
        try {
            return InetAddress.getByName(address).isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false; // reported where the address is used
        }
    }

    static boolean isLoopback(String address) {
        try {
            for (InetAddress a : InetAddress.getAllByName(address)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
