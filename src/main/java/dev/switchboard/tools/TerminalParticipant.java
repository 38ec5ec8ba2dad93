package dev.switchboard.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.media.codec.AudioCodec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real participant from the terminal: joins a call through the client API, streams a tone or a WAV file as
 * RTP, records what it hears, prints the live roster (who is muted, and whether by the server) and a level
 * meter, and leaves cleanly when told to stop or when its time is up. Instead of joining a call it can dial a bot
 * ({@code dialAppId}) or wait on its ring stream for a call that rings it and answer that ({@code answer}); see
 * docs/inbound-calls.md.
 */
public final class TerminalParticipant {

    /**
     * @param source  what to send (null: listen only)
     * @param record  where to write what was heard as WAV, or null
     * @param duration how long to stay, or null until stopped
     * @param dtmf     DTMF keys to send (e.g. {@code 1234#}), or null
     * @param dtmfAt   when to send them, counted from joining
     * @param keypad   true to send the DTMF keys of every line typed on standard input
     */
    public record Options(String callId, ClientApi api, AudioCodec codec, AudioSource source, Path record, Duration duration,
                          String dialAppId, boolean answer, String dtmf, Duration dtmfAt, boolean keypad) {
        /** Joins the call {@code callId}. */
        public Options(String callId, ClientApi api, AudioCodec codec, AudioSource source, Path record, Duration duration) {
            this(callId, api, codec, source, record, duration, null, false, null, Duration.ZERO, false);
        }
    }

    private final Options options;
    private final PrintStream out;
    /** The call ended under this participant (not a move): there is nothing to leave. */
    private final java.util.concurrent.atomic.AtomicBoolean callEnded = new java.util.concurrent.atomic.AtomicBoolean();
    /** The roster stream ended without the call's {@code ended}: the server went away. */
    private final java.util.concurrent.atomic.AtomicBoolean lost = new java.util.concurrent.atomic.AtomicBoolean();

