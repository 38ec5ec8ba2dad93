package dev.switchboard.media.sdp;

/** An SDP direction attribute (RFC 3264 §5.1), from the point of view of the side that wrote it. */
public enum Direction {
    SENDRECV, SENDONLY, RECVONLY, INACTIVE;

    public boolean sends() {
        return this == SENDRECV || this == SENDONLY;
    }

    public boolean receives() {
        return this == SENDRECV || this == RECVONLY;
    }

    /** The answer's direction for an offer with this one (RFC 3264 §6.1). */
    public Direction answer() {
        return switch (this) {
            case SENDONLY -> RECVONLY;
            case RECVONLY -> SENDONLY;
            default -> this;
        };
    }

    public String attribute() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Direction parse(String attribute) {
        return switch (attribute) {
            case "sendrecv" -> SENDRECV;
            case "sendonly" -> SENDONLY;
            case "recvonly" -> RECVONLY;
            case "inactive" -> INACTIVE;
            default -> null;
        };
    }
}
