package dev.switchboard.notify;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One entry of {@link NotifierSettings#allowedHosts()}: a host name (matched exactly, case-insensitively),
 * an IP literal, or a CIDR range. Parsing never touches DNS.
 */
record HostRule(String hostName, byte[] network, int prefixLength) {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\\.?");

    /** @throws IllegalArgumentException when the entry is neither a host name, an IP literal nor a CIDR range */
    static HostRule parse(String entry) {
        String e = entry == null ? "" : entry.trim().toLowerCase(Locale.ROOT);
        if (e.isEmpty()) {
            throw new IllegalArgumentException("an allowed host entry is empty");
        }
        int slash = e.indexOf('/');
        String addressPart = slash < 0 ? e : e.substring(0, slash);
        InetAddress literal = literal(addressPart);
        if (literal == null) {
            if (slash >= 0 || !HOST_NAME.matcher(e).matches()) {
                throw new IllegalArgumentException("allowed host entry '" + entry + "' is not a host name, IP address or CIDR range");
            }
            return new HostRule(e.endsWith(".") ? e.substring(0, e.length() - 1) : e, null, 0);
        }
        int bits = literal.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(e.substring(slash + 1));
            } catch (NumberFormatException ex) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("allowed host entry '" + entry + "' has a bad prefix length");
            }
        }
        return new HostRule(null, literal.getAddress(), prefix);
    }

    /** The address an IP literal (IPv4 dotted quad or IPv6, brackets allowed) names, or null if it is not one. */
    static InetAddress literal(String host) {
        String h = host;
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (IPV4.matcher(h).matches()) {
            for (String octet : h.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return null;
                }
            }
        } else if (!h.contains(":")) {
            return null;
        }
        try {
            return InetAddress.getByName(h); // a literal: no lookup happens
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }

    boolean matchesName(String host) {
        if (hostName == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return hostName.equals(h);
    }

    boolean matchesAddress(InetAddress address) {
        if (network == null) {
            return false;
        }
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }
}
