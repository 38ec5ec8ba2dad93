package dev.switchboard.media.webrtc;

/**
 * Where a WebRTC leg's authenticated, decrypted packets go: the leg's ingress pipeline (the same stages as a plain
 * RTP leg's). Called on the WebRTC port's packet thread with the port's receive buffer, valid only during the call.
 */
public interface MediaSink {
    /** A plain RTP packet {@code buf[0..length)}, received at {@code nowNanos}. */
    void onRtp(byte[] buf, int length, long nowNanos);

    /** A plain compound RTCP packet {@code buf[0..length)}. */
    void onRtcp(byte[] buf, int length, long nowNanos);
}
