package dev.switchboard.media;

import dev.switchboard.error.SwitchboardException;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the server may be asked to send media: the address of an SDP offer ({@code c=}) must be the address the
 * offer came from (the HTTP request's remote address) or lie within this list of addresses and CIDR ranges
 * ({@code --media-allow}). Together with latching ({@link IngressFilter}: nothing is sent before the address has
 * sent valid RTP or RTCP) this keeps a participant from pointing the server's audio at someone else. The hold address
 * {@code 0.0.0.0} is always accepted: nothing is sent to it.
 *
 * <p>Immutable and thread-safe; called on request threads when a leg is added, never on the packet path.
 */
public final class MediaAllowList {
    /** The default: loopback only ({@code 127.0.0.0/8}, {@code ::1}); the requester's own address is always allowed. */
    public static final String DEFAULT = "127.0.0.0/8,::1/128";

    private static final String HOLD = "0.0.0.0";

    private final List<Range> ranges;
    private final String text;

    private MediaAllowList(List<Range> ranges, String text) {
        this.ranges = List.copyOf(ranges);
        this.text = text;
    }

    /** The default list, {@link #DEFAULT}. */
    public static MediaAllowList loopback() {
        return parse(DEFAULT);
    }

    /**
     * Parses a comma-separated list of IP literals and CIDR ranges ({@code 10.0.0.0/8}, {@code 192.0.2.7}, {@code ::1/128});
     * an empty list allows only the requester's own address.
     *
     * @throws IllegalArgumentException naming the entry that is not an IP literal or a CIDR range (host names are
     *         refused: a name would need a lookup per offer and could change under us)
     */
    public static MediaAllowList parse(String commaSeparated) {
        List<Range> ranges = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (String raw : commaSeparated.split(",")) {
            String entry = raw.trim();
            if (!entry.isEmpty()) {
                ranges.add(Range.parse(entry));
                seen.add(entry);
            }
        }
        return new MediaAllowList(ranges, String.join(",", seen));
    }

    /**
     * Checks an offer's media address.
     *
     * @param offered   the offer's {@code c=} address, a dotted IPv4 literal ({@code 0.0.0.0}, hold, always passes)
     * @param requester the HTTP request's remote address, or null when the offer did not come over HTTP
     * @throws SwitchboardException BAD_REQUEST naming the address and why it is refused
     */
    public void check(String offered, InetAddress requester) {
        if (HOLD.equals(offered)) {
            return; // RFC 3264 hold: nothing is ever sent there
        }
        InetAddress address = literal(offered);
        if (address == null) {
            throw SwitchboardException.badRequest("The SDP offer's media address " + offered + " is not an IP address.");
        }
        if (requester != null && sameAddress(address, requester)) {
            return;
        }
        for (Range r : ranges) {
            if (r.contains(address)) {
                return;
            }
        }
        throw SwitchboardException.badRequest("The SDP offer's media address " + offered + " is refused: media is only "
                + "sent to the address the request came from" + (requester == null ? "" : " (" + requester.getHostAddress() + ")")
                + " or to an address the server allows (--media-allow).");
    }

    private static boolean sameAddress(InetAddress a, InetAddress b) {
        return java.util.Arrays.equals(v4(a.getAddress()), v4(b.getAddress()));
    }

    /** An IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) as its IPv4 bytes; anything else unchanged. */
    private static byte[] v4(byte[] a) {
        if (a.length == 16) {
            for (int i = 0; i < 10; i++) {
                if (a[i] != 0) {
                    return a;
                }
            }
            if (a[10] == (byte) 0xFF && a[11] == (byte) 0xFF) {
                return java.util.Arrays.copyOfRange(a, 12, 16);
            }
        }
        return a;
    }

    /** An IP literal without any lookup, or null if the text is not one. */
    private static InetAddress literal(String text) {
        if (text == null || text.isEmpty() || !(Character.digit(text.charAt(0), 16) >= 0 || text.charAt(0) == ':')
                || text.chars().anyMatch(c -> !(Character.digit(c, 16) >= 0 || c == '.' || c == ':'))) {
            return null;
        }
        try {
            return InetAddress.getByName(text); // only hex digits, dots and colons: a literal, never a lookup
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return text;
    }

    /** One address range: a network address and a prefix length in bits. */
    private record Range(byte[] network, int prefix) {
        static Range parse(String entry) {
            int slash = entry.indexOf('/');
            InetAddress address = literal(slash < 0 ? entry : entry.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("media allow-list entry '" + entry + "' is not an IP address or CIDR range");
            }
            byte[] bytes = v4(address.getAddress());
            int prefix = bytes.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bytes.length * 8) {
                    throw new IllegalArgumentException("media allow-list entry '" + entry + "' has a bad prefix length");
                }
            }
            return new Range(bytes, prefix);
        }

        boolean contains(InetAddress address) {
            byte[] a = v4(address.getAddress());
            if (a.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (a[full] & mask) == (network[full] & mask);
        }
    }
}
