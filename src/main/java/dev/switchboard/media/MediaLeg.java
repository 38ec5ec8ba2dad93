package dev.switchboard.media;

/**
 * One participant's media in a room. Thread-safe; the mute setters are called from request threads
 * while the packet thread reads the flags.
 *
 * <p>Threads and locks: docs/concurrency.md.
 */
public interface MediaLeg extends AutoCloseable {

    String participantId();

    /** The SDP answer for {@link MediaRoom#addLeg}, or null for a server-side leg. */
    String sdpAnswer();

    /**
     * Sets the server mute. When {@code setServerMuted(true)} returns, every packet of this leg that the
     * packet thread has not yet admitted is dropped (counted as {@code server_muted}) and every frame
     * of this leg buffered before the call is discarded: nothing of it is mixed for anyone afterwards.
     * Unmuting resets the leg's jitter buffer so no stale audio bursts out.
     */
    void setServerMuted(boolean muted);

    /** Sets the participant's own (client) mute; same guarantees as the server mute, counted as {@code client_muted}. */
    void setClientMuted(boolean muted);

    /**
     * True if the leg's peer negotiated RFC 4733 telephone-events and takes a stream from us, so {@link #sendDtmf}
     * reaches it. A server leg never does.
     */
    default boolean receivesDtmf() {
        return false;
    }

    /**
     * Sends {@code owner}'s key presses (owner: the bot call that asked) to the leg's peer as RFC 4733
     * telephone-events, after any queued before, with {@code gapMillis} between two tones; returns at once.
     * {@code whenDone} hears (on the media's DTMF thread) {@link DtmfSender.Outcome#SENT} once the last end packet went
     * out, {@code CLOSED} if nothing more could be sent (no telephone-event negotiated, leg closed), {@code STOPPED}
     * after {@link #stopDtmf} for its owner.
     */
    default void sendDtmf(String owner, java.util.List<DtmfTone> tones, int gapMillis,
                          java.util.function.Consumer<DtmfSender.Outcome> whenDone) {
        whenDone.accept(DtmfSender.Outcome.CLOSED);
    }

    /**
     * Ends the sequences {@code owner} queued on this leg (a tone under way sends its end packets first); other
     * owners' sequences go on. Returns at once; any thread.
     */
    default void stopDtmf(String owner) {
    }

    /**
     * Registers who is told when this leg ends by itself (its transport died); replaces an earlier one. Legs whose
     * transport cannot die (plain RTP, server legs) never call it. Not called after {@link #close()}.
     */
    default void onEnded(LegEndListener listener) {
    }

    /** Closes the leg and releases its port; idempotent. */
    @Override
    void close();
}
