package dev.switchboard.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random changes to a valid SDP offer, for fuzzing: a line removed, repeated or swapped with another, a token of a
 * line replaced by an odd one (ports, addresses, numbers, protocols, codecs, roles), an odd line added (other media,
 * ports, addresses, payload types, ICE and DTLS attributes), other line endings, bodies that are no offer, other
 * content types.
 */
public final class SdpMutations {
    private SdpMutations() {
    }

    private static final String[] ODD_TOKENS = {"", "0", "-1", "65536", "4294967296", "99999999999999999999", "abc", "1.5",
            "x".repeat(5000), "\u0000", "\u00e9\u202e", "0.0.0.0", "127.0.0.2", "::1", "localhost", "999.1.1.1", "*",
            "IP6", "RTP/SAVP", "UDP/TLS/RTP/SAVPF", "opus/48000/2", "PCMU/0", "telephone-event/8000", "sha-1",
            "actpass", "active", "passive", "holdconn"};
    private static final String[] ODD_LINES = {"m=video 9 RTP/AVP 96", "m=audio 0 RTP/AVP 0", "m=audio 40000 RTP/AVP 0",
            "c=IN IP6 ::1", "c=IN IP4 0.0.0.0", "c=IN IP4 10.1.2.3/127", "a=rtpmap:0 PCMU/0", "a=rtpmap:96 opus/0/0",
            "a=rtpmap:96", "a=rtpmap:300 PCMU/8000", "a=fmtp:111 " + "minptime=10;".repeat(400), "a=ptime:0",
            "a=ptime:-5", "a=ptime:100000", "a=maxptime:0", "b=AS:-1", "a=sendonly", "a=recvonly", "a=inactive",
            "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:garbage", "a=candidate:garbage", "a=candidate:1 1 udp 1 ::1 0 typ host",
            "a=fingerprint:sha-1 00", "a=fingerprint:sha-256 zz", "a=setup:active", "a=setup:passive", "a=rtcp:0",
            "a=rtcp-mux", "a=group:BUNDLE 0 1", "a=ssrc:4294967296 cname:x", "a=ice-ufrag:", "a=ice-pwd:",
            "a=mid:" + "m".repeat(300), "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16", "=", "a", "x=1",
            "a=" + "\u00ff".repeat(50), "\t", " "};

    /** The valid SDP {@code offer} changed once at random. */
    public static Mutation mutate(String offer, Random r) {
        List<String> lines = new ArrayList<>(List.of(offer.split("\r\n")));
        String eol = "\r\n";
        String what;
        String contentType = "application/sdp";
        switch (r.nextInt(10)) {
            case 0, 1: {
                int i = r.nextInt(lines.size());
                what = "line removed: " + lines.remove(i);
                break;
            }
            case 2: {
                int i = r.nextInt(lines.size());
                lines.add(r.nextInt(lines.size() + 1), lines.get(i));
                what = "line repeated: " + lines.get(i);
                break;
            }
            case 3: {
                int i = r.nextInt(lines.size());
                int j = r.nextInt(lines.size());
                java.util.Collections.swap(lines, i, j);
                what = "lines " + i + " and " + j + " swapped";
                break;
            }
            case 4, 5, 6: {
                int i = r.nextInt(lines.size());
                String[] tokens = lines.get(i).split("(?<=[ :/=])|(?=[ :/])");
                int t = r.nextInt(tokens.length);
                tokens[t] = ODD_TOKENS[r.nextInt(ODD_TOKENS.length)];
                String changed = String.join("", tokens);
                what = "line " + i + " " + Mutation.abbreviate(lines.get(i)) + " became " + Mutation.abbreviate(changed);
                lines.set(i, changed);
                break;
            }
            case 7: {
                String line = ODD_LINES[r.nextInt(ODD_LINES.length)];
                lines.add(1 + r.nextInt(lines.size()), line);
                what = "line added: " + Mutation.abbreviate(line);
                break;
            }
            case 8: {
                String[] endings = {"\n", "\r", "\r\n\r\n", "\n\r"};
                eol = endings[r.nextInt(endings.length)];
                what = "line ending " + eol.replace("\r", "CR").replace("\n", "LF");
                break;
            }
            default: {
                String[] bodies = {"", "v=0", "v=0\r\n", "{}", "m=audio 40000 RTP/AVP 0\r\n", "\u0000\u0001\u0002",
                        offer.substring(0, r.nextInt(offer.length())),
                        offer.repeat(900_000 / offer.length())}; // big, under the 1 MiB body limit: above it a client still
                // writing may see the connection reset before it reads the 413 (GraphCallsHttpTest sends 100-continue)
                String[] types = {"application/sdp", "application/sdp", "application/json", "text/plain", ""};
                String b = bodies[r.nextInt(bodies.length)];
                contentType = types[r.nextInt(types.length)];
                return new Mutation("body " + Mutation.abbreviate(b.replace("\r\n", "|")), contentType,
                        b.getBytes(StandardCharsets.UTF_8));
            }
        }
        return new Mutation(what, contentType, (String.join(eol, lines) + eol).getBytes(StandardCharsets.UTF_8));
    }
}
