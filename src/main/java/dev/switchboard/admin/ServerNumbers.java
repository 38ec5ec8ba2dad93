package dev.switchboard.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.TreeMap;

/**
 * The server's own numbers, as {@code /metrics} has them (every {@code switchboard.*} meter), summed by name and, where a
 * meter has one, by its {@code reason} or {@code outcome} tag: legs, ports, mixer late ticks, the leak counter
 * ({@code switchboard.media.mixed.after.mute}), notifier queues, tokens issued and refused by reason. Read on demand
 * (once a second while a dashboard watches). Thread-safe.
 */
final class ServerNumbers {
    private static final String PREFIX = "switchboard.";
    private final MeterRegistry registry;

    ServerNumbers(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Name (with {@code {reason=...}} where tagged) → value. */
    Map<String, Double> read() {
        Map<String, Double> out = new TreeMap<>();
        if (registry == null) {
            return out;
        }
        for (Meter m : registry.getMeters()) {
            String name = m.getId().getName();
            if (!name.startsWith(PREFIX)) {
                continue;
            }
            String tag = m.getId().getTag("reason");
            if (tag == null) {
                tag = m.getId().getTag("outcome");
            }
            String key = tag == null ? name : name + "{" + tag + "}";
            double v = switch (m) {
                case Counter c -> c.count();
                case FunctionCounter c -> c.count();
                case Gauge g -> g.value();
                case Timer t -> t.count();
                default -> Double.NaN;
            };
            if (!Double.isNaN(v)) {
                out.merge(key, v, Double::sum);
            }
        }
        return out;
    }
}
