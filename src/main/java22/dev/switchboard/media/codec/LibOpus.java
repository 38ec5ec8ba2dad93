package dev.switchboard.media.codec;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The libopus functions Switchboard calls, bound once through the FFM API ({@code opus.h} of libopus 1.x; the ABI is
 * stable since 1.0). The handles are constants so the JIT inlines the downcalls. Thread-safe: libopus's functions
 * are reentrant on distinct states.
 */
@SuppressWarnings("restricted") // the FFM API's native access; the jar and the scripts enable it
final class LibOpus {
    static final int OK = 0;
    static final int APPLICATION_VOIP = 2048;
    static final int APPLICATION_AUDIO = 2049;
    static final int APPLICATION_RESTRICTED_LOWDELAY = 2051;
    static final int AUTO = -1000;
    static final int SET_BITRATE = 4002;
    static final int SET_MAX_BANDWIDTH = 4004;
    static final int SET_COMPLEXITY = 4010;
    static final int RESET_STATE = 4028;
    static final int BANDWIDTH_NARROWBAND = 1101;

    private static final String[] NAMES = {"libopus.so.0", "libopus.so", "libopus.0.dylib"};
    private static final String UNAVAILABLE;
    private static final String VERSION;
    private static final AtomicInteger LIVE = new AtomicInteger();

    static final MethodHandle ENCODER_CREATE;
    static final MethodHandle ENCODE;
    static final MethodHandle ENCODER_CTL_INT;
    static final MethodHandle ENCODER_CTL;
    static final MethodHandle ENCODER_DESTROY;
    static final MethodHandle DECODER_CREATE;
    static final MethodHandle DECODE;
    static final MethodHandle DECODER_CTL;
    static final MethodHandle DECODER_DESTROY;
    static final MethodHandle STRERROR;

    static {
        MethodHandle[] h = new MethodHandle[10];
        String unavailable = null;
        String version = null;
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup lib = lookup();
            h[0] = bind(linker, lib, "opus_encoder_create", FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
            h[1] = bind(linker, lib, "opus_encode", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
            // int opus_encoder_ctl(OpusEncoder *st, int request, ...): every request we send takes one int
            h[2] = linker.downcallHandle(find(lib, "opus_encoder_ctl"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                    Linker.Option.firstVariadicArg(2));
            // the same function for OPUS_RESET_STATE, which takes no argument
            h[9] = linker.downcallHandle(find(lib, "opus_encoder_ctl"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
                    Linker.Option.firstVariadicArg(2));
            h[3] = bind(linker, lib, "opus_encoder_destroy", FunctionDescriptor.ofVoid(ADDRESS));
            h[4] = bind(linker, lib, "opus_decoder_create", FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
            h[5] = bind(linker, lib, "opus_decode", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
            // int opus_decoder_ctl(OpusDecoder *st, int request, ...): OPUS_RESET_STATE takes no argument
            h[6] = linker.downcallHandle(find(lib, "opus_decoder_ctl"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
                    Linker.Option.firstVariadicArg(2));
            h[7] = bind(linker, lib, "opus_decoder_destroy", FunctionDescriptor.ofVoid(ADDRESS));
            h[8] = bind(linker, lib, "opus_strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
            MethodHandle versionString = bind(linker, lib, "opus_get_version_string", FunctionDescriptor.of(ADDRESS));
            version = ((MemorySegment) versionString.invokeExact()).reinterpret(256).getString(0);
        } catch (IllegalArgumentException | UnsupportedOperationException | IllegalCallerException | LinkageError e) {
            unavailable = e.getMessage();
            java.util.Arrays.fill(h, null);
        } catch (Throwable e) {
            unavailable = e.toString();
            java.util.Arrays.fill(h, null);
        }
        ENCODER_CREATE = h[0];
        ENCODE = h[1];
        ENCODER_CTL_INT = h[2];
        ENCODER_CTL = h[9];
        ENCODER_DESTROY = h[3];
        DECODER_CREATE = h[4];
        DECODE = h[5];
        DECODER_CTL = h[6];
        DECODER_DESTROY = h[7];
        STRERROR = h[8];
        UNAVAILABLE = unavailable;
        VERSION = version;
    }

    private LibOpus() {
    }

    private static SymbolLookup lookup() {
        IllegalArgumentException first = null;
        for (String name : NAMES) {
            try {
                return SymbolLookup.libraryLookup(name, Arena.global());
            } catch (IllegalArgumentException e) {
                first = first == null ? e : first;
            }
        }
        throw new IllegalArgumentException("libopus.so.0 not found (install Debian's libopus0): " + first.getMessage(), first);
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalArgumentException("libopus has no symbol " + name));
    }

    private static MethodHandle bind(Linker linker, SymbolLookup lib, String name, FunctionDescriptor descriptor) {
        return linker.downcallHandle(find(lib, name), descriptor);
    }

    /** Why libopus cannot be used, or null when it can. */
    static String unavailableReason() {
        return UNAVAILABLE;
    }

    /** The library's own version string, e.g. {@code libopus 1.5.2}. */
    static String version() {
        return VERSION;
    }

    /** libopus's text for an error code. */
    static String error(int code) {
        try {
            return ((MemorySegment) STRERROR.invokeExact(code)).reinterpret(128).getString(0) + " (" + code + ")";
        } catch (Throwable e) {
            return "error " + code;
        }
    }

    static int liveStates() {
        return LIVE.get();
    }

    static void created() {
        LIVE.incrementAndGet();
    }

    /** Frees an encoder state (an arena's cleanup: runs once, when the codec's arena closes). */
    static void destroyEncoder(MemorySegment state) {
        try {
            ENCODER_DESTROY.invokeExact(state);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        } finally {
            LIVE.decrementAndGet();
        }
    }

    /** Frees a decoder state (an arena's cleanup). */
    static void destroyDecoder(MemorySegment state) {
        try {
            DECODER_DESTROY.invokeExact(state);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        } finally {
            LIVE.decrementAndGet();
        }
    }

    /** An {@code int *error} out-parameter in {@code arena}. */
    static MemorySegment intSlot(Arena arena) {
        return arena.allocate(ValueLayout.JAVA_INT);
    }
}
