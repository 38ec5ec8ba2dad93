package dev.switchboard.server;

import dev.switchboard.core.CallSettings;

/**
 * {@code --max-calls}: {@code auto} (from the heap's maximum, {@link CallSettings#autoMaxCalls()}) or a number of live
 * calls, at least 1; printed back as given.
 *
 * @param calls 0 for {@code auto}
 */
public record CallLimit(int calls) {
    public static final CallLimit AUTO = new CallLimit(0);

    public CallLimit {
        if (calls < 0) {
            throw new IllegalArgumentException("must be auto or a number of calls, at least 1");
        }
    }

    /** The limit to apply. */
    public int resolve() {
        return calls == 0 ? CallSettings.autoMaxCalls() : calls;
    }

    static CallLimit parse(String value) {
        String v = value.trim();
        if (v.equalsIgnoreCase("auto")) {
            return AUTO;
        }
        if (!v.isEmpty() && v.length() <= 9 && v.chars().allMatch(Character::isDigit) && Integer.parseInt(v) >= 1) {
            return new CallLimit(Integer.parseInt(v));
        }
        throw new IllegalArgumentException("must be auto or a number of calls, at least 1");
    }

    @Override
    public String toString() {
        return calls == 0 ? "auto" : Integer.toString(calls);
    }
}
