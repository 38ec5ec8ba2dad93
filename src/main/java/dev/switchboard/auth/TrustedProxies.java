package dev.switchboard.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The proxies of {@code --trusted-proxies}: whether a connection's peer is one, and which client a request that came
 * through them is from. Only a trusted proxy's {@code X-Forwarded-For} counts, and only the part of it that trusted
 * proxies wrote: the chain is read from its end (the hop nearest this server) towards its start, skipping the
 * addresses of trusted proxies, and the first other address is the client. Entries a client wrote itself sit to the
 * left of that and are never read, so a client cannot choose its own address. Immutable, thread-safe.
 */
public final class TrustedProxies {
    /** At most this many entries of a chain are read (a longer chain's farther entries are ignored). */
    static final int MAX_HOPS = 32;

    private final List<PublicOrigins.AddressRange> ranges;

    /**
     * @param entries addresses or CIDR ranges ({@code 10.0.0.0/8}, {@code ::1}), literal IPs only
     * @throws IllegalArgumentException for an entry that is not an address or range
     */
    public TrustedProxies(List<String> entries) {
        this.ranges = entries.stream().map(PublicOrigins.AddressRange::parse).toList();
    }

    /** Whether there are any. */
    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Whether {@code address} (an IP literal, as a connection's peer is given) is a trusted proxy. */
    public boolean contains(String address) {
        byte[] bytes = ranges.isEmpty() ? null : literal(address);
        return bytes != null && contains(bytes);
    }

    private boolean contains(byte[] address) {
        for (PublicOrigins.AddressRange r : ranges) {
            if (r.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client of a request from {@code peer} that carried {@code forwardedFor} (the {@code X-Forwarded-For}
     * header lines, in order): {@code peer} itself unless it is a trusted proxy; otherwise the nearest address of the
     * chain that is not a trusted proxy's. When the chain runs out, or reaches an entry that is not an IP address
     * ({@code unknown}, an obfuscated name, garbage), the last trusted proxy read is the client: nothing past it can
     * be vouched for.
     *
     * @return an IP literal (IPv6 without brackets or port), never null when {@code peer} is not
     */
    public String clientOf(String peer, List<String> forwardedFor) {
        if (peer == null || forwardedFor.isEmpty() || !contains(peer)) {
            return peer;
        }
        List<String> chain = new ArrayList<>();
        for (String line : forwardedFor) {
            for (String entry : line.split(",")) {
                chain.add(entry.trim());
            }
        }
        String client = peer;
        for (int i = chain.size() - 1, read = 0; i >= 0 && read < MAX_HOPS; i--, read++) {
            String address = withoutPort(chain.get(i));
            byte[] bytes = address == null ? null : literal(address);
            if (bytes == null) {
                return client;
            }
            client = address;
            if (!contains(bytes)) {
                return client;
            }
        }
        return client;
    }

    /** {@code 192.0.2.7:4711} → {@code 192.0.2.7}, {@code [2001:db8::1]:443} and {@code [2001:db8::1]} → the address. */
    private static String withoutPort(String entry) {
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            return close < 0 ? null : entry.substring(1, close);
        }
        int colon = entry.indexOf(':');
        if (colon >= 0 && entry.indexOf(':', colon + 1) < 0) { // one colon: an IPv4 address and its port
            return entry.substring(0, colon);
        }
        return entry;
    }

    private static final java.util.regex.Pattern IPV4 = java.util.regex.Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /**
     * The bytes of an IP literal, without a name lookup; null for anything else. IPv4 only in its dotted-quad form
     * (a name such as {@code abc.de} would otherwise be looked up); IPv6 in any form the JDK reads.
     */
    static byte[] literal(String text) {
        if (text == null || text.isEmpty() || text.length() > 45
                || !(text.contains(":") ? text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')
                        : IPV4.matcher(text).matches())) {
            return null;
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
