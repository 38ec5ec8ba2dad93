package dev.switchboard.media;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.media.sdp.AudioNegotiation;
import dev.switchboard.media.sdp.WebRtcOffer;
import dev.switchboard.media.webrtc.WebRtcGateway;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;

/**
 * Who is in one {@link RtpRoom}: its mixed legs as a copy-on-write array, its server legs (bots with service-hosted
 * media: in the room, never mixed), and whether the room has closed. Changed on request threads under this object's
 * monitor (the room monitor of docs/concurrency.md); the mixer thread reads the volatile array ({@link #current()})
 * once per tick, without a lock. A leg taken out is released only after {@link RtpRoom#awaitTickBoundary()}: a tick
 * that read the old array may still be sending on its channel.
 */
final class RoomLegs {
    private final RtpRoom room;
    private final RtpMediaEngine engine;
    private volatile RtpLeg[] legs = new RtpLeg[0];
    /** Legs of bots with service-hosted media: in the room, never mixed. */
    private final java.util.Set<ServerLeg> serverLegs = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    RoomLegs(RtpRoom room, RtpMediaEngine engine) {
        this.room = room;
        this.engine = engine;
    }

    /** The mixed legs now: the array is never changed, only replaced (any thread, no lock). */
    RtpLeg[] current() {
        return legs;
    }

    boolean closed() {
        return closed;
    }

    void ensureOpen() {
        if (closed) {
            throw new SwitchboardException(ErrorCode.ITEM_NOT_FOUND, "The call's media has ended.");
        }
    }

    /** A leg for the participant's offer: RTP on a port of its own, or WebRTC on the shared port. */
    MediaLeg addLeg(String participantId, String sdpOffer, InetAddress offeredFrom) {
        if (WebRtcOffer.isWebRtc(sdpOffer)) {
            return addWebRtcLeg(participantId, WebRtcOffer.parse(sdpOffer));
        }
        AudioNegotiation negotiation = AudioNegotiation.negotiate(sdpOffer);
        engine.allowList().check(negotiation.remoteAddress(), offeredFrom);
        ensureOpen();
        DatagramChannel channel = engine.ports().open();
        int port = ((InetSocketAddress) localAddress(channel)).getPort();
        RtpLeg leg = new RtpLeg(room, engine.counters(), participantId, channel, port, negotiation, engine.advertisedHost());
        add(leg);
        engine.receiver().register(leg);
        return leg;
    }

    /**
     * A browser's leg on the shared WebRTC port. No allow-list check: nothing is sent before the browser passes an
     * authenticated ICE check from the address media goes to (RFC 8445 / RFC 7675 consent).
     */
    private MediaLeg addWebRtcLeg(String participantId, WebRtcOffer offer) {
        WebRtcGateway gateway = engine.webRtc();
        if (gateway == null) {
            throw SwitchboardException.badRequest("This server does not accept WebRTC offers (UDP/TLS/RTP/SAVPF); start it with --webrtc-port.");
        }
        ensureOpen();
        RtpLeg leg = RtpLeg.webRtc(room, engine.counters(), participantId, offer, gateway);
        add(leg);
        return leg;
    }

    private static java.net.SocketAddress localAddress(DatagramChannel channel) {
        try {
            return channel.getLocalAddress();
        } catch (java.io.IOException e) {
            throw new SwitchboardException(ErrorCode.SERVICE_UNAVAILABLE, "A media port could not be opened.");
        }
    }

    /** Adds a leg; a participant that already has one is replaced (the old leg is closed). */
    private void add(RtpLeg leg) {
        RtpLeg replaced = null;
        synchronized (this) {
            if (closed) {
                leg.release(engine.ports(), engine.receiver());
                throw new SwitchboardException(ErrorCode.ITEM_NOT_FOUND, "The call's media has ended.");
            }
            RtpLeg[] current = legs;
            RtpLeg[] next = Arrays.copyOf(current, current.length + 1);
            for (int i = 0; i < current.length; i++) {
                if (current[i].participantId().equals(leg.participantId())) {
                    replaced = current[i];
                    next = without(current, i);
                    next = Arrays.copyOf(next, next.length + 1);
                    break;
                }
            }
            next[next.length - 1] = leg;
            legs = next;
        }
        engine.legAdded();
        if (replaced != null) {
            room.awaitTickBoundary();
            replaced.release(engine.ports(), engine.receiver());
            engine.legRemoved();
        }
    }

