package dev.switchboard.server;

import dev.switchboard.media.codec.OpusCodecs;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The Opus implementation in {@code /metrics}: {@code switchboard_opus_library{implementation="libopus"|"concentus"}}
 * (1), the native states alive and the frames a codec failed on.
 */
final class OpusLibraryMetrics {
    private OpusLibraryMetrics() {
    }

    static void register(OpusCodecs codecs, MeterRegistry registry) {
        Gauge.builder("switchboard.opus.library", () -> 1)
                .tag("implementation", codecs.isNative() ? "libopus" : "concentus")
                .tag("requested", codecs.requested().toString())
                .description("The Opus implementation in use (--opus-library)").register(registry);
        Gauge.builder("switchboard.opus.native.states", OpusCodecs::liveNativeStates)
                .description("libopus encoder and decoder states alive").register(registry);
        FunctionCounter.builder("switchboard.opus.frame.errors", OpusCodecs.class, ignored -> OpusCodecs.frameErrors())
                .description("Opus frames an encoder or decoder failed on (not sent, or concealed)").register(registry);
    }
}
