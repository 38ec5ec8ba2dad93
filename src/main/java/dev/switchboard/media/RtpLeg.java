package dev.switchboard.media;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.mix.AudioMixer;
import dev.switchboard.media.rtp.RtpPacket;
import dev.switchboard.media.sdp.AudioNegotiation;
import dev.switchboard.media.sdp.Direction;
import dev.switchboard.media.sdp.WebRtcOffer;
import dev.switchboard.media.webrtc.MediaSink;
import dev.switchboard.media.webrtc.WebRtcGateway;
import dev.switchboard.media.webrtc.WebRtcTransport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;

/**
 * One participant's RTP leg: its UDP port and the pipeline its packets take,
 * {@link IngressFilter} → {@link MuteState} → {@link Playout} → (room mix) → {@link LegSender}.
 * Every packet that does not make it into the playout is counted by {@link DropReason}.
 *
 * <p>Threads (see docs/concurrency.md): {@link #onDatagram} on the engine's packet thread; {@link #pullFrame} and the
 * send methods on the room's mixer thread; the mute setters, {@link #stats()} and {@link #close()} on any thread.
 *
 * <p>Over 400 lines because it is where a leg's stages meet (two constructors, plain RTP and WebRTC, and the entry
 * points of the packet, mixer and control threads, DTMF included, its move between rooms, and its end when the peer
 * is gone: WebRTC consent or {@link SilentLegs}); each stage's logic lives in its own class.
 */
public final class RtpLeg implements MediaLeg {
    /** The room the leg is in; changes only when the leg moves to another room of its engine ({@link RoomLegs#adopt}). */
    private volatile RtpRoom room;
    private final String participantId;
    private final DatagramChannel channel;
    private final int localPort;
    private final String sdpAnswer;
    private final AudioCodec codec;
    private final LegCounters stats;
    private final Playout playout;
    private final MuteState mute;
    private final IngressFilter filter;
    private volatile LegEndListener endListener;
    /** Null when the peer does not receive (its offer was sendonly or inactive). */
    private final LegSender sender;
    /** The WebRTC transport (ICE-lite, DTLS-SRTP) of a browser's leg, or null for a plain RTP leg. */
    private final WebRtcTransport webRtc;
    private final WebRtcGateway gateway;
    /** The RFC 4733 telephone-event payload type the peer negotiated, or -1. */
    private final int dtmfPayloadType;
    /** Turns received telephone-events into key presses for the room's listeners; null without telephone-event. */
    private final DtmfReceiver dtmfIn;
    /** Packet thread only, like {@link #dtmfIn}. */
    private final RateBudget keyPresses = RateBudget.keyPresses();
    private volatile boolean closed;
    /** Set by {@link #close()} before it asks the room: a leg closed while it moves between rooms is released on arrival. */
    private volatile boolean closeRequested;
    /** When the leg was made: a plain RTP peer that never sends is silent from then ({@link #silentNanos}). */
    private final long createdNanos = System.nanoTime();
    private static final MuteState.Side[] MUTE_SIDES = MuteState.Side.values();

    /**
     * The source a WebRTC leg's packets show its ingress filter: the transport already authenticated the real one
     * (ICE check, then SRTP), so the filter's address and port-latch checks pass on this constant.
     */
    private static final InetSocketAddress ICE_AUTHENTICATED = new InetSocketAddress(parseIp("0.0.0.0"), 9);

    /** An RTP leg on {@code channel} for a negotiated offer whose address was allowed. */
    RtpLeg(RtpRoom room, MediaCounters counters, String participantId, DatagramChannel channel, int localPort,
           AudioNegotiation negotiation, String localAddress) {
        this.room = room;
        this.participantId = participantId;
        this.channel = channel;
        this.localPort = localPort;
        this.codec = negotiation.codec();
        this.sdpAnswer = negotiation.answer(localAddress, localPort);
        this.stats = new LegCounters(counters);
        this.playout = new Playout(codec, stats);
        this.mute = new MuteState(playout, this::awaitSendBoundary, stats);
        InetAddress remoteIp = parseIp(negotiation.remoteAddress());
        this.dtmfPayloadType = negotiation.dtmfPayloadType();
        this.dtmfIn = dtmfPayloadType >= 0 ? new DtmfReceiver(this::digit) : null;
        this.sender = negotiation.weSend()
                ? new LegSender(channel, new InetSocketAddress(remoteIp, negotiation.remotePort()), codec,
                        negotiation.payloadType(), dtmfPayloadType, room::dtmfTask, stats, room.opusEncoder())
                : null;
        LegSender s = sender;
        this.filter = new IngressFilter(remoteIp, negotiation.payloadType(), dtmfPayloadType, negotiation.weReceive(),
                mute, s == null ? () -> { } : s::latch);
        this.webRtc = null;
        this.gateway = null;
    }

