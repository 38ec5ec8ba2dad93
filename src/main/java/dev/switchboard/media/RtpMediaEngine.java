package dev.switchboard.media;

import dev.switchboard.error.SwitchboardException;
import dev.switchboard.error.ErrorCode;
import dev.switchboard.media.webrtc.ConsentPolicy;
import dev.switchboard.media.webrtc.WebRtcGateway;
import dev.switchboard.media.webrtc.WebRtcMeters;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The RTP media plane: one UDP port per leg from {@code [portLow, portHigh]}, one room (mixer) per call.
 *
 * <p>Threads: one packet I/O thread ({@link PacketReceiver}, an NIO selector over all legs) and
 * {@code min(4, cores)} mixer threads ({@link MixerThread}, 20 ms clock), a new room to the one whose rounds take
 * least time (by count between threads about as busy). All are daemon platform threads started by the constructor and stopped by {@link #close()}.
 * Thread-safe.
 *
 * <p>Threads and locks: docs/concurrency.md.
 */
public final class RtpMediaEngine implements MediaEngine {
    private static final Logger log = LoggerFactory.getLogger(RtpMediaEngine.class);

    private final String bindHost;
    private final String advertisedHost;
    private final MediaAllowList allowList;
    private final PortAllocator ports;
    private final MediaCounters counters;
    private final PacketReceiver receiver;
    private final MixerThread[] mixers;
    private final DtmfDispatch dtmf = new DtmfDispatch("switchboard-media-dtmf");
    private final ConcurrentHashMap<String, RtpRoom> rooms = new ConcurrentHashMap<>();
    private final AtomicInteger legs = new AtomicInteger();
    private volatile boolean closed;
    private volatile WebRtcGateway webRtc;
    private volatile Runnable unbindWebRtcMeters = () -> { };
    /** Ends plain RTP legs whose peer went silent ({@link #useMediaTimeout}); null: none are ended. */
    private SilentLegs silentLegs;
    /** The mix depth of {@code serve} and of an engine nobody configured: the five loudest voices. */
    public static final int DEFAULT_MIX_DEPTH = 5;
    private volatile int mixDepth = DEFAULT_MIX_DEPTH;
    private volatile dev.switchboard.media.codec.OpusEncoderSettings opusEncoder = dev.switchboard.media.codec.OpusEncoderSettings.SWITCHBOARD;

    /**
     * @param bindHost the IPv4 address legs bind to and advertise in SDP answers (e.g. {@code 127.0.0.1});
     *                 it must be an address peers can reach, not a wildcard
     * @param portLow  lowest UDP port of the range (inclusive)
     * @param portHigh highest UDP port of the range (inclusive)
     * @param meters   where the media meters are registered (removed again by {@link #close()})
     */
    public RtpMediaEngine(String bindHost, int portLow, int portHigh, MeterRegistry meters) {
        this(bindHost, bindHost, portLow, portHigh, meters);
    }

    /**
     * @param bindHost       the IPv4 address legs bind to; may be the wildcard {@code 0.0.0.0}
     * @param advertisedHost the IPv4 address written into SDP answers ({@code c=}): the one peers reach the legs at
     *                       (e.g. the host's address behind a container's port mapping); never a wildcard
     * @throws IllegalArgumentException for a bad port range, an unknown host or a wildcard advertised address
     */
    public RtpMediaEngine(String bindHost, String advertisedHost, int portLow, int portHigh, MeterRegistry meters) {
        this(bindHost, advertisedHost, portLow, portHigh, MediaAllowList.loopback(), meters);
    }

    /**
     * @param allowList where offers may ask for media besides the requester's own address ({@code --media-allow})
     * @see #RtpMediaEngine(String, String, int, int, MeterRegistry)
     */
    public RtpMediaEngine(String bindHost, String advertisedHost, int portLow, int portHigh, MediaAllowList allowList,
                          MeterRegistry meters) {
        this(bindHost, advertisedHost, portLow, portHigh, allowList, meters, PacketReceiver.SAFETY_NET_MILLIS);
    }

    /**
     * @param receiverSelectMillis the packet thread's longest wait in select (0: until a packet or a doorbell
     *                             ring; tests use it so that a lost ring shows as a leg that never receives)
     */
    RtpMediaEngine(String bindHost, String advertisedHost, int portLow, int portHigh, MediaAllowList allowList,
                   MeterRegistry meters, long receiverSelectMillis) {
        this.allowList = java.util.Objects.requireNonNull(allowList, "allowList");
        if (portLow < 1 || portHigh > 65535 || portLow > portHigh) {
            throw new IllegalArgumentException("bad media port range " + portLow + "-" + portHigh);
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(bindHost);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown media bind host " + bindHost, e);
        }
        this.bindHost = address.getHostAddress();
        try {
            InetAddress advertised = InetAddress.getByName(advertisedHost);
            if (advertised.isAnyLocalAddress()) {
                throw new IllegalArgumentException("the media address written into SDP answers cannot be the wildcard "
                        + advertisedHost + "; give the address participants reach this server at (--media-address)");
            }
            this.advertisedHost = advertised.getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown media address " + advertisedHost, e);
        }
        this.ports = new PortAllocator(address, portLow, portHigh);
        this.counters = new MediaCounters(meters, rooms::size, legs::get, ports::inUse);
        this.receiver = new PacketReceiver("switchboard-media-rx", receiverSelectMillis);
        int mixerCount = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        this.mixers = new MixerThread[mixerCount];
        for (int i = 0; i < mixerCount; i++) {
            mixers[i] = new MixerThread("switchboard-media-mixer-" + i, counters);
        }
        receiver.start();
        for (MixerThread m : mixers) {
            m.start();
        }
        log.info("media engine started bindHost={} advertisedHost={} ports={}-{} mixerThreads={} mediaAllow={}",
                this.bindHost, this.advertisedHost, portLow, portHigh, mixerCount, allowList);
    }

    /**
     * @throws SwitchboardException CONFLICT if the call already has a room, SERVICE_UNAVAILABLE after {@link #close()}
     */
    @Override
    public MediaRoom openRoom(String callId) {
        if (closed) {
            throw new SwitchboardException(ErrorCode.SERVICE_UNAVAILABLE, "The media plane is shutting down.");
        }
        MixerThread least = mixers[0];
        for (MixerThread m : mixers) {
            if (m.lighterThan(least)) {
                least = m;
            }
        }
        RtpRoom room = new RtpRoom(callId, this, least);
        if (rooms.putIfAbsent(callId, room) != null) {
            throw new SwitchboardException(ErrorCode.CONFLICT, "The call already has media.");
        }
        least.add(room);
        return room;
    }

    /** The open room of a call, or null. */
    public RtpRoom room(String callId) {
        return rooms.get(callId);
    }

    /** The counters of one leg, if the call and participant have an open leg. */
    public Optional<LegStats> legStats(String callId, String participantId) {
        RtpRoom room = rooms.get(callId);
        RtpLeg leg = room == null ? null : room.leg(participantId);
        return Optional.ofNullable(leg).map(RtpLeg::stats);
    }

    /** A watcher's reading of one leg (counters, level, jitter depth), if the call and participant have an open leg. */
    public Optional<LegSample> legSample(String callId, String participantId) {
        RtpRoom room = rooms.get(callId);
        RtpLeg leg = room == null ? null : room.leg(participantId);
        return Optional.ofNullable(leg).map(RtpLeg::sample);
    }

    /** A snapshot of the engine's counters. Any thread. */
    public MediaStats stats() {
        return new MediaStats(rooms.size(), legs.get(), ports.inUse(), counters.packetsIn.sum(),
                counters.packetsOut.sum(), counters.packetsWithheld.sum(), counters.rtcpIn.sum(), counters.droppedSnapshot(), counters.ticks.sum(),
                counters.lateTicks.sum(), counters.mixedAfterMute.sum());
    }

    /** The address legs bind to and advertise. */
    public String bindHost() {
        return bindHost;
    }

    /** The address SDP answers advertise. */
    public String advertisedHost() {
        return advertisedHost;
    }

    /**
     * How the Opus encoders of rooms opened from now on encode ({@code --opus-*}; default
     * {@link dev.switchboard.media.codec.OpusEncoderSettings#SWITCHBOARD}). Call before the first room opens. Any thread.
     */
    public void useOpusEncoder(dev.switchboard.media.codec.OpusEncoderSettings settings) {
        this.opusEncoder = java.util.Objects.requireNonNull(settings, "settings");
    }

    /**
     * How many voices each room opened from now on mixes at most when more talk at once ({@code --mix-depth}; the
     * loudest are mixed, {@link LoudestVoices}); 0 mixes everyone. Default {@value #DEFAULT_MIX_DEPTH}. Any thread.
     */
    public void useMixDepth(int depth) {
        if (depth < 0) {
            throw new IllegalArgumentException("the mix depth must be 0 (everyone) or more, was " + depth);
        }
        this.mixDepth = depth;
    }

    /**
     * Ends every plain RTP leg whose peer sends no valid RTP or RTCP for {@code timeout} ({@code --media-timeout},
     * docs/media.md): the leg leaves its room and its {@link LegEndListener} hears {@value SilentLegs#REASON}.
     * Null: legs end only when closed (the engine's default, as WebRTC legs' consent still ends them).
     */
    public synchronized void useMediaTimeout(java.time.Duration timeout) {
        if (silentLegs != null) {
            silentLegs.close();
            silentLegs = null;
        }
        if (timeout != null && !closed) {
            silentLegs = new SilentLegs(timeout, rooms::values);
        }
    }

    /** The mix depth new rooms take (0: everyone). Any thread. */
    public int mixDepth() {
        return mixDepth;
    }

    /** The Opus encoder settings new rooms take. Any thread. */
    public dev.switchboard.media.codec.OpusEncoderSettings opusEncoder() {
        return opusEncoder;
    }

    /**
     * Opens the single WebRTC port ({@code --webrtc-port}) and its gateway; from then on rooms accept browser offers
     * ({@code UDP/TLS/RTP/SAVPF}) as WebRTC legs. Its drop counters join {@code switchboard.media.dropped.packets}.
     *
     * @param bind where the port binds (port 0: any free port)
     * @throws IOException if the port cannot be bound
     */
    public synchronized WebRtcGateway enableWebRtc(InetSocketAddress bind, ConsentPolicy consent, MeterRegistry meters) throws IOException {
        if (webRtc == null) {
            webRtc = WebRtcGateway.start(bind, advertisedHost, consent);
            java.util.List<io.micrometer.core.instrument.Meter> bound = WebRtcMeters.bind(meters, webRtc.counters());
            unbindWebRtcMeters = () -> bound.forEach(meters::remove);
        }
        return webRtc;
    }

    /** The WebRTC gateway, or null when WebRTC is not enabled. */
    public WebRtcGateway webRtc() {
        return webRtc;
    }

    /** Closes every room (releasing every port), stops the threads and removes the meters. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        useMediaTimeout(null);
        for (RtpRoom room : rooms.values()) {
            room.close();
        }
        for (MixerThread m : mixers) {
            m.stop();
        }
        receiver.stop();
        dtmf.close();
        counters.unbind();
        WebRtcGateway g = webRtc;
        unbindWebRtcMeters.run();
        if (g != null) {
            try {
                g.close();
            } catch (IOException e) {
                log.debug("webrtc port close failed", e);
            }
        }
        log.info("media engine stopped");
    }

    MediaAllowList allowList() {
        return allowList;
    }

    PortAllocator ports() {
        return ports;
    }

    MediaCounters counters() {
        return counters;
    }

    /** The DTMF thread: digit listeners and tone completions run there. */
    DtmfDispatch dtmf() {
        return dtmf;
    }

    PacketReceiver receiver() {
        return receiver;
    }

    void legAdded() {
        legs.incrementAndGet();
    }

    void legRemoved() {
        legs.decrementAndGet();
    }

    void roomClosed(RtpRoom room) {
        rooms.remove(room.callId(), room);
    }
}
