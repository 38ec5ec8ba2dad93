package dev.switchboard.testsupport;

/** One fuzzing change: what was done (for the failure message), the content type to send and the body. */
public record Mutation(String what, String contentType, byte[] body) {
    /** {@code o} as text, cut to 80 characters with its length when longer. */
    public static String abbreviate(Object o) {
        return abbreviate(o, 80);
    }

    public static String abbreviate(Object o, int max) {
        String s = String.valueOf(o);
        return s.length() > max ? s.substring(0, max) + "…(" + s.length() + " chars)" : s;
    }
}