    /**
     * A browser's leg on the gateway's shared port: the same pipeline, with SRTP unprotect before the
     * {@link IngressFilter} and SRTP protect after the {@link LegSender}. When the transport ends (ICE consent
     * expired, DTLS failed or closed) the leg leaves the room.
     */
    private RtpLeg(RtpRoom room, MediaCounters counters, String participantId, WebRtcOffer offer, WebRtcGateway gateway) {
        this.room = room;
        this.participantId = participantId;
        this.channel = null;
        this.localPort = gateway.localPort();
        this.codec = offer.codec();
        this.stats = new LegCounters(counters);
        this.playout = new Playout(codec, stats);
        this.mute = new MuteState(playout, this::awaitSendBoundary, stats);
        Direction ours = offer.direction().answer();
        this.dtmfPayloadType = offer.dtmfPayloadType();
        this.dtmfIn = dtmfPayloadType >= 0 ? new DtmfReceiver(this::digit) : null;
        LegSender s = ours.sends() ? new LegSender(null, null, codec, offer.payloadType(), dtmfPayloadType,
                room::dtmfTask, stats, room.opusEncoder()) : null;
        this.sender = s;
        this.filter = new IngressFilter(ICE_AUTHENTICATED.getAddress(), offer.payloadType(), dtmfPayloadType,
                ours.receives(), mute, s == null ? () -> { } : s::latch);
        this.gateway = gateway;
        WebRtcGateway.Session session = gateway.open(offer, s == null ? 0 : s.ssrc(), new SrtpIngress(), participantId,
                this::transportEnded);
        this.webRtc = session.transport();
        this.sdpAnswer = session.answer();
        if (s != null) {
            s.sendVia(webRtc);
        }
    }

    static RtpLeg webRtc(RtpRoom room, MediaCounters counters, String participantId, WebRtcOffer offer, WebRtcGateway gateway) {
        return new RtpLeg(room, counters, participantId, offer, gateway);
    }

    /** Decrypted packets from the WebRTC port's packet thread into the leg's pipeline. */
    private final class SrtpIngress implements MediaSink {
        private final RtpPacket packet = new RtpPacket();

        @Override
        public void onRtp(byte[] buf, int length, long nowNanos) {
            onDatagram(buf, length, ICE_AUTHENTICATED, packet, nowNanos);
        }

        @Override
        public void onRtcp(byte[] buf, int length, long nowNanos) {
            onDatagram(buf, length, ICE_AUTHENTICATED, packet, nowNanos);
        }
    }

    /** True for a browser's (WebRTC) leg. */
    public boolean isWebRtc() {
        return webRtc != null;
    }

    private static InetAddress parseIp(String dotted) {
        try {
            return InetAddress.getByName(dotted); // a dotted literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv4 literal: " + dotted, e);
        }
    }

    @Override
    public String participantId() {
        return participantId;
    }

    @Override
    public String sdpAnswer() {
        return sdpAnswer;
    }

    /** The leg's UDP port. */
    public int localPort() {
        return localPort;
    }

    /** The negotiated codec. */
    public AudioCodec codec() {
        return codec;
    }

    DatagramChannel channel() {
        return channel;
    }

    // ---------------------------------------------------------------- control plane

    @Override
    public void setServerMuted(boolean muted) {
        mute.set(MuteState.Side.SERVER, muted);
    }

    @Override
    public void setClientMuted(boolean muted) {
        mute.set(MuteState.Side.CLIENT, muted);
    }

    public boolean serverMuted() {
        return mute.get(MuteState.Side.SERVER);
    }

    public boolean clientMuted() {
        return mute.get(MuteState.Side.CLIENT);
    }

    @Override
    public boolean receivesDtmf() {
        return sender != null && sender.dtmf() != null && !closed;
    }

    @Override
    public void sendDtmf(String owner, java.util.List<DtmfTone> tones, int gapMillis,
                         java.util.function.Consumer<DtmfSender.Outcome> whenDone) {
        DtmfSender out = sender == null ? null : sender.dtmf();
        if (out == null || closed) {
            room.dtmfTask(() -> whenDone.accept(DtmfSender.Outcome.CLOSED));
            return;
        }
        out.enqueue(owner, tones, gapMillis, whenDone);
        if (closed) {
            out.cancel(); // released while we queued: nobody will send it
        }
    }

