package dev.switchboard.media;

/**
 * The sixteen DTMF keys and flash, numbered as RFC 4733 §3.2 numbers their telephone-events (0–9, * = 10, # = 11,
 * A–D = 12–15, flash = 16) — the same order as Graph's {@code tone} enum.
 */
public enum DtmfTone {
    TONE0('0'), TONE1('1'), TONE2('2'), TONE3('3'), TONE4('4'), TONE5('5'), TONE6('6'), TONE7('7'), TONE8('8'),
    TONE9('9'), STAR('*'), POUND('#'), A('A'), B('B'), C('C'), D('D'), FLASH('!');

    private static final DtmfTone[] BY_CODE = values();
    private final char symbol;

    DtmfTone(char symbol) {
        this.symbol = symbol;
    }

    /** The RFC 4733 event code. */
    public int code() {
        return ordinal();
    }

    /** The dial-pad character: {@code 0}–{@code 9}, {@code *}, {@code #}, {@code A}–{@code D}, {@code !} for flash. */
    public char symbol() {
        return symbol;
    }

    /** The tone of an RFC 4733 event code, or null for a code that is not DTMF (e.g. the 32+ line events). */
    public static DtmfTone ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** The tone of a dial-pad character (letters in any case), or null. */
    public static DtmfTone ofSymbol(char c) {
        char upper = Character.toUpperCase(c);
        for (DtmfTone t : BY_CODE) {
            if (t.symbol == upper) {
                return t;
            }
        }
        return null;
    }
}
