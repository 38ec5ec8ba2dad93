package dev.switchboard.bench;

import java.io.IOException;

/**
 * The server a {@link MuteUnderLoad} run drives: Switchboard through the Graph and client APIs, or Janus AudioBridge
 * through its HTTP API. Both see the same plain-RTP participants; each leg's socket both sends to and receives from
 * the server ({@code localPort} is the address given to the server, symmetric RTP).
 */
interface LoadTarget extends AutoCloseable {
    /** A participant as the target knows it: where to send its RTP, and how to mute it. */
    record Leg(int serverPort, String room, String id) {
    }

    /** Opens a room (a call) whose first leg receives at {@code firstLocalPort}; returns that first leg. */
    Leg openRoom(String name, String codec, int firstLocalPort) throws IOException;

    /** Adds participant {@code index} (≥ 1) of a room, receiving at {@code localPort}. */
    Leg join(Leg first, int index, String codec, int localPort) throws IOException;

    /** Server-mutes (or unmutes) the first leg of a room; returns once the target answered success. */
    void setMuted(Leg first, boolean muted) throws IOException;

    /** A fresh keep-alive connection's worth of the same mute control, for a second thread. */
    LoadTarget forkControl() throws IOException;

    /** Extra figures the target can report (late ticks, heap), as "name=value" pairs; empty if none. */
    String serverFigures() throws IOException;

    @Override
    void close();
}