    @Override
    public void stopDtmf(String owner) {
        DtmfSender out = sender == null ? null : sender.dtmf();
        if (out != null) {
            out.stop(owner);
        }
    }

    /** Key presses this leg has received. Any thread. */
    public long dtmfDigitsReceived() {
        return stats.dtmfDigitsIn();
    }

    @Override
    public void close() {
        closeRequested = true;
        room.removeLeg(this);
    }

    /** True once {@link #close()} was called. */
    boolean closeRequested() {
        return closeRequested;
    }

    /** The room the leg is in now. */
    RtpRoom room() {
        return room;
    }

    /**
     * The leg now belongs to {@code next} (request thread, the leg out of every room's array): set before the new room
     * can see it, so a mute that finds the new room also waits for its send fence ({@link #awaitSendBoundary}).
     */
    void movedTo(RtpRoom next) {
        room = next;
    }

    /**
     * The mute's fence in whatever room the leg is in: if the leg moved while this waited, it waits for the new room's
     * send in flight too, so a frame the new room took before the mute is out before the mute returns.
     */
    private void awaitSendBoundary() {
        RtpRoom r = room;
        while (true) {
            r.awaitSendBoundary();
            RtpRoom now = room;
            if (now == r) {
                return;
            }
            r = now;
        }
    }

    @Override
    public void onEnded(LegEndListener listener) {
        this.endListener = listener;
    }

    /** The WebRTC transport died (sweeper thread): the leg leaves the mix, then its owner is told. */
    private void transportEnded(WebRtcTransport transport) {
        // the reason before close(), which makes it "closed"
        endedBy(!closed, transport.finishReason(System.nanoTime()));
    }

    /**
     * How long the peer of a plain RTP leg has sent no valid RTP or RTCP from its address, at {@code now}
     * ({@link System#nanoTime()}), counted from the leg's creation if it never did; 0 for a WebRTC leg (its ICE consent
     * ends it) and for a leg being closed. Any thread; reads two volatile fields.
     */
    long silentNanos(long now) {
        if (webRtc != null || closeRequested || closed) {
            return 0;
        }
        long heard = filter.heardNanos();
        return now - (heard == 0 ? createdNanos : heard);
    }

    /** The peer went silent past the media timeout ({@link SilentLegs}' thread): the leg leaves, its owner is told. */
    void silenced() {
        endedBy(!closed && !closeRequested, SilentLegs.REASON);
    }

    private void endedBy(boolean wasOpen, String reason) {
        close();
        LegEndListener listener = endListener;
        if (wasOpen && listener != null) {
            listener.legEnded(participantId, reason);
        }
    }

    /** Called by the room once the leg is out of its mixing set. */
    void release(PortAllocator ports, PacketReceiver receiver) {
        if (closed) {
            return;
        }
        closed = true;
        if (sender != null && sender.dtmf() != null) {
            sender.dtmf().cancel();
        }
        playout.releaseCodec(); // libopus' native states go now, not when the leg is collected
        if (sender != null) {
            sender.releaseCodec();
        }
        if (webRtc != null) {
            gateway.close(webRtc);
            return;
        }
        receiver.close(channel); // on the packet thread: its selector deregisters the key, which frees the socket
        ports.release(localPort);
    }

    boolean isClosed() {
        return closed;
    }

    // ---------------------------------------------------------------- packet thread

    /** One datagram through the filter into the playout. Never throws, never blocks on I/O, allocates nothing. */
    void onDatagram(byte[] buf, int length, InetSocketAddress source, RtpPacket packet, long now) {
        stats.packetIn();
        DropReason verdict = filter.admit(buf, length, source, packet, now);
        if (verdict == null) {
            if (packet.kind() == RtpPacket.Kind.RTCP) {
                stats.rtcpIn();
                return;
            }
            if (packet.payloadType() == dtmfPayloadType) {
                stats.dtmfPacketIn();
                if (dtmfIn.onPacket(packet, buf) == DtmfReceiver.Verdict.MALFORMED) {
                    stats.drop(DropReason.MALFORMED, 1);
                }
                return; // signalling, never audio: it does not reach the playout
            }
            verdict = playout.insert(packet, buf, mute);
            if (verdict == null) {
                room.audioArrived(now);
            }
        } else if ((verdict == DropReason.SERVER_MUTED || verdict == DropReason.CLIENT_MUTED)
                && packet.payloadType() != dtmfPayloadType) {
            playout.refuseMuted(packet); // nothing sent up to it may play after the unmute, however late it comes
        }
        if (verdict != null) {
            stats.drop(verdict, 1);
        }
    }

