package dev.switchboard.core;

/**
 * Canonical lowercase GUIDs ({@code 8-4-4-4-12} hex digits, what the engine's ids and {@link java.util.UUID#toString()}
 * look like) held as two longs, so a history of many ids keeps them in primitive columns instead of strings (the
 * operation history, the dashboard's webhook log). Any other string is not canonical: callers keep it whole and compare
 * it exactly, so lookups stay as exact (case-sensitive) as with a map. Stateless and thread-safe.
 */
public final class Guids {
    private Guids() {
    }

    /**
     * Writes the two halves of {@code id} into {@code halves[0]} (most significant) and {@code halves[1]} and returns
     * true when it is a canonical lowercase GUID; returns false and leaves {@code halves} untouched for anything else,
     * null included. Allocates nothing.
     *
     * @param halves an array of at least two elements, owned by the caller
     */
    public static boolean parseCanonical(String id, long[] halves) {
        if (id == null || id.length() != 36) {
            return false;
        }
        long hi = 0;
        long lo = 0;
        int digits = 0;
        for (int i = 0; i < 36; i++) {
            char ch = id.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (ch != '-') {
                    return false;
                }
                continue;
            }
            int v;
            if (ch >= '0' && ch <= '9') {
                v = ch - '0';
            } else if (ch >= 'a' && ch <= 'f') {
                v = ch - 'a' + 10;
            } else {
                return false;
            }
            if (digits++ < 16) {
                hi = (hi << 4) | v;
            } else {
                lo = (lo << 4) | v;
            }
        }
        halves[0] = hi;
        halves[1] = lo;
        return true;
    }
}
