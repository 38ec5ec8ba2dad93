package dev.switchboard.auth;

import io.javalin.http.Context;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The base URL a client used to reach this server ({@code scheme://host[:port]}, no trailing slash): the configured
 * public URL when there is one; otherwise the request's scheme and {@code Host}, or {@code X-Forwarded-Proto} and
 * {@code X-Forwarded-Host} when the request comes straight from a trusted proxy. Token issuers, OpenID documents and
 * {@code Location} headers are written with it, and a token's issuer is accepted as the server's own when its base is
 * one of these. Thread-safe; any request thread.
 */
public final class PublicOrigins {
    private static final Pattern SAFE_HOST = Pattern.compile("[A-Za-z0-9.\\-]+(:\\d{1,5})?|\\[[0-9A-Fa-f:.]+](:\\d{1,5})?");
    private static final int MAX_REMEMBERED = 64;

    /**
     * Request attribute: the address of the trusted proxy a request came through, when the client's address was taken
     * from its {@code X-Forwarded-For} ({@link TrustedProxies#clientOf}).
     */
    public static final String PROXY_PEER = "switchboard.proxyPeer";

    private final String publicUrl;
    private final TrustedProxies trustedProxies;
    private final Supplier<String> fallback;
    private final Set<Integer> ports = ConcurrentHashMap.newKeySet();
    private final Set<String> forwarded = ConcurrentHashMap.newKeySet();
    private volatile java.util.function.Predicate<String> peers = base -> false;

    /**
     * @param publicUrl      the configured public base URL, or null to derive it per request
     * @param trustedProxies addresses or CIDR ranges ({@code 10.0.0.0/8}, {@code ::1}) whose forwarded headers count
     * @param fallback       the bound base URL, for requests whose Host header is missing or unusable
     * @throws IllegalArgumentException for an entry of {@code trustedProxies} that is not an address or range
     */
    public PublicOrigins(String publicUrl, List<String> trustedProxies, Supplier<String> fallback) {
        this.publicUrl = publicUrl == null ? null : strip(publicUrl);
        this.trustedProxies = new TrustedProxies(trustedProxies);
        this.fallback = fallback;
    }

    /** Plain derivation, no proxies: tests and tools. */
    public static PublicOrigins of(Supplier<String> fallback) {
        return new PublicOrigins(null, List.of(), fallback);
    }

    /** Cluster mode: bases of the other nodes count as this server's own (their tokens are the cluster's). */
    public void trustPeers(java.util.function.Predicate<String> peerBase) {
        this.peers = peerBase;
    }

    /** Records a port the server listens on: bases on it are the server's own. */
    public void listeningOn(int port) {
        ports.add(port);
    }

    /** The bound base URL (the first listener's), for logs and tools without a request. */
    public String fallback() {
        return publicUrl != null ? publicUrl : fallback.get();
    }

    /** The base URL as the client of {@code ctx} reached the server. */
    public String of(Context ctx) {
        if (publicUrl != null) {
            return publicUrl;
        }
        String scheme = ctx.scheme();
        String host = ctx.header("Host");
        if (host == null) { // HTTP/2 carries the host in :authority
            String name = ctx.req().getServerName();
            host = name == null ? null : (name.contains(":") && !name.startsWith("[") ? "[" + name + "]" : name)
                    + ":" + ctx.req().getServerPort();
        }
        // the connection's peer: the server's connectors put the client of X-Forwarded-For in the remote address
        // (server.ForwardedClient) and keep the proxy's in this attribute
        boolean viaProxy = ctx.req().getAttribute(PROXY_PEER) != null || trustedProxies.contains(ctx.req().getRemoteAddr());
        if (viaProxy) {
            String fProto = first(ctx.header("X-Forwarded-Proto"));
            String fHost = first(ctx.header("X-Forwarded-Host"));
            if (fProto != null) {
                scheme = fProto.toLowerCase(Locale.ROOT);
            }
            if (fHost != null) {
                host = fHost;
            }
        }
        if (host == null || !(scheme.equals("http") || scheme.equals("https")) || !SAFE_HOST.matcher(host).matches()) {
            return fallback.get();
        }
        String base = scheme + "://" + host;
        if (viaProxy && forwarded.size() < MAX_REMEMBERED) {
            forwarded.add(base.toLowerCase(Locale.ROOT));
        }
        return base;
    }

    /** Whether {@code base} ({@code scheme://host[:port]}) is one of the addresses this server answers on. */
    public boolean isOwn(String base) {
        if (publicUrl != null && publicUrl.equalsIgnoreCase(base)) {
            return true;
        }
        if (forwarded.contains(base.toLowerCase(Locale.ROOT)) || peers.test(base)) {
            return true;
        }
        String fb = fallback.get();
        if (fb != null && fb.equalsIgnoreCase(base)) {
            return true;
        }
        try {
            URI u = URI.create(base);
            String scheme = u.getScheme();
            if (u.getHost() == null || u.getRawPath() != null && !u.getRawPath().isEmpty()
                    || !("http".equals(scheme) || "https".equals(scheme))) {
                return false;
            }
            int port = u.getPort() != -1 ? u.getPort() : "https".equals(scheme) ? 443 : 80;
            return ports.contains(port);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The proxies of {@code --trusted-proxies}: their forwarded headers count, and they say who the client is. */
    public TrustedProxies trustedProxies() {
        return trustedProxies;
    }

    private static String first(String header) {
        if (header == null) {
            return null;
        }
        String v = header.split(",", 2)[0].trim();
        return v.isEmpty() ? null : v;
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** An IP address or CIDR range given as a literal (no name lookups). */
    record AddressRange(byte[] network, int prefix) {
        static AddressRange parse(String entry) {
            String e = entry.trim();
            int slash = e.indexOf('/');
            String address = slash < 0 ? e : e.substring(0, slash);
            if (!address.matches("[0-9A-Fa-f:.]+") || !(address.contains(".") || address.contains(":"))) {
                throw new IllegalArgumentException("not an IP address or CIDR range: " + entry);
            }
            try {
                byte[] network = InetAddress.getByName(address).getAddress();
                int prefix = slash < 0 ? network.length * 8 : Integer.parseInt(e.substring(slash + 1));
                if (prefix < 0 || prefix > network.length * 8) {
                    throw new IllegalArgumentException("bad prefix length in " + entry);
                }
                return new AddressRange(network, prefix);
            } catch (UnknownHostException | NumberFormatException ex) {
                throw new IllegalArgumentException("not an IP address or CIDR range: " + entry);
            }
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[full] & mask) == (network[full] & mask);
        }
    }
}
