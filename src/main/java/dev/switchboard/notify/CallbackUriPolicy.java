package dev.switchboard.notify;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Refuses callback destinations that would turn Switchboard into a request-forgery proxy.
 *
 * <p>Rules, in order: the URI is absolute, {@code http} or {@code https}, names a host and carries no
 * user credentials; a host listed by name in {@link NotifierSettings#allowedHosts()}, or whose every
 * address lies in a listed IP/CIDR range, is accepted over http or https; otherwise the scheme must be
 * {@code https} and no address the host resolves to may be unspecified, loopback, private (RFC 1918,
 * IPv6 unique-local), link-local, carrier-grade NAT, multicast, reserved, documentation or a cloud
 * metadata address (169.254.169.254, fd00:ec2::254, 100.100.100.200, 192.0.0.192). IPv6 forms that
 * embed an IPv4 address (mapped, SIIT-translated, compatible, NAT64, 6to4) are judged by the embedded address;
 * the local-use translation prefix 64:ff9b:1::/48 (RFC 8215), which may carry any IPv4 address, is refused.
 *
 * <p>The API layer applies it at call creation (refusing the request); {@link WebhookNotifier} applies it again
 * before every attempt and every redirect hop, because DNS can change, and connects to an address this check
 * returned ({@link Verdict#addresses()}), never looking the name up a second time (see {@link PinnedTarget}).
 * Hosts allowed by name are resolved too (for that pin) but not judged by address.
 * Thread-safe; {@link #evaluate} may block on DNS.
 */
public final class CallbackUriPolicy {
    private final List<HostRule> allowed;
    private final HostResolver resolver;

    public CallbackUriPolicy(NotifierSettings settings) {
        this(settings, HostResolver.SYSTEM);
    }

    CallbackUriPolicy(NotifierSettings settings, HostResolver resolver) {
        this.allowed = settings.allowedHosts().stream().map(HostRule::parse).toList();
        this.resolver = resolver;
    }

    /**
     * Whether notifications may go to {@code uri}: ALLOWED, or REFUSED / UNRESOLVED with a message for the API
     * client. UNRESOLVED is transient at send time; at call creation the API refuses both.
     */
    public Verdict evaluate(URI uri) {
        if (uri == null) {
            return Verdict.refused("callbackUri is required.");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.isOpaque() || !(scheme.equals("https") || scheme.equals("http"))) {
            return Verdict.refused("callbackUri must be an absolute https URL.");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            return Verdict.refused("callbackUri must name a host.");
        }
        if (uri.getRawUserInfo() != null) {
            return Verdict.refused("callbackUri must not carry user credentials.");
        }
        boolean allowedByName = false;
        for (HostRule rule : allowed) {
            allowedByName |= rule.matchesName(host);
        }
        InetAddress literal = HostRule.literal(host);
        InetAddress[] addresses;
        if (literal != null) {
            addresses = new InetAddress[] {literal};
        } else {
            try {
                addresses = resolver.resolve(host);
            } catch (UnknownHostException | SecurityException e) {
                addresses = null;
            }
            if (addresses == null || addresses.length == 0) {
                return allowedByName ? Verdict.allowed(List.of()) // trusted by name; its DNS may come back by send time
                        : new Verdict(Verdict.Kind.UNRESOLVED, "callbackUri host '" + host + "' does not resolve.", List.of());
            }
        }
        if (allowedByName) {
            return Verdict.allowed(List.of(addresses));
        }
        boolean allInAllowedRanges = true;
        for (InetAddress a : addresses) {
            allInAllowedRanges &= inAllowedRange(a);
        }
        if (allInAllowedRanges) {
            return Verdict.allowed(List.of(addresses));
        }
        if (!scheme.equals("https")) {
            return Verdict.refused("callbackUri must use https; plain http is accepted only for hosts allowed in the"
                    + " server's notification settings (by default loopback, for local bots).");
        }
        for (InetAddress a : addresses) {
            String kind = forbiddenKind(a);
            if (kind != null && !inAllowedRange(a)) {
                return Verdict.refused("callbackUri host '" + host + "' resolves to " + a.getHostAddress() + ", a "
                        + kind + " address; notifications are not sent to loopback, private, link-local or"
                        + " cloud metadata addresses unless the host is allowed in the server's notification settings.");
            }
        }
        return Verdict.allowed(List.of(addresses));
    }

    private boolean inAllowedRange(InetAddress a) {
        for (HostRule rule : allowed) {
            if (rule.matchesAddress(a)) {
                return true;
            }
        }
        return false;
    }

    /** Why an address must not be a destination (e.g. "private"), or null when it is a public unicast address. */
    static String forbiddenKind(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return forbiddenV4(b[0] & 0xff, b[1] & 0xff, b[2] & 0xff, b[3] & 0xff);
        }
        if (!(address instanceof Inet6Address)) {
            return "unknown";
        }
        if (address.isAnyLocalAddress()) {
            return "unspecified";
        }
        if (address.isLoopbackAddress()) {
            return "loopback";
        }
        int b0 = b[0] & 0xff;
        int b1 = b[1] & 0xff;
        if (isPrefixZero(b, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return embedded(b, 12);                                         // ::ffff:a.b.c.d (mapped)
        }
        if (isPrefixZero(b, 12)) {
            return embedded(b, 12);                                         // ::a.b.c.d (compatible)
        }
        if (b0 == 0x00 && b1 == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && isZero(b, 4, 12)) {
            return embedded(b, 12);                                         // 64:ff9b::/96 (NAT64)
        }
        if (isZero(b, 0, 8) && (b[8] & 0xff) == 0xff && (b[9] & 0xff) == 0xff && isZero(b, 10, 12)) {
            return embedded(b, 12);                                         // ::ffff:0:a.b.c.d (SIIT, translated)
        }
        if (b0 == 0x00 && b1 == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && b[4] == 0 && b[5] == 1) {
            return "reserved (local-use IPv4/IPv6 translation)";          // 64:ff9b:1::/48 (RFC 8215): any IPv4 inside
        }
        if (b0 == 0x20 && b1 == 0x02) {
            return embedded(b, 2);                                          // 2002::/16 (6to4)
        }
        if (address.equals(EC2_METADATA_V6)) {
            return "cloud metadata";
        }
        if ((b0 & 0xfe) == 0xfc) {
            return "private (unique-local)";
        }
        if (b0 == 0xfe && (b1 & 0xc0) == 0x80) {
            return "link-local";
        }
        if (b0 == 0xfe && (b1 & 0xc0) == 0xc0) {
            return "private (site-local)";
        }
        if (b0 == 0xff) {
            return "multicast";
        }
        if (b0 == 0x20 && b1 == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
            return "documentation";
        }
        if (b0 == 0x01 && b1 == 0x00 && isZero(b, 2, 8)) {
            return "reserved (discard)";
        }
        return null;
    }

    private static final InetAddress EC2_METADATA_V6 = HostRule.literal("fd00:ec2::254");

    private static String embedded(byte[] b, int at) {
        String kind = forbiddenV4(b[at] & 0xff, b[at + 1] & 0xff, b[at + 2] & 0xff, b[at + 3] & 0xff);
        return kind == null ? null : kind + " (embedded IPv4)";
    }

    private static String forbiddenV4(int a, int b, int c, int d) {
        if ((a == 169 && b == 254 && c == 169 && d == 254) || (a == 100 && b == 100 && c == 100 && d == 200)
                || (a == 192 && b == 0 && c == 0 && d == 192)) {
            return "cloud metadata";
        }
        if (a == 0) {
            return "unspecified";
        }
        if (a == 127) {
            return "loopback";
        }
        if (a == 10 || (a == 172 && (b & 0xf0) == 16) || (a == 192 && b == 168)) {
            return "private";
        }
        if (a == 169 && b == 254) {
            return "link-local";
        }
        if (a == 100 && (b & 0xc0) == 64) {
            return "carrier-grade NAT";
        }
        if (a == 192 && b == 0 && c == 0) {
            return "reserved (IETF protocol assignment)";
        }
        if ((a == 192 && b == 0 && c == 2) || (a == 198 && b == 51 && c == 100) || (a == 203 && b == 0 && c == 113)) {
            return "documentation";
        }
        if (a == 198 && (b & 0xfe) == 18) {
            return "reserved (benchmarking)";
        }
        if (a >= 224 && a <= 239) {
            return "multicast";
        }
        if (a >= 240) {
            return "reserved";
        }
        return null;
    }

    private static boolean isPrefixZero(byte[] b, int length) {
        return isZero(b, 0, length);
    }

    private static boolean isZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The outcome of {@link #evaluate}.
     *
     * @param message   why it is not allowed (for the API client), null when allowed
     * @param addresses when ALLOWED, the addresses the host resolved to in this very check, all of which passed
     *                  it (the one a connection may use without looking the name up again); empty for an
     *                  allowed-by-name host that did not resolve
     */
    public record Verdict(Kind kind, String message, List<InetAddress> addresses) {
        public enum Kind { ALLOWED, REFUSED, UNRESOLVED }

        public Verdict {
            addresses = List.copyOf(addresses);
        }

        static Verdict allowed(List<InetAddress> addresses) {
            return new Verdict(Kind.ALLOWED, null, addresses);
        }

        static Verdict refused(String message) {
            return new Verdict(Kind.REFUSED, message, List.of());
        }

        public boolean isAllowed() {
            return kind == Kind.ALLOWED;
        }
    }
}
