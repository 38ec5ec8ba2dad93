package dev.switchboard.media;

/**
 * Why a received packet (or a buffered frame) was not mixed, or a key press not passed on; the {@code reason} tag
 * of the drop counter.
 */
public enum DropReason {
    /** The leg is server-muted: dropped at ingress, or buffered before the mute and discarded by it. */
    SERVER_MUTED("server_muted"),
    /** The participant muted itself, or its SDP direction says it does not send (sendonly answer / inactive). */
    CLIENT_MUTED("client_muted"),
    /** Not valid RTP/RTCP, or a payload type that was not negotiated, or a payload too large to be audio. */
    MALFORMED("malformed"),
    /** From an address other than the negotiated one, or from another port while the latched one is active. */
    UNEXPECTED_SOURCE("unexpected_source"),
    /** Arrived after its playout time. */
    LATE("late"),
    /** A sequence number already buffered. */
    DUPLICATE("duplicate"),
    /** Over the leg's packet-rate budget, or pushed out of a full jitter buffer. */
    QUEUE_FULL("queue_full"),
    /**
     * Buffered, not yet played, when the sender restarted its stream (a packet of another SSRC, or a sequence jump of
     * more than 200): the old stream's frames are discarded.
     */
    STREAM_RESTART("stream_restart"),
    /**
     * An RFC 4733 key press over its leg's key-press budget (bursts of 20, then 25 a second): the packet that began
     * it is dropped, and the event's later packets are ignored with it. No keypad presses keys that fast.
     */
    KEY_PRESS_RATE("key_press_rate");

    private final String tag;

    DropReason(String tag) {
        this.tag = tag;
    }

    /** The metric tag value, e.g. {@code server_muted}. */
    public String tag() {
        return tag;
    }
}
