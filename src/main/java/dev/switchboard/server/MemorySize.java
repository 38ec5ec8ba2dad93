package dev.switchboard.server;

import java.util.Locale;

/**
 * A memory size setting: {@code auto} (the server picks from the heap's maximum) or bytes, written {@code 64MiB},
 * {@code 512KiB}, {@code 1GiB} or a bare number of bytes; printed back in the largest whole unit.
 *
 * @param bytes 0 for {@code auto}, else at least {@link #MIN}
 */
public record MemorySize(long bytes) {
    public static final MemorySize AUTO = new MemorySize(0);
    /** Less than this holds no prompt worth playing. */
    public static final long MIN = 1L << 20;

    public MemorySize {
        if (bytes != 0 && bytes < MIN) {
            throw new IllegalArgumentException("a memory size must be at least 1MiB, was " + bytes + " bytes");
        }
    }

    public boolean auto() {
        return bytes == 0;
    }

    /** This size, or {@code auto}'s choice. */
    public long orElse(long automatic) {
        return auto() ? automatic : bytes;
    }

    /** Parses {@code auto}, {@code N}, {@code NKiB}, {@code NMiB} or {@code NGiB} (units case-blind; k, m, g too). */
    static MemorySize parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("auto")) {
            return AUTO;
        }
        int shift = 0;
        String digits = v;
        for (String[] unit : new String[][] {{"kib", "10"}, {"mib", "20"}, {"gib", "30"}, {"k", "10"}, {"m", "20"}, {"g", "30"}}) {
            if (v.endsWith(unit[0])) {
                shift = Integer.parseInt(unit[1]);
                digits = v.substring(0, v.length() - unit[0].length()).trim();
                break;
            }
        }
        if (!digits.isEmpty() && digits.chars().allMatch(Character::isDigit) && digits.length() <= 12) {
            long n = Long.parseLong(digits);
            if (n <= (Long.MAX_VALUE >> shift)) {
                return new MemorySize(n << shift);
            }
        }
        throw new IllegalArgumentException("must be auto or a size such as 64MiB, 512KiB or 1GiB");
    }

    @Override
    public String toString() {
        if (auto()) {
            return "auto";
        }
        for (int shift = 30; shift >= 10; shift -= 10) {
            if (bytes % (1L << shift) == 0) {
                return (bytes >> shift) + (shift == 30 ? "GiB" : shift == 20 ? "MiB" : "KiB");
            }
        }
        return Long.toString(bytes);
    }
}
