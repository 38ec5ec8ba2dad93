package dev.switchboard.testsupport;

import dev.switchboard.error.SwitchboardException;
import dev.switchboard.media.MediaEngine;
import dev.switchboard.media.MediaLeg;
import dev.switchboard.media.MediaRoom;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A media engine for tests of the call engine and the API: it records, in order, every call the engine makes
 * ({@code openRoom}, {@code addLeg}, {@code setServerMuted}, ...) and can hold a server-mute call at a gate so a
 * test can prove the HTTP answer waits for the leg. An offer containing {@code "bad"} is refused like a real
 * engine refuses one without a common codec.
 */
public final class RecordingMediaEngine implements MediaEngine {
    private final java.util.Map<String, dev.switchboard.media.AudioRoutes> routes = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<String> events = new ArrayList<>();
    private final Map<String, FakeLeg> legs = new ConcurrentHashMap<>();
    private final AtomicInteger openRooms = new AtomicInteger();
    private volatile CountDownLatch muteGate;
    private volatile CountDownLatch muteEntered;

    public synchronized void record(String event) {
        events.add(event);
    }

    public synchronized List<String> events() {
        return List.copyOf(events);
    }

    /** The audio routes a room was last given (keyed by the room's call id); null if none were. */
    public dev.switchboard.media.AudioRoutes routes(String callId) {
        return routes.get(callId);
    }

    public FakeLeg leg(String participantId) {
        return legs.get(participantId);
    }

    public int openRooms() {
        return openRooms.get();
    }

    /** From now on, {@code setServerMuted} blocks until {@link #openMuteGate()}; returns a latch counted down on entry. */
    public CountDownLatch closeMuteGate() {
        muteEntered = new CountDownLatch(1);
        muteGate = new CountDownLatch(1);
        return muteEntered;
    }

    public void openMuteGate() {
        CountDownLatch gate = muteGate;
        muteGate = null;
        if (gate != null) {
            gate.countDown();
        }
    }

    @Override
    public MediaRoom openRoom(String callId) {
        record("openRoom " + callId);
        openRooms.incrementAndGet();
        return new FakeRoom(callId);
    }

    @Override
    public void close() {
        record("closeEngine");
    }

    private final class FakeRoom implements MediaRoom {
        private final String callId;
        private boolean closed;

        FakeRoom(String callId) {
            this.callId = callId;
        }

        @Override
        public String callId() {
            return callId;
        }

        @Override
        public MediaLeg addLeg(String participantId, String sdpOffer, java.net.InetAddress offeredFrom) {
            if (sdpOffer.contains("bad")) {
                throw SwitchboardException.badRequest("The SDP offer has no codec in common with the server (PCMU, PCMA, opus).");
            }
            record("addLeg " + participantId);
            FakeLeg leg = new FakeLeg(participantId, "v=0\r\ns=answer-to-" + participantId + "\r\n");
            legs.put(participantId, leg);
            return leg;
        }

        @Override
        public MediaLeg addServerLeg(String participantId) {
            record("addServerLeg " + participantId);
            FakeLeg leg = new FakeLeg(participantId, null);
            legs.put(participantId, leg);
            return leg;
        }

        @Override
        public void route(dev.switchboard.media.AudioRoutes routes) {
            RecordingMediaEngine.this.routes.put(callId, routes);
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                openRooms.decrementAndGet();
                record("closeRoom " + callId);
            }
        }
    }

    /** A leg that remembers its flags. */
    public final class FakeLeg implements MediaLeg {
        private final String participantId;
        private final String answer;
        private volatile boolean serverMuted;
        private volatile boolean clientMuted;
        private volatile boolean closed;
        private volatile dev.switchboard.media.LegEndListener endListener;

        FakeLeg(String participantId, String answer) {
            this.participantId = participantId;
            this.answer = answer;
        }

        @Override
        public String participantId() {
            return participantId;
        }

        @Override
        public String sdpAnswer() {
            return answer;
        }

        @Override
        public void setServerMuted(boolean muted) {
            CountDownLatch entered = muteEntered;
            CountDownLatch gate = muteGate;
            if (gate != null) {
                entered.countDown();
                try {
                    if (!gate.await(10, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("mute gate never opened");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            serverMuted = muted;
            record("setServerMuted " + participantId + " " + muted);
        }

        @Override
        public void setClientMuted(boolean muted) {
            clientMuted = muted;
            record("setClientMuted " + participantId + " " + muted);
        }

        public boolean serverMuted() {
            return serverMuted;
        }

        public boolean clientMuted() {
            return clientMuted;
        }

        public boolean closed() {
            return closed;
        }

        @Override
        public void onEnded(dev.switchboard.media.LegEndListener listener) {
            endListener = listener;
        }

        /** As a WebRTC leg whose transport died: leaves (closes), then tells its owner, once. */
        public void endByTransport(String reason) {
            boolean wasOpen = !closed;
            close();
            dev.switchboard.media.LegEndListener l = endListener;
            if (wasOpen && l != null) {
                l.legEnded(participantId, reason);
            }
        }

        /** Tells the owner the transport ended even though the leg was already closed (a late sweeper). */
        public void lateTransportEnd(String reason) {
            dev.switchboard.media.LegEndListener l = endListener;
            if (l != null) {
                l.legEnded(participantId, reason);
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                record("closeLeg " + participantId);
            }
        }
    }
}
