package dev.switchboard.server;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * The text log line's message ({@code %oneLineMsg}): the formatted message with every character that could start a
 * line of its own or change how the line reads written as an escape: {@code \r}, {@code \n}, {@code \t}, other control
 * characters and Unicode's line separators and bidirectional controls as {@code \}{@code uXXXX}. Messages carry text
 * a client chose (user ids, display names, URLs), and a line break in one would otherwise forge a log line. JSON lines
 * need none of this: the JSON encoder escapes them. A message that needs no escape is returned as it is.
 */
public final class OneLineMessage extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return escape(event.getFormattedMessage());
    }

    /** {@code message} with its line-breaking, control and bidirectional characters escaped (null stays null). */
    static String escape(String message) {
        if (message == null) {
            return null;
        }
        int i = 0;
        while (i < message.length() && !needsEscape(message.charAt(i))) {
            i++;
        }
        if (i == message.length()) {
            return message;
        }
        StringBuilder b = new StringBuilder(message.length() + 16).append(message, 0, i);
        for (; i < message.length(); i++) {
            char c = message.charAt(i);
            switch (c) {
                case '\r' -> b.append("\\r");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (needsEscape(c)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) // C0, DEL, C1
                || c == '\u2028' || c == '\u2029' // line and paragraph separators
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') // bidirectional embeddings, isolates
                || c == '\u200e' || c == '\u200f' || c == '\u061c'; // bidirectional marks
    }
}
