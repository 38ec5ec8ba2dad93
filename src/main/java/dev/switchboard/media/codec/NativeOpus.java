package dev.switchboard.media.codec;

/**
 * The C libopus through the FFM API. This is the JDK 21 version of the class: the FFM API is final only from JDK 22,
 * so here libopus is never available. The multi-release jar carries the real binding in
 * {@code META-INF/versions/22/} (sources in {@code src/main/java22}), which a JDK 22+ loads instead of this class.
 * Both versions have the same members.
 */
final class NativeOpus {
    private NativeOpus() {
    }

    /**
     * The libopus implementation.
     *
     * @throws UnsupportedOperationException with the reason it cannot be used (here: the JDK is older than 22)
     */
    static OpusImplementation load() {
        throw new UnsupportedOperationException("libopus through the FFM API needs JDK 22 or newer (this is "
                + Runtime.version().feature() + ")");
    }

    /** Native encoder and decoder states alive now (created and not yet destroyed). */
    static int liveStates() {
        return 0;
    }
}
