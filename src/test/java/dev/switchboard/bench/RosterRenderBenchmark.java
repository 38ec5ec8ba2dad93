package dev.switchboard.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.CallEvent;
import dev.switchboard.core.ParticipantIdentity;
import dev.switchboard.core.ParticipantView;
import dev.switchboard.core.RosterUpdate;
import dev.switchboard.graph.CallJson;
import dev.switchboard.graph.GraphWire;
import dev.switchboard.graph.NotificationRenderer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The roster notification a mute makes (issue 17): the whole roster of a room, one entry changed. {@code tree} is
 * how it was rendered before (every entry through Jackson's tree), {@code cached} is the whole render of
 * {@link NotificationRenderer} (each entry rendered once while unchanged; since session 6 it runs on a notifier
 * worker when the POST is frozen), {@code queued} is what is left on the mute's request thread, inside the
 * conference lock: the event and its lazily rendered item, nothing rendered. Run with {@code -prof gc} for the bytes
 * allocated per mute.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RosterRenderBenchmark {
    @Param({"3", "100", "400"})
    public int legs;

    private static final CallEvent.BotAddress BOT = new CallEvent.BotAddress("call-1", "tenant", "app",
            URI.create("http://127.0.0.1:9/cb"), false);
    private final NotificationRenderer renderer = new NotificationRenderer();
    private List<ParticipantView> roster;
    private long seq;

    @Setup
    public void setUp() {
        roster = new ArrayList<>();
        for (int i = 0; i < legs; i++) {
            roster.add(view(i, false, i));
        }
        seq = legs;
    }

    private static ParticipantView view(int i, boolean muted, long seq) {
        return new ParticipantView("p-" + i, ParticipantIdentity.user("u" + i, "User " + i, "tenant"), false, muted, false,
                String.valueOf(i + 1), seq, false);
    }

    /** The mute: participant 0 flips its server mute and gets the next sequence number. */
    private List<ParticipantView> muted() {
        seq++;
        roster.set(0, view(0, (seq & 1) == 0, seq));
        return roster;
    }

    @Benchmark
    public byte[] tree() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("@odata.type", "#microsoft.graph.commsNotification");
        n.put("changeType", "updated");
        n.put("resourceUrl", "/communications/calls/call-1/participants");
        n.set("resourceData", CallJson.participants(muted()));
        return GraphWire.bytes(n);
    }

    @Benchmark
    public byte[] cached() {
        return renderer.render(new CallEvent.RosterChanged(new RosterUpdate(List.of("call-1"), "chain", seq, muted(),
                List.of(), false), List.of(BOT))).getFirst().commsNotification();
    }

    @Benchmark
    public Object queued() {
        return renderer.render(new CallEvent.RosterChanged(new RosterUpdate(List.of("call-1"), "chain", seq, muted(),
                List.of(), false), List.of(BOT))).getFirst().item();
    }
}
