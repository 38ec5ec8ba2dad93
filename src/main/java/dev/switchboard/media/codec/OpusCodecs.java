package dev.switchboard.media.codec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.LongAdder;

/**
 * The process's Opus implementation, chosen once ({@code --opus-library}): {@link AudioCodec#OPUS}'s encoders and
 * decoders come from it. {@link OpusLibrary#AUTO} (the default, also before {@link #use} is called) takes the C libopus
 * through the FFM API when the JDK is 22+ and {@code libopus.so.0} loads, and Concentus otherwise, saying why once.
 * Thread-safe.
 */
public final class OpusCodecs {
    private static final Logger LOG = LoggerFactory.getLogger(OpusCodecs.class);
    private static final LongAdder FRAME_ERRORS = new LongAdder();
    private static volatile OpusCodecs current;

    private final OpusLibrary requested;
    private final OpusImplementation implementation;
    private final String fallbackReason;

    private OpusCodecs(OpusLibrary requested, OpusImplementation implementation, String fallbackReason) {
        this.requested = requested;
        this.implementation = implementation;
        this.fallbackReason = fallbackReason;
    }

    /**
     * Resolves a choice without making it current.
     *
     * @throws IllegalStateException for {@link OpusLibrary#LIBOPUS} when libopus cannot be used (the message says why)
     */
    public static OpusCodecs select(OpusLibrary library) {
        java.util.Objects.requireNonNull(library, "library");
        if (library == OpusLibrary.CONCENTUS) {
            return new OpusCodecs(library, ConcentusOpus.INSTANCE, null);
        }
        try {
            return new OpusCodecs(library, NativeOpus.load(), null);
        } catch (UnsupportedOperationException e) {
            if (library == OpusLibrary.LIBOPUS) {
                throw new IllegalStateException("--opus-library libopus: " + e.getMessage(), e);
            }
            return new OpusCodecs(library, ConcentusOpus.INSTANCE, e.getMessage());
        }
    }

    /**
     * Makes {@code library} the process's choice and logs it once (with the reason when {@code auto} fell back).
     *
     * @throws IllegalStateException as {@link #select}
     */
    public static synchronized OpusCodecs use(OpusLibrary library) {
        OpusCodecs chosen = select(library);
        OpusCodecs before = current;
        if (before == null || before.implementation != chosen.implementation || before.requested != library) {
            LOG.info("Opus: {}", chosen.describe());
        }
        current = chosen;
        return chosen;
    }

    /** The process's choice ({@code auto} until {@link #use} is called). */
    public static OpusCodecs current() {
        OpusCodecs c = current;
        if (c == null) {
            synchronized (OpusCodecs.class) {
                c = current;
                if (c == null) {
                    c = use(OpusLibrary.AUTO);
                }
            }
        }
        return c;
    }

    /** What was asked for. */
    public OpusLibrary requested() {
        return requested;
    }

    /** True when the codecs are the C libopus. */
    public boolean isNative() {
        return implementation.isNative();
    }

    /** Why {@code auto} took Concentus, or null when it did not fall back. */
    public String fallbackReason() {
        return fallbackReason;
    }

    /** One line for the start-up banner and the log, e.g. {@code libopus 1.5.2 (FFM) [--opus-library auto]}. */
    public String describe() {
        return implementation.description() + " [--opus-library " + requested + "]"
                + (fallbackReason == null ? "" : "; libopus not used: " + fallbackReason);
    }

    /** A new encoder of this implementation. */
    public FrameEncoder newEncoder(OpusEncoderSettings settings) {
        return implementation.newEncoder(settings);
    }

    /** A new decoder of this implementation. */
    public FrameDecoder newDecoder() {
        return implementation.newDecoder();
    }

    /** Native Opus states alive in this process (libopus encoders and decoders created and not yet destroyed). */
    public static int liveNativeStates() {
        return NativeOpus.liveStates();
    }

    /** Frames an Opus encoder or decoder of either implementation failed on (nothing sent, or concealed). Any thread. */
    public static long frameErrors() {
        return FRAME_ERRORS.sum();
    }

    /** Counts one failed frame (codec threads; a LongAdder, no lock). */
    static void frameError() {
        FRAME_ERRORS.increment();
    }
}
