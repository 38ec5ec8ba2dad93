package dev.switchboard.notify;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Locale;

/**
 * Where one delivery attempt connects: the callback URI with its host replaced by the address
 * {@link CallbackUriPolicy} has just checked, and a {@code Host} header that keeps the name (virtual hosts still
 * work). The JDK client then opens the connection to that literal address and never resolves the name again, which
 * closes the DNS-rebinding window between the check and the connect. For {@code https} the attempt goes out on a
 * client of the host name ({@link CallbackClients}), so SNI still names the host and the certificate is still
 * checked against the name, not the address (docs/durability.md, "Callback address").
 *
 * <p>The JDK refuses a {@code Host} header unless the system property {@code jdk.httpclient.allowRestrictedHeaders}
 * names it before the JVM's first HTTP client exists; {@link #allowHostHeader()} sets it (the server does so when its
 * class loads) and {@link #hostHeaderAllowed()} tells whether it took effect. Stateless, thread-safe.
 */
record PinnedTarget(URI connectUri, String hostHeader) {
    static final String RESTRICTED_HEADERS_PROPERTY = "jdk.httpclient.allowRestrictedHeaders";

    /** Whether this attempt goes to a checked literal address with the name in {@code Host}. */
    boolean pinned() {
        return hostHeader != null;
    }

    /** {@code uri} as it is when nothing is pinned (a literal host, another scheme, or no address). */
    static PinnedTarget unpinned(URI uri) {
        return new PinnedTarget(uri, null);
    }

    /** The attempt to {@code uri} connecting to {@code address}, which the policy checked for {@code uri}'s host. */
    static PinnedTarget of(URI uri, InetAddress address) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (address == null || !("http".equals(scheme) || "https".equals(scheme)) || HostRule.literal(uri.getHost()) != null) {
            return unpinned(uri);
        }
        String literal = address instanceof Inet6Address
                ? "[" + address.getHostAddress().replace("%", "%25") + "]" : address.getHostAddress();
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return new PinnedTarget(URI.create(uri.getScheme() + "://" + literal + port + path + query), uri.getHost() + port);
    }

    /** Lets this JVM's HTTP clients send a {@code Host} header, unless the property was already set. */
    static void allowHostHeader() {
        String now = System.getProperty(RESTRICTED_HEADERS_PROPERTY);
        if (now == null || now.isBlank()) {
            System.setProperty(RESTRICTED_HEADERS_PROPERTY, "host");
        } else if (!now.toLowerCase(Locale.ROOT).contains("host")) {
            System.setProperty(RESTRICTED_HEADERS_PROPERTY, now + ",host");
        }
    }

    /** Whether the JDK client of this JVM accepts a {@code Host} header (fixed when its first client was made). */
    static boolean hostHeaderAllowed() {
        try {
            HttpRequest.newBuilder(URI.create("http://127.0.0.1/")).header("Host", "probe.invalid");
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
