package dev.switchboard.media.webrtc;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Routes every datagram of the single WebRTC port to its leg (the single-port mode of LiveKit and
 * jitsi-videobridge). The first byte says what it is (RFC 7983): 0–3 STUN, routed by the USERNAME's local ufrag;
 * 20–63 DTLS and 128–191 RTP/RTCP, routed by the source address, which must have passed that leg's ICE check.
 * Anything else, and anything from an unchecked address, is dropped and counted.
 *
 * <p>A leg's checked addresses are its ICE candidate pairs' ({@link CheckedAddresses}): at most
 * {@link IceLiteResponder#MAX_PAIRS}, and a check that passes from a new address when the leg has that many forgets the
 * pair its agent chose (checked longest ago, never the selected one), whose DTLS and SRTP are then dropped as
 * {@code unknown_source}. So a peer holding the leg's ICE password cannot grow the routing map by checking from many
 * ports, and unregistering a leg removes its own few addresses, not a scan of every leg's.
 *
 * <p>Threads: {@link #onDatagram} on the port's one packet thread (it owns the STUN scratch buffers and each leg's
 * {@link CheckedAddresses}); {@link #register}/{@link #unregister} from any thread. The RTP path is two hash lookups
 * and no allocation (a STUN check allocates its ufrag String; a check from a new address, its routing entry).
 */
public final class WebRtcDemux {
    private final ConcurrentHashMap<String, Route> byUfrag = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<InetSocketAddress, WebRtcTransport> byAddress = new ConcurrentHashMap<>();
    private final WebRtcCounters counters;
    private final StunMessage stun = new StunMessage();
    private final byte[] stunOut = new byte[1500];
    private final ByteBuffer stunOutBuffer = ByteBuffer.wrap(stunOut);

    /** A registered leg and the addresses routed to it. */
    private record Route(WebRtcTransport transport, CheckedAddresses addresses) {
    }

    public WebRtcDemux(WebRtcCounters counters) {
        this.counters = counters;
    }

    /** Makes a leg reachable by its ufrag. @throws IllegalStateException if the ufrag is taken */
    public void register(WebRtcTransport transport) {
        if (byUfrag.putIfAbsent(transport.localUfrag(), new Route(transport, new CheckedAddresses())) != null) {
            throw new IllegalStateException("ICE ufrag already in use");
        }
    }

    /** Forgets a leg: its ufrag and every address that was checked for it. Idempotent. */
    public void unregister(WebRtcTransport transport) {
        Route route = byUfrag.get(transport.localUfrag());
        if (route == null || route.transport() != transport || !byUfrag.remove(transport.localUfrag(), route)) {
            return;
        }
        route.addresses().forEach(a -> byAddress.remove(a, transport)); // one another leg took over stays its
    }

    /** Source addresses routed to legs (at most {@link IceLiteResponder#MAX_PAIRS} per leg). */
    int addresses() {
        return byAddress.size();
    }

    /** Legs registered. */
    public int size() {
        return byUfrag.size();
    }

    /** One received datagram {@code buf[0..length)} from {@code from} at {@code now} (nanoTime scale). */
    public void onDatagram(byte[] buf, int length, InetSocketAddress from, long now) {
        if (length < 1) {
            counters.drop(WebRtcDropReason.UNKNOWN_PROTOCOL);
            return;
        }
        int first = buf[0] & 0xFF;
        if (first <= 3) {
            onStun(buf, length, from, now);
        } else if (first >= 20 && first <= 63) {
            WebRtcTransport t = byAddress.get(from);
            if (t == null) {
                counters.drop(WebRtcDropReason.UNKNOWN_SOURCE);
            } else {
                t.onDtls(buf, length);
            }
        } else if (first >= 128 && first <= 191) {
            WebRtcTransport t = byAddress.get(from);
            if (t == null) {
                counters.drop(WebRtcDropReason.UNKNOWN_SOURCE);
            } else {
                t.onSrtp(buf, length, now);
            }
        } else {
            counters.drop(WebRtcDropReason.UNKNOWN_PROTOCOL);
        }
    }

    private void onStun(byte[] buf, int length, InetSocketAddress from, long now) {
        if (!stun.parse(buf, length)) {
            counters.drop(WebRtcDropReason.STUN_MALFORMED);
            return;
        }
        if (stun.type() == StunMessage.BINDING_INDICATION) {
            return; // a keepalive: nothing to do
        }
        String ufrag = stun.localUfrag();
        Route route = ufrag == null ? null : byUfrag.get(ufrag);
        if (route == null) {
            counters.drop(ufrag == null ? WebRtcDropReason.STUN_UNAUTHENTICATED : WebRtcDropReason.UNKNOWN_UFRAG);
            return;
        }
        if (route.transport().onStun(buf, length, from, now, stunOut, stunOutBuffer)) {
            routeChecked(ufrag, route, from);
        }
    }

    /** {@code from} passed a check of {@code route}'s leg: DTLS and SRTP from it now go to that leg. */
    private void routeChecked(String ufrag, Route route, InetSocketAddress from) {
        WebRtcTransport t = route.transport();
        InetSocketAddress forgotten = t.takeForgotten();
        if (forgotten != null) { // the leg's ICE agent forgot that pair to make room for this one
            route.addresses().remove(forgotten);
            byAddress.remove(forgotten, t);
        }
        if (!route.addresses().contains(from)) {
            if (!route.addresses().add(from)) {
                return; // cannot happen: the agent made room first
            }
        } else if (byAddress.get(from) == t) {
            return;
        }
        byAddress.put(from, t); // a later leg checked from the same address takes it over
        if (byUfrag.get(ufrag) != route) {
            // unregistered meanwhile: its unregister may have read the addresses before this one was added
            byAddress.remove(from, t);
        }
    }
}