    private static RtpLeg[] without(RtpLeg[] a, int i) {
        RtpLeg[] r = new RtpLeg[a.length - 1];
        System.arraycopy(a, 0, r, 0, i);
        System.arraycopy(a, i + 1, r, i, a.length - i - 1);
        return r;
    }

    void remove(RtpLeg leg) {
        boolean removed = false;
        synchronized (this) {
            RtpLeg[] current = legs;
            for (int i = 0; i < current.length; i++) {
                if (current[i] == leg) {
                    legs = without(current, i);
                    removed = true;
                    break;
                }
            }
        }
        if (removed) {
            room.awaitTickBoundary(); // the mixer may still be sending on the leg's channel
            leg.release(engine.ports(), engine.receiver());
            engine.legRemoved();
        }
    }

    /**
     * Takes {@code leg} out of the mixed legs without releasing it (it moves to another room): after the tick boundary
     * no tick of this room still reads it. False if it was not here.
     */
    boolean detach(RtpLeg leg) {
        synchronized (this) {
            RtpLeg[] current = legs;
            int i = Arrays.asList(current).indexOf(leg);
            if (i < 0) {
                return false;
            }
            legs = without(current, i);
        }
        room.awaitTickBoundary(); // a tick that read the old array may still pull or send on the leg
        return true;
    }

    /**
     * Puts a leg another room of this engine detached into this one. The leg's room changes before this room's array
     * holds it (the mute fence's order, {@link RtpLeg#movedTo}); a leg closed while it moved, or arriving in a room
     * that closed, is released.
     */
    void adopt(RtpLeg leg) {
        boolean admitted;
        synchronized (this) {
            admitted = !closed;
            if (admitted) {
                leg.movedTo(room);
                RtpLeg[] current = legs;
                RtpLeg[] next = Arrays.copyOf(current, current.length + 1);
                next[current.length] = leg;
                legs = next;
            }
        }
        if (!admitted) {
            leg.release(engine.ports(), engine.receiver());
            engine.legRemoved();
            throw new SwitchboardException(ErrorCode.ITEM_NOT_FOUND, "The call's media has ended.");
        }
        if (leg.closeRequested()) {
            remove(leg); // closed on its way here: close() looked for it in the room it left
        }
    }

    /** The leg of a participant, or null. */
    RtpLeg leg(String participantId) {
        for (RtpLeg l : legs) {
            if (l.participantId().equals(participantId)) {
                return l;
            }
        }
        return null;
    }

    void addServer(ServerLeg leg) {
        synchronized (this) {
            ensureOpen();
            serverLegs.add(leg);
        }
        engine.legAdded();
    }

    void removeServer(ServerLeg leg) {
        if (serverLegs.remove(leg)) {
            engine.legRemoved();
        }
    }

    /**
     * Marks the room closed and takes everyone out: the server legs now, the mixed legs returned for
     * {@link #release} after the tick boundary. Null if it was closed already.
     */
    RtpLeg[] close() {
        RtpLeg[] toClose;
        synchronized (this) {
            if (closed) {
                return null;
            }
            closed = true;
            toClose = legs;
            legs = new RtpLeg[0];
        }
        for (ServerLeg l : java.util.List.copyOf(serverLegs)) {
            removeServer(l);
        }
        return toClose;
    }

    /** Releases the legs {@link #close()} took out (no tick can still be sending on them). */
    void release(RtpLeg[] taken) {
        for (RtpLeg l : taken) {
            l.release(engine.ports(), engine.receiver());
            engine.legRemoved();
        }
    }
}
