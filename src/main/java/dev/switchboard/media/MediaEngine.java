package dev.switchboard.media;

/**
 * The media plane as the call engine sees it: one {@link MediaRoom} (with its mixer) per call.
 * Thread-safe. Closing the engine closes every room and releases every port and thread.
 */
public interface MediaEngine extends AutoCloseable {

    /** Opens the room of a call. Called once per call, before any leg is added. */
    MediaRoom openRoom(String callId);

    @Override
    void close();
}