    public TerminalParticipant(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /**
     * Runs until {@code stop} is counted down, the duration passes or the call ends; then leaves and saves the
     * recording.
     *
     * @throws ToolException UNAVAILABLE when the roster stream was cut without the call's end (the server went away)
     */
    public void run(CountDownLatch stop, java.net.http.HttpClient http) throws IOException, InterruptedException {
        boolean sendsDtmf = options.dtmf() != null || options.keypad();
        try (Softphone phone = new Softphone("127.0.0.1", options.codec(), options.source(), sendsDtmf)) {
            ClientApi.Joined joined;
            if (options.dialAppId() != null) {
                joined = options.api().dial(options.dialAppId(), phone.sdpOffer());
                out.printf("dialed bot %s: call %s, ringing (you hear silence until it answers)%n", options.dialAppId(),
                        joined.callId());
            } else {
                String callId = options.answer() ? awaitRing(stop, http) : options.callId();
                if (callId == null) {
                    return;
                }
                joined = options.api().join(callId, phone.sdpOffer());
            }
            String callId = joined.callId();
            phone.start(joined.sdpAnswer());
            out.printf("joined call %s as participant %s (%s, local RTP port %d)%n", callId, joined.participantId(),
                    options.codec().sdpName(), phone.localPort());
            phone.onDtmf(tone -> out.println("DTMF received: " + tone.symbol()));
            Keypad keypad = new Keypad(phone, out);
            if (options.dtmf() != null) {
                keypad.sendLater(options.dtmf(), options.dtmfAt());
            }
            if (options.keypad()) {
                keypad.readLines(System.in);
            }
            ClientApi.Joined here = joined;
            long deadline = options.duration() == null ? Long.MAX_VALUE : System.nanoTime() + options.duration().toNanos();
            try {
                String next;
                while ((next = follow(here, stop, http, phone, deadline)) != null) {
                    here = here.movedTo(next); // same participant, same RTP: only the call's id changed
                    out.printf("moved to call %s (participant %s, the same media)%n", next, here.participantId());
                }
            } finally {
                if (!callEnded.get()) { // an ended call has no participant left to remove (it would answer 404)
                    try {
                        options.api().leave(here);
                        out.println("left the call");
                    } catch (ToolException e) {
                        out.println("leaving: " + e.getMessage());
                    }
                }
            }
            if (options.record() != null) {
                phone.recording().writeWav(options.record());
                out.printf(Locale.ROOT, "recorded %.1f s of what was heard to %s%n",
                        phone.recording().length() / (double) phone.recording().sampleRate(), options.record());
            }
            if (lost.get()) {
                throw new ToolException(ToolException.UNAVAILABLE, "the call's roster stream was cut: the server went away");
            }
        }
    }

    /**
     * Watches the call's roster and prints the level every second until the call ends, {@code deadline} passes or
     * {@code stop} opens; the call the participant moved to when another call replaced this one, else null.
     */
    private String follow(ClientApi.Joined joined, CountDownLatch stop, java.net.http.HttpClient http, Softphone phone,
                          long deadline) throws InterruptedException {
        java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<String> movedTo = new java.util.concurrent.atomic.AtomicReference<>();
        try (RosterWatcher roster = RosterWatcher.connect(http, options.api(), joined.callId(), message -> {
            if ("ended".equals(message.path("type").asText())) {
                if (message.hasNonNull("movedTo")) {
                    movedTo.set(message.path("movedTo").asText());
                } else {
                    out.println(describe(message, joined.participantId()));
                    JsonNode why = message.path("endReason");
                    if (why.isObject()) {
                        out.printf("call ended: %d/%d %s%n", why.path("code").asInt(), why.path("subcode").asInt(),
                                why.path("message").asText());
                    }
                    callEnded.set(true);
                }
                ended.set(true);
            } else if (movedOut(message, joined.participantId()) != null) {
                movedTo.set(movedOut(message, joined.participantId())); // transferred out of a call that goes on
                ended.set(true);
            } else if ("roster".equals(message.path("type").asText())) {
                out.println(describe(message, joined.participantId()));
            } // else: the user's ring-stream messages, relayed to the roster stream; "moved" is handled above
        })) {
            while (System.nanoTime() < deadline && !ended.get() && roster.endedBy() == null
                    && !stop.await(Math.min(1000, remainingMillis(deadline)), TimeUnit.MILLISECONDS)) {
                out.printf(Locale.ROOT, "level %6.1f dBFS  %s  (sent %d, received %d packets)%n",
                        phone.recording().recentRmsDbfs(1000), meter(phone.recording().recentRmsDbfs(1000)),
                        phone.packetsSent(), phone.packetsReceived());
            }
            if (!ended.get() && roster.endedBy() != null) { // a crashed server sends no "ended": the call is gone
                out.println("the roster stream was " + roster.endedBy() + ": the call is over (a server that crashed "
                        + "or stopped has ended it)");
                lost.set(true);
            }
        }
        return movedTo.get();
    }

    /**
     * The call {@code participantId} was moved to out of a call that goes on (its entry in {@code changed}, or the ring
     * stream's {@code moved} relayed to the roster stream), or null.
     */
    private static String movedOut(JsonNode message, String participantId) {
        if ("moved".equals(message.path("type").asText())) {
            return participantId.equals(message.path("participantId").asText()) ? message.path("callId").asText(null) : null;
        }
        for (JsonNode entry : message.path("changed")) {
            if (participantId.equals(entry.path("id").asText()) && entry.hasNonNull("movedTo")) {
                return entry.path("movedTo").asText();
            }
        }
        return null;
    }

    /** Waits on the ring stream for a call that rings this user; its call id, or null when stopped first. */
    private String awaitRing(CountDownLatch stop, java.net.http.HttpClient http) throws InterruptedException {
        java.util.concurrent.BlockingQueue<String> rung = new java.util.concurrent.LinkedBlockingQueue<>();
        try (RosterWatcher rings = RosterWatcher.ringStream(http, options.api(), m -> {
            if ("ringing".equals(m.path("type").asText())) {
                rung.add(m.path("callId").asText());
            }
        })) {
            out.println("waiting for a call (ring stream open)");
            long deadline = options.duration() == null ? Long.MAX_VALUE : System.nanoTime() + options.duration().toNanos();
            while (System.nanoTime() < deadline && stop.getCount() > 0) {
                String callId = rung.poll(200, TimeUnit.MILLISECONDS);
                if (callId != null) {
                    out.printf("ringing: call %s, answering%n", callId);
                    return callId;
                }
                if (rings.endedBy() != null) { // nothing would ever ring here again
                    throw new ToolException(ToolException.UNAVAILABLE, "the ring stream was " + rings.endedBy()
                            + ": the server went away");
                }
            }
            return null;
        }
    }

    private static long remainingMillis(long deadline) {
        return deadline == Long.MAX_VALUE ? 1000 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    static String meter(double dbfs) {
        int bars = (int) Math.max(0, Math.min(30, (dbfs + 60) / 2));
        return "[" + "#".repeat(bars) + " ".repeat(30 - bars) + "]";
    }

    /** One line per roster message: sequence number and each participant with its mute state. */
    static String describe(JsonNode message, String self) {
        List<String> entries = new ArrayList<>();
        for (JsonNode p : message.path("participants")) {
            JsonNode identity = p.at("/info/identity");
            String name = identity.path("user").isObject() ? identity.at("/user/displayName").asText(identity.at("/user/id").asText())
                    : identity.path("application").isObject() ? identity.at("/application/displayName").asText("bot") : "participant";
            if (p.path("id").asText().equals(self)) {
                name += " (you)";
            }
            boolean serverMuted = p.at("/mediaStreams/0/serverMuted").asBoolean();
            String state = !p.path("isMuted").asBoolean() ? "unmuted" : serverMuted ? "muted by the server" : "muted (self)";
            entries.add(name + ": " + state);
        }
        String kind = "ended".equals(message.path("type").asText()) ? "call ended" : "roster";
        return kind + " #" + message.path("rosterSequenceNumber").asLong() + "  " + String.join(", ", entries);
    }
}
