package dev.switchboard.media;

import dev.switchboard.media.mix.AudioMixer;
import dev.switchboard.media.mix.MixBuffers;

import java.net.InetAddress;
import java.util.concurrent.locks.LockSupport;

/**
 * The media of one call: its legs and its mixer, ticked every 20 ms by one {@link MixerThread}.
 * Thread-safe: legs are added and removed on request threads ({@link RoomLegs}: a copy-on-write array the tick reads
 * without a lock), {@link #tick()} runs on the mixer thread (see docs/concurrency.md). An RTP leg is only added for an
 * offer whose address the engine's {@link MediaAllowList} allows, and is sent nothing until its peer's address has
 * sent it valid RTP or RTCP. Key presses its legs recognise go to its {@link DigitListener}s on the engine's DTMF thread.
 *
 * <p>The tick and the two fences other threads wait on (the tick boundary for leg removal, the send boundary for
 * mutes) stay together here: they only make sense read together. Who is in the room is {@link RoomLegs}.
 */
public final class RtpRoom implements MediaRoom {
    private final String callId;
    private final RtpMediaEngine engine;
    private final MixerThread mixerThread;
    private final AudioMixer mixer;
    /** Service-hosted media: prompts, recordings, hold music (mixer hooks marked "ivr" in {@link #tick()}). */
    private final dev.switchboard.media.ivr.IvrChannel ivr = new dev.switchboard.media.ivr.IvrChannel();
    /** A talker's mix-minus before its encode: the mixer thread's array, shared with its other rooms. */
    private final short[] scratch;
    /** The mixer thread's working arrays, lent to this room for each of its ticks. */
    private final MixBuffers buffers;
    /** Who is in the room; the tick reads its leg array once per tick. */
    private final RoomLegs legs;
    /** The legs contributing to the current tick (mixer thread only). */
    private RtpLeg[] talkers = new RtpLeg[0];
    /** Which talkers a tick mixes when more talk at once than the mix depth (mixer thread only). */
    private final LoudestVoices voices;
    /** Who hears whom beyond the default group (audio routing groups); {@link AudioRoutes#DEFAULT} nearly always. */
    private volatile AudioRoutes routes = AudioRoutes.DEFAULT;
    /** {@link #routes} compiled against the legs, and the routed listeners' mixes (mixer thread only). */
    private final RoutedMix routed;
    /** This tick's talkers outside the default group: heard only through routes (mixer thread only). */
    private RtpLeg[] privates = new RtpLeg[0];
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
        this.buffers = mixerThread.buffers();
        this.mixer = new AudioMixer(engine.opusEncoder(), buffers);
        this.scratch = buffers.frame();
        this.routed = new RoutedMix(buffers);
        this.voices = new LoudestVoices(engine.mixDepth());
        this.legs = new RoomLegs(this, engine);
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
        return legs.addLeg(participantId, sdpOffer, offeredFrom);
    }

    @Override
    public void route(AudioRoutes routes) {
        this.routes = java.util.Objects.requireNonNull(routes, "routes"); // the next tick compiles them
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
        legs.addServer(leg);
        return leg;
    }

    @Override
    public boolean detach(MediaLeg leg) {
        return leg instanceof RtpLeg l && l.room() == this && legs.detach(l);
    }

    @Override
    public void adopt(MediaLeg leg) {
        if (!(leg instanceof RtpLeg l) || l.room().engine != engine) {
            throw new IllegalArgumentException("Only a leg of this media plane can move into this room.");
        }
        legs.adopt(l);
    }

    void removeServerLeg(ServerLeg leg) {
        legs.removeServer(leg);
    }

    void removeLeg(RtpLeg leg) {
        legs.remove(leg);
    }

    @Override
    public dev.switchboard.media.ivr.IvrChannel ivr() {
        return ivr;
    }

    /** The leg of a participant, or null. */
    public RtpLeg leg(String participantId) {
        return legs.leg(participantId);
    }

    /** The legs in the room now (a snapshot of the copy-on-write array; do not change it). Any thread. */
    RtpLeg[] legsNow() {
        return legs.current();
    }

    public int legCount() {
        return legs.current().length;
    }

    @Override
    public void close() {
        RtpLeg[] toClose = legs.close();
        if (toClose == null) {
            return;
        }
        mixerThread.remove(this);
        awaitTickBoundary();
        ivr.close();
        legs.release(toClose);
        engine.roomClosed(this);
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
            for (RtpLeg l : legs.current()) {
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
        int p = 0;
        long lastSend = 0;
        long announced = mutes.get();
        boolean muteSinceLastTick = announced != mutesSeen;
        mutesSeen = announced; // frames pulled below are checked against the flags under the playout lock
        try {
            RtpLeg[] ls = legs.current();
            if (talkers.length < ls.length) {
                talkers = new RtpLeg[ls.length]; // only when the room grows
                privates = new RtpLeg[ls.length];
            }
            boolean routing = routed.prepare(routes, ls); // false: no audio routing group changes the plain mix
            ivr.begin(buffers.heard(), buffers.prompt());
            if (ls.length == 0 && ivr.idle()) {
                return; // no leg and no prompt, recording or hold: nothing to mix and nobody to send to
            }
            boolean narrow = ivr.idle() && allNarrowband(ls); // 8 kHz mix: no 48 kHz round trip (docs/media.md)
            mixer.begin(narrow);
            if (muteSinceLastTick) {
                mixer.restartEncoders(); // every encoder's history may hold the muted leg's last milliseconds
            }
            for (int i = 0; i < ls.length; i++) {
                RtpLeg l = ls[i];
                if (l.pullFrame(narrow)) {
                    if (ivr.held(l.participantId())) {
                        l.withdraw(); // ivr: a held participant is heard by nobody, and holds no seat in the mix
                        l.voice().reset();
                        continue;
                    }
                    if (routing && !routed.inDefault(i)) {
                        privates[p++] = l; // outside the default group: heard only where a route takes it
                        if (routed.botHears(i)) {
                            ivr.hear(l.pcm());
                        }
                        continue;
                    }
                    talkers[n++] = l;
                }
            }
            n = voices.seat(routing ? routed.defaultLegs() : ls, talkers, n); // more talkers than the mix depth: the loudest
            for (int i = 0; i < n; i++) {
                short[] pcm = talkers[i].pcm();
                mixer.add(pcm);
                ivr.hear(pcm);
            }
            short[] voice = ivr.voice(); // ivr: the bot's prompt, heard by every leg
            if (voice != null) {
                mixer.add(voice);
            }
            for (int i = 0; i < ls.length; i++) {
                RtpLeg l = ls[i];
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
                        p = withdrawMutedPrivates(p);
                        mixer.restartEncoders(); // no encoder history of a muted leg in this send or later ones
                    }
                    short[] hold = ivr.holdFrame(l.participantId());
                    if (hold != null) {
                        l.sendOwn(hold, mixer); // ivr: a held participant hears its music instead of the call
                    } else if (routing && routed.custom(i)) {
                        l.sendOwn(routed.mix(i, mixer, voice), mixer); // routed: a mix of its own
                    } else if (l.contributing()) {
                        l.sendOwn(mixer, scratch);
                    } else {
                        l.sendShared(mixer);
                    }
                } finally {
                    sendEpoch++; // even: closed
                }
            }
            for (int i = 0; i < n; i++) {
                talkers[i].accountMixed(lastSend); // every remaining talker was in every send, the last included
            }
            for (int i = 0; i < p; i++) {
                privates[i].accountMixed(lastSend); // in every routed send that hears it, the last included
            }
        } finally {
            java.util.Arrays.fill(talkers, 0, n, null);
            java.util.Arrays.fill(privates, 0, p, null);
            tickCompleted = seq;
        }
    }

    /** {@link #withdrawMuted(int)} for the talkers outside the default group: in no sum, so only their flags. */
    private int withdrawMutedPrivates(int p) {
        for (int i = 0; i < p; i++) {
            RtpLeg t = privates[i];
            if (t.mutedNow()) {
                t.withdraw();
                privates[i] = privates[--p];
                privates[p] = null;
                i--;
            }
        }
        return p;
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
