package dev.switchboard.media;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The engine-wide counters, as cheap {@link LongAdder}s on the packet path, exposed to Micrometer as
 * function counters (so a meter registry adds no cost per packet). Thread-safe.
 *
 * <p>Meters: {@code switchboard.media.dropped.packets{reason}}, {@code switchboard.media.packets.in},
 * {@code switchboard.media.packets.out}, {@code switchboard.media.packets.withheld}, {@code switchboard.media.rtcp.packets},
 * {@code switchboard.media.mixer.ticks}, {@code switchboard.media.mixer.late.ticks},
 * {@code switchboard.media.mixer.late.ticks.after.collection},
 * {@code switchboard.media.mixed.after.mute}, {@code switchboard.media.frames.outvoiced}, {@code switchboard.media.dtmf.packets.in},
 * {@code switchboard.media.dtmf.digits.in}, {@code switchboard.media.dtmf.packets.out}, gauges {@code switchboard.media.legs},
 * {@code switchboard.media.rooms}, {@code switchboard.media.ports}, and the timer
 * {@code switchboard.media.mixer.tick} (one sample per mixer-thread tick over all its rooms).
 */
final class MediaCounters {
    final LongAdder packetsIn = new LongAdder();
    final LongAdder packetsOut = new LongAdder();
    final LongAdder packetsWithheld = new LongAdder();
    final LongAdder rtcpIn = new LongAdder();
    final LongAdder ticks = new LongAdder();
    final LongAdder lateTicks = new LongAdder();
    /** Late ticks with a garbage collection since their mixer thread's previous tick ({@link LateTicks}). */
    final LongAdder lateTicksAfterCollection = new LongAdder();
    final LongAdder mixedAfterMute = new LongAdder();
    /** Audible frames left out of their room's mix because louder voices held every seat ({@code --mix-depth}). */
    final LongAdder framesOutvoiced = new LongAdder();
    final LongAdder dtmfPacketsIn = new LongAdder();
    final LongAdder dtmfDigitsIn = new LongAdder();
    final LongAdder dtmfPacketsOut = new LongAdder();
    private final LongAdder[] dropped = new LongAdder[DropReason.values().length];
    private final List<Meter> meters = new ArrayList<>();
    private final MeterRegistry registry;
    final Timer tickTimer;

    MediaCounters(MeterRegistry registry, Supplier<Number> rooms, Supplier<Number> legs, Supplier<Number> ports) {
        this.registry = registry;
        for (DropReason r : DropReason.values()) {
            LongAdder a = new LongAdder();
            dropped[r.ordinal()] = a;
            meters.add(FunctionCounter.builder("switchboard.media.dropped.packets", a, LongAdder::doubleValue)
                    .tag("reason", r.tag()).description("RTP packets/frames not mixed, by reason").register(registry));
        }
        counter("switchboard.media.packets.in", packetsIn, "datagrams received on media ports");
        counter("switchboard.media.packets.out", packetsOut, "RTP packets sent");
        counter("switchboard.media.packets.withheld", packetsWithheld,
                "RTP packets not sent because the leg's peer has not yet sent valid RTP or RTCP (latching)");
        counter("switchboard.media.rtcp.packets", rtcpIn, "RTCP packets received and ignored");
        counter("switchboard.media.mixer.ticks", ticks, "room mixer ticks");
        counter("switchboard.media.mixer.late.ticks", lateTicks, "room mixer ticks started late");
        counter("switchboard.media.mixer.late.ticks.after.collection", lateTicksAfterCollection,
                "room mixer ticks started late with a JVM garbage collection since the mixer thread's previous tick");
        counter("switchboard.media.mixed.after.mute", mixedAfterMute, "frames mixed after their leg's mute returned (must be 0)");
        counter("switchboard.media.frames.outvoiced", framesOutvoiced,
                "audible frames left out of the mix because the room's loudest voices held every seat (--mix-depth)");
        counter("switchboard.media.dtmf.packets.in", dtmfPacketsIn, "RFC 4733 telephone-event packets received");
        counter("switchboard.media.dtmf.digits.in", dtmfDigitsIn, "DTMF key presses recognised (one per event)");
        counter("switchboard.media.dtmf.packets.out", dtmfPacketsOut, "RFC 4733 telephone-event packets sent");
        meters.add(Gauge.builder("switchboard.media.rooms", rooms).description("open media rooms").register(registry));
        meters.add(Gauge.builder("switchboard.media.legs", legs).description("open media legs").register(registry));
        meters.add(Gauge.builder("switchboard.media.ports", ports).description("media UDP ports held").register(registry));
        tickTimer = Timer.builder("switchboard.media.mixer.tick").description("duration of one mixer-thread tick")
                .publishPercentileHistogram().minimumExpectedValue(java.time.Duration.ofNanos(10_000))
                .maximumExpectedValue(java.time.Duration.ofMillis(100)).register(registry);
        meters.add(tickTimer);
    }

    private void counter(String name, LongAdder adder, String description) {
        meters.add(FunctionCounter.builder(name, adder, LongAdder::doubleValue).description(description).register(registry));
    }

    void drop(DropReason reason, long n) {
        dropped[reason.ordinal()].add(n);
    }

    void recordTick(long nanos) {
        tickTimer.record(nanos, TimeUnit.NANOSECONDS);
    }

    Map<DropReason, Long> droppedSnapshot() {
        Map<DropReason, Long> m = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            m.put(r, dropped[r.ordinal()].sum());
        }
        return m;
    }

    /** Removes this engine's meters from the registry. */
    void unbind() {
        for (Meter m : meters) {
            registry.remove(m);
        }
    }
}