    // ---------------------------------------------------------------- mixer thread

    /** Takes and decodes this tick's frame (at 8 kHz when {@code narrow}: a G.711 leg); true if audible. */
    boolean pullFrame(boolean narrow) {
        return playout.pull(mute, narrow);
    }

    short[] pcm() {
        return playout.pcm();
    }

    boolean contributing() {
        return playout.contributing();
    }

    /** True if either mute flag is set now (volatile reads). */
    boolean mutedNow() {
        return mute.muted();
    }

    /** Takes this leg's frame out of the current tick (it was muted after its frame was pulled). */
    void withdraw() {
        playout.withdraw();
    }

    /** How loud the leg has been lately, and whether it holds a seat in the mix. Mixer thread. */
    VoiceLevel voice() {
        return playout.voice();
    }

    /** This tick's frame is left out: louder voices hold the room's seats ({@link LoudestVoices}). Mixer thread. */
    void outvoice() {
        playout.withdraw();
        stats.frameOutvoiced();
    }

    /** True if the peer takes a stream from us (its offer receives) and the leg is open. */
    boolean receivesMix() {
        return sender != null && !closed;
    }

    /** True once the peer's address has sent valid RTP or RTCP; before that nothing is sent to it. */
    boolean latched() {
        return sender != null && sender.latched();
    }

    /** Counts a packet not sent this tick because the leg has not latched. */
    void withheld() {
        stats.packetWithheld();
        if (sender != null && sender.dtmf() != null) {
            sender.dtmf().skipFrame(); // queued tones still finish (unheard), so their operation cannot hang
        }
    }

    /**
     * A key press recognised on the packet thread: counted, then handed to the DTMF thread, unless the peer presses
     * keys faster than any keypad (its {@link RateBudget#keyPresses()}).
     */
    private void digit(DtmfTone tone) {
        if (!keyPresses.take(System.nanoTime())) {
            stats.drop(DropReason.KEY_PRESS_RATE, 1);
            return;
        }
        stats.dtmfDigitIn();
        room.digitReceived(participantId, tone);
    }

    /** Sends this leg a mix of its own (hold music, a routed mix) of {@code mixer}'s tick, at the tick's rate. */
    void sendOwn(short[] mix, AudioMixer mixer) {
        sender.sendOwn(mix, mixer);
    }

    /** Sends this leg its own mix-minus of the mixer's tick, at the tick's rate. */
    void sendOwn(AudioMixer mixer, short[] scratch) {
        mixer.mixMinus(pcm(), scratch);
        sender.sendOwn(scratch, mixer);
    }

    /** Sends this leg the room's shared encoding of the full mix. */
    void sendShared(AudioMixer mixer) {
        sender.sendShared(mixer);
    }

    /** Advances the outgoing RTP timestamp over frames the mixer skipped. */
    void skipFrames(long frames) {
        if (sender != null) {
            sender.skipFrames(frames);
        }
    }

    /**
     * After a tick's sends: counts this leg's frame as mixed, and as a leak if a mute had already returned when the
     * tick's last send (which carried the frame) started; {@code lastSendNanos} 0: nothing was sent, nothing leaked.
     */
    void accountMixed(long lastSendNanos) {
        stats.frameMixed();
        for (int i = 0; lastSendNanos != 0 && i < MUTE_SIDES.length; i++) {
            long since = mute.since(MUTE_SIDES[i]);
            if (since != 0 && since - lastSendNanos < 0) {
                stats.mixedAfterMute(MUTE_SIDES[i] == MuteState.Side.SERVER);
            }
        }
    }

    /** A snapshot of this leg's counters. Any thread. */
    public LegStats stats() {
        return stats.snapshot(participantId, localPort, codec, playout.concealed(), serverMuted(), clientMuted());
    }

    /**
     * A watcher's reading of this leg: counters, level and jitter depth (see {@link LegSample}). Any thread; costs one
     * pass over the last frame and a brief buffer-lock hold, nothing on the packet path.
     */
    public LegSample sample() {
        return new LegSample(stats(), isWebRtc(), playout.lastPeak(), playout.buffered());
    }
}
