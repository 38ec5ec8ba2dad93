package dev.switchboard.media.sdp;

import dev.switchboard.error.SwitchboardException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed SDP offer (RFC 4566), reduced to what audio negotiation needs. Parsing is strict about
 * structure (v= first, m= lines well-formed, numbers in range) and lenient about unknown attributes.
 *
 * @param sessionConnection the session-level {@code c=} address, or null
 * @param sessionDirection  the session-level direction attribute, or null
 * @param media             every m= section in order
 */
public record SdpOffer(String sessionConnection, Direction sessionDirection, List<Media> media) {

    /** Largest offer accepted, in characters. */
    public static final int MAX_LENGTH = 16 * 1024;

    /**
     * One m= section.
     *
     * @param type       e.g. {@code audio}
     * @param port       the port, 0 for a disabled stream
     * @param proto      e.g. {@code RTP/AVP}
     * @param formats    the payload types (as written; numbers for RTP)
     * @param connection the media-level {@code c=} address, or null
     * @param rtpmaps    payload type → {@code name/rate[/channels]}
     * @param direction  the media-level direction attribute, or null
     * @param ptime      the {@code a=ptime} value, or 0
     */
    public record Media(String type, int port, String proto, List<String> formats, String connection,
                        Map<Integer, String> rtpmaps, Direction direction, int ptime) {
    }

    /** @throws SwitchboardException BAD_REQUEST naming what is wrong */
    public static SdpOffer parse(String sdp) {
        if (sdp == null || sdp.isBlank()) {
            throw SwitchboardException.badRequest("The SDP offer is empty.");
        }
        if (sdp.length() > MAX_LENGTH) {
            throw SwitchboardException.badRequest("The SDP offer is larger than " + MAX_LENGTH + " characters.");
        }
        String[] lines = sdp.split("\r?\n");
        if (!lines[0].strip().equals("v=0")) {
            throw SwitchboardException.badRequest("The SDP offer must start with v=0.");
        }
        String sessionConnection = null;
        Direction sessionDirection = null;
        List<Media> media = new ArrayList<>();
        MediaBuilder current = null;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != '=') {
                throw SwitchboardException.badRequest("The SDP offer has a malformed line: " + abbreviate(line));
            }
            char key = line.charAt(0);
            String value = line.substring(2);
            switch (key) {
                case 'm' -> {
                    if (current != null) {
                        media.add(current.build());
                    }
                    current = MediaBuilder.parse(value);
                }
                case 'c' -> {
                    String address = parseConnection(value);
                    if (current == null) {
                        sessionConnection = address;
                    } else {
                        current.connection = address;
                    }
                }
                case 'a' -> {
                    Direction d = Direction.parse(value);
                    if (d != null) {
                        if (current == null) {
                            sessionDirection = d;
                        } else {
                            current.direction = d;
                        }
                    } else if (current != null) {
                        current.attribute(value);
                    }
                }
                default -> {
                    // v, o, s, t, b, i, u, e, p, z, k, r: not needed for audio negotiation
                }
            }
        }
        if (current != null) {
            media.add(current.build());
        }
        return new SdpOffer(sessionConnection, sessionDirection, List.copyOf(media));
    }

    private static String parseConnection(String value) {
        String[] p = value.trim().split("\\s+");
        if (p.length != 3 || !p[0].equals("IN")) {
            throw SwitchboardException.badRequest("The SDP offer has a malformed c= line: " + abbreviate(value));
        }
        if (!p[1].equals("IP4")) {
            throw SwitchboardException.badRequest("Only IPv4 media addresses (c=IN IP4) are supported; the offer has " + p[1] + ".");
        }
        String address = p[2];
        int slash = address.indexOf('/');
        if (slash >= 0) {
            address = address.substring(0, slash); // multicast TTL: the address is what matters
        }
        if (!address.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw SwitchboardException.badRequest("The SDP offer's c= address must be a dotted IPv4 address, was " + abbreviate(address) + ".");
        }
        for (String octet : address.split("\\.")) {
            if (Integer.parseInt(octet) > 255) {
                throw SwitchboardException.badRequest("The SDP offer's c= address is not a valid IPv4 address: " + address + ".");
            }
        }
        return address;
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "…";
    }

    private static final class MediaBuilder {
        String type;
        int port;
        String proto;
        List<String> formats;
        String connection;
        Map<Integer, String> rtpmaps = new LinkedHashMap<>();
        Direction direction;
        int ptime;

        static MediaBuilder parse(String value) {
            String[] p = value.trim().split("\\s+");
            if (p.length < 4) {
                throw SwitchboardException.badRequest("The SDP offer has a malformed m= line: " + abbreviate(value));
            }
            MediaBuilder b = new MediaBuilder();
            b.type = p[0].toLowerCase(Locale.ROOT);
            String port = p[1];
            int slash = port.indexOf('/');
            if (slash >= 0) {
                port = port.substring(0, slash);
            }
            b.port = parseInt(port, 0, 65535, "m= port");
            b.proto = p[2];
            b.formats = List.of(p).subList(3, p.length);
            return b;
        }

        void attribute(String value) {
            int colon = value.indexOf(':');
            if (colon < 0) {
                return;
            }
            String name = value.substring(0, colon);
            String rest = value.substring(colon + 1).trim();
            if (name.equals("rtpmap")) {
                String[] p = rest.split("\\s+", 2);
                if (p.length != 2) {
                    throw SwitchboardException.badRequest("The SDP offer has a malformed a=rtpmap: " + abbreviate(value));
                }
                rtpmaps.put(parseInt(p[0], 0, 127, "rtpmap payload type"), p[1]);
            } else if (name.equals("ptime")) {
                ptime = parseInt(rest, 1, 1000, "ptime");
            }
        }

        Media build() {
            return new Media(type, port, proto, formats, connection, Map.copyOf(rtpmaps), direction, ptime);
        }
    }

    static int parseInt(String s, int min, int max, String what) {
        try {
            int v = Integer.parseInt(s);
            if (v < min || v > max) {
                throw SwitchboardException.badRequest("The SDP offer's " + what + " is out of range: " + abbreviate(s) + ".");
            }
            return v;
        } catch (NumberFormatException e) {
            throw SwitchboardException.badRequest("The SDP offer's " + what + " is not a number: " + abbreviate(s) + ".");
        }
    }
}
