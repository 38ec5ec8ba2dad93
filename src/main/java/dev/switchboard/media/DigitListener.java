package dev.switchboard.media;

/**
 * Hears the DTMF digits a room's legs receive as RFC 4733 telephone-events: one call per key press, however many
 * packets (redundant end packets, retransmissions, duplicates) carried it, in the order the participant pressed them.
 *
 * <p>Threads: called on the media engine's DTMF thread ({@link DtmfDispatch}), never on the packet thread, with no
 * media lock held. It may take core locks; it must not block for long (it delays every room's later digits).
 */
@FunctionalInterface
public interface DigitListener {

    /** {@code participantId}'s leg received the key press {@code tone}. */
    void onDigit(String participantId, DtmfTone tone);
}
