package dev.switchboard.media;

import dev.switchboard.error.SwitchboardException;
import dev.switchboard.error.ErrorCode;
import dev.switchboard.media.mix.AudioMixer;
import dev.switchboard.media.sdp.AudioNegotiation;
import dev.switchboard.media.sdp.WebRtcOffer;
import dev.switchboard.media.webrtc.WebRtcGateway;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * The media of one call: its legs and its mixer, ticked every 20 ms by one {@link MixerThread}.
 * Thread-safe: legs are added and removed on request threads (copy-on-write array), {@link #tick()}
 * runs on the mixer thread (see docs/concurrency.md). An RTP leg is only added for an offer whose address the
 * engine's {@link MediaAllowList} allows, and is sent nothing until its peer's address has sent it valid RTP or RTCP.
 * Key presses its legs recognise go to its {@link DigitListener}s on the engine's DTMF thread.
 *
 * <p>Over 300 lines on purpose: the tick and the two fences other threads wait on (the tick boundary for leg removal,
 * the send boundary for mutes) only make sense read together.
 */
public final class RtpRoom implements MediaRoom {
    private final String callId;
    private final RtpMediaEngine engine;
    private final MixerThread mixerThread;
    private final AudioMixer mixer;
    /** Service-hosted media: prompts, recordings, hold music (mixer hooks marked "ivr" in {@link #tick()}). */
    private final dev.switchboard.media.ivr.IvrChannel ivr = new dev.switchboard.media.ivr.IvrChannel();
    private final short[] scratch = new short[dev.switchboard.media.codec.AudioCodec.MIX_FRAME];
    private volatile RtpLeg[] legs = new RtpLeg[0];
    /** Legs of bots with service-hosted media: in the room, never mixed. */
    private final java.util.Set<ServerLeg> serverLegs = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The legs contributing to the current tick (mixer thread only). */
    private RtpLeg[] talkers = new RtpLeg[0];
    private volatile boolean closed;
    private volatile long tickStarted;
    private volatile long tickCompleted;
    private final java.util.List<DigitListener> digitListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Odd while the mixer sends one leg its packet: a mute waits only for that send, not for the whole tick. */
    private volatile long sendEpoch;
    /** Counts mutes of this room's legs; the mixer re-checks its talkers' flags only when it moved. */
    private final java.util.concurrent.atomic.AtomicLong mutes = new java.util.concurrent.atomic.AtomicLong();
    /** {@link #mutes} as the mixer last acted on it (mixer thread only). */
    private long mutesSeen;

    /** The mixer thread that ticks this room. */
    MixerThread mixerThread() {
        return mixerThread;
    }

    RtpRoom(String callId, RtpMediaEngine engine, MixerThread mixerThread) {
        this.callId = callId;
        this.engine = engine;
        this.mixerThread = mixerThread;
        this.mixer = new AudioMixer(engine.opusEncoder());
    }

    /** How this room's Opus encoders encode (the engine's settings). */
    dev.switchboard.media.codec.OpusEncoderSettings opusEncoder() {
        return engine.opusEncoder();
    }

    @Override
    public String callId() {
        return callId;
    }

    @Override
    public MediaLeg addLeg(String participantId, String sdpOffer, InetAddress offeredFrom) {
        if (WebRtcOffer.isWebRtc(sdpOffer)) {
            return addWebRtcLeg(participantId, WebRtcOffer.parse(sdpOffer));
        }
        AudioNegotiation negotiation = AudioNegotiation.negotiate(sdpOffer);
        engine.allowList().check(negotiation.remoteAddress(), offeredFrom);
        ensureOpen();
        DatagramChannel channel = engine.ports().open();
        int port = ((InetSocketAddress) localAddress(channel)).getPort();
        RtpLeg leg = new RtpLeg(this, engine.counters(), participantId, channel, port, negotiation, engine.advertisedHost());
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
        RtpLeg leg = RtpLeg.webRtc(this, engine.counters(), participantId, offer, gateway);
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

    @Override
    public void addDigitListener(DigitListener listener) {
        digitListeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    /** A leg recognised a key press (packet thread): the listeners hear it on the DTMF thread. */
    void digitReceived(String participantId, DtmfTone tone) {
        if (digitListeners.isEmpty()) {
            return;
        }
        engine.dtmf().post(() -> {
            for (DigitListener l : digitListeners) {
                try {
                    l.onDigit(participantId, tone);
                } catch (RuntimeException e) {
                    // the listener's own failure; the others still hear the digit
                }
            }
        });
    }

    /** An audio frame of one of its legs was buffered at {@code nowNanos} (packet threads): where ticks should sit. */
    void audioArrived(long nowNanos) {
        mixerThread.phase().arrived(nowNanos);
    }

    /** Runs a DTMF completion on the DTMF thread. */
    void dtmfTask(Runnable task) {
        engine.dtmf().post(task);
    }

    @Override
    public MediaLeg addServerLeg(String participantId) {
        ServerLeg leg = new ServerLeg(this, participantId);
        synchronized (this) {
            ensureOpen();
            serverLegs.add(leg);
        }
        engine.legAdded();
        return leg;
    }

    void removeServerLeg(ServerLeg leg) {
        if (serverLegs.remove(leg)) {
            engine.legRemoved();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new SwitchboardException(ErrorCode.ITEM_NOT_FOUND, "The call's media has ended.");
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
            awaitTickBoundary();
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

    void removeLeg(RtpLeg leg) {
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
            awaitTickBoundary(); // the mixer may still be sending on the leg's channel
            leg.release(engine.ports(), engine.receiver());
            engine.legRemoved();
        }
    }

    @Override
    public dev.switchboard.media.ivr.IvrChannel ivr() {
        return ivr;
    }

    /** The leg of a participant, or null. */
    public RtpLeg leg(String participantId) {
        for (RtpLeg l : legs) {
            if (l.participantId().equals(participantId)) {
                return l;
            }
        }
        return null;
    }

    public int legCount() {
        return legs.length;
    }

    @Override
    public void close() {
        RtpLeg[] toClose;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = legs;
            legs = new RtpLeg[0];
        }
        for (ServerLeg l : java.util.List.copyOf(serverLegs)) {
            removeServerLeg(l);
        }
        mixerThread.remove(this);
        awaitTickBoundary();
        ivr.close();
        for (RtpLeg l : toClose) {
            l.release(engine.ports(), engine.receiver());
            engine.legRemoved();
        }
        engine.roomClosed(this);
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Returns once no tick that started before this call is still running, so nothing a tick took from
     * a leg before a mute can be sent after the mute returns. Normally bounded by one tick (microseconds);
     * on a starved machine by however long the mixer thread is descheduled, with a 2 s safety limit (past
     * it the leak counter would show any frame that got out).
     */
    void awaitTickBoundary() {
        long started = tickStarted;
        if (tickCompleted >= started) {
            return;
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        int spins = 0;
        while (tickCompleted < started && System.nanoTime() - deadline < 0) {
            if (++spins < 1000) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(20_000);
            }
        }
    }

    /**
     * The mute's fence (see docs/concurrency.md, "Mute under load"): returns once no send that may still carry a frame
     * of a leg muted before this call is in flight. The mixer opens a send epoch, then (if a mute was announced since it
     * last looked) takes every muted talker out of the mix, then sends; the caller set the leg's flag, announces the
     * mute, then waits only while the epoch it sees is open. Either the mixer sees the flag before the send, or this
     * call sees the send open and waits for it: one packet's encode and send (microseconds), not the room's whole tick.
     * On a starved machine bounded by how long the mixer thread is descheduled, with the same 2 s safety limit.
     */
    void awaitSendBoundary() {
        mutes.incrementAndGet();
        long open = sendEpoch;
        if ((open & 1) == 0) {
            return;
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        int spins = 0;
        while (sendEpoch == open && System.nanoTime() - deadline < 0) {
            if (++spins < 1000) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(20_000);
            }
        }
    }

    /**
     * Accounts for ticks the mixer thread skipped (the process was stalled): every outgoing stream's RTP
     * timestamp jumps by the missed frames, so receivers see the gap instead of a shortened timeline.
     */
    void skipTicks(long ticks) {
        tickStarted = tickStarted + 1;
        try {
            for (RtpLeg l : legs) {
                l.skipFrames(ticks);
            }
        } finally {
            tickCompleted = tickStarted;
        }
    }

    /** One 20 ms tick: pull a frame from every leg, mix, send each leg its mix-minus. Mixer thread only. */
    void tick() {
        long seq = tickStarted + 1;
        tickStarted = seq;
        int n = 0;
        long lastSend = 0;
        mutesSeen = mutes.get(); // frames pulled below are checked against the flags under the playout lock
        try {
            RtpLeg[] ls = legs;
            if (talkers.length < ls.length) {
                talkers = new RtpLeg[ls.length]; // only when the room grows
            }
            ivr.begin();
            if (ls.length == 0 && ivr.idle()) {
                return; // no leg and no prompt, recording or hold: nothing to mix and nobody to send to
            }
            boolean narrow = ivr.idle() && allNarrowband(ls); // 8 kHz mix: no 48 kHz round trip (docs/media.md)
            mixer.begin(narrow);
            for (RtpLeg l : ls) {
                if (l.pullFrame(narrow)) {
                    if (ivr.held(l.participantId())) {
                        continue; // ivr: a held participant is heard by nobody
                    }
                    mixer.add(l.pcm());
                    talkers[n++] = l;
                    ivr.hear(l.pcm());
                }
            }
            short[] voice = ivr.voice(); // ivr: the bot's prompt, heard by every leg
            if (voice != null) {
                mixer.add(voice);
            }
            for (RtpLeg l : ls) {
                if (!l.receivesMix()) {
                    continue;
                }
                if (!l.latched()) {
                    l.withheld(); // its address has not sent us valid RTP or RTCP yet: it gets nothing
                    continue;
                }
                sendEpoch++; // odd: a send is open
                try {
                    lastSend = System.nanoTime();
                    long m = mutes.get();
                    if (m != mutesSeen) {
                        mutesSeen = m;
                        n = withdrawMuted(n);
                    }
                    short[] hold = ivr.holdFrame(l.participantId());
                    if (hold != null) {
                        l.sendOwn(hold); // ivr: a held participant hears its music instead of the call
                    } else if (l.contributing()) {
                        l.sendOwn(mixer, scratch);
                    } else {
                        l.sendShared(mixer);
                    }
                } finally {
                    sendEpoch++; // even: closed
                }
            }
            if (n > 0) {
                for (int i = 0; i < n; i++) {
                    talkers[i].accountMixed(lastSend); // every remaining talker was in every send, the last included
                }
            }
        } finally {
            java.util.Arrays.fill(talkers, 0, n, null);
            tickCompleted = seq;
        }
    }

    /** True if every leg's codec is G.711 (8 kHz): the room can mix at 8 kHz. */
    private static boolean allNarrowband(RtpLeg[] ls) {
        for (RtpLeg l : ls) {
            if (!l.codec().narrowband()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Before a send, when a mute was announced since the mixer last looked: a talker muted since its frame was pulled is
     * taken out of the mix, so a mute that lands mid-tick stops its audio at the next send (the mute's wait covers the
     * send in flight, {@link #awaitSendBoundary()}).
     */
    private int withdrawMuted(int n) {
        for (int i = 0; i < n; i++) {
            RtpLeg t = talkers[i];
            if (t.mutedNow()) {
                mixer.remove(t.pcm());
                t.withdraw();
                talkers[i] = talkers[--n];
                talkers[n] = null;
                i--;
            }
        }
        return n;
    }
}
