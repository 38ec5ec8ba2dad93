package dev.switchboard.error;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * The "did you mean" part of an error message about a misspelt key or name: the known name closest to what was
 * written (case-insensitive edit distance), if it is close enough to be a likely typo. Pure function, any thread.
 */
public final class ClosestName {
    private ClosestName() {
    }

    /** The known name within edit distance 2 (or a third of its length) of {@code written}, the closest first. */
    public static Optional<String> to(String written, Collection<String> known) {
        String w = written.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(w, k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        if (best == null || bestDistance > Math.max(2, best.length() / 3)) {
            return Optional.empty();
        }
        return Optional.of(best);
    }

    /** {@code "; did you mean 'x'?"} or the empty string. */
    public static String hint(String written, Collection<String> known) {
        return to(written, known).map(k -> "; did you mean '" + k + "'?").orElse("");
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
