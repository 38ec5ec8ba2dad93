package dev.switchboard.media;

/**
 * How loud a leg has been lately, and whether it holds one of its room's seats in the mix ({@code --mix-depth},
 * {@link LoudestVoices}). The level is the mean absolute sample of each audible frame; it rises at once and falls by
 * an eighth a tick (to half in about 110 ms), so a talker keeps its seat through the gaps between words. A muted or
 * held leg loses level and seat at once. Mixer thread only.
 */
final class VoiceLevel {
    private int level;
    private boolean seated;

    /** An audible frame was pulled; {@code meanAbs} is its mean absolute sample. */
    void heard(int meanAbs) {
        level = meanAbs >= level ? meanAbs : level - ((level - meanAbs + 7) >> 3);
    }

    /** Nothing audible this tick (no frame, or silence): the level falls an eighth (at least 1). */
    void quiet() {
        heard(0);
    }

    /** Muted or held: no level and no seat, from this tick on. */
    void reset() {
        level = 0;
        seated = false;
    }

    int level() {
        return level;
    }

    boolean seated() {
        return seated;
    }

    void seated(boolean value) {
        seated = value;
    }

    /** Its claim to a seat: the level, doubled while it holds one, so a voice only as loud as a seated one waits. */
    long claim() {
        return seated ? 2L * level : level;
    }
}
