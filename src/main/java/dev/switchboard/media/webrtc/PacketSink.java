package dev.switchboard.media.webrtc;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** Sends datagrams from the WebRTC port. Thread-safe; implemented over the port's channel, or by a test recorder. */
@FunctionalInterface
public interface PacketSink {
    /** Sends {@code datagram}'s remaining bytes to {@code to}. Failures are counted and swallowed by the implementation. */
    void send(ByteBuffer datagram, InetSocketAddress to);
}
