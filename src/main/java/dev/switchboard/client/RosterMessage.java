package dev.switchboard.client;

/**
 * One rendered roster message, shared by every stream of the call that addresses it by the same call id: rendered
 * once per change, never copied per stream. The bytes are UTF-8 JSON and must not be modified.
 *
 * @param sequence the roster sequence number it carries
 * @param utf8     the text frame's payload
 * @param ended    true for the last message of a call that ended
 */
record RosterMessage(long sequence, byte[] utf8, boolean ended) {
    int size() {
        return utf8.length;
    }

    String text() {
        return new String(utf8, java.nio.charset.StandardCharsets.UTF_8);
    }
}
