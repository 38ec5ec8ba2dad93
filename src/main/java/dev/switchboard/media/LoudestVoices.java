package dev.switchboard.media;

/**
 * Which of a room's talkers are mixed when more talk at once than the room's mix depth ({@code --mix-depth}; 0 mixes
 * everyone): the loudest, by {@link VoiceLevel#claim()}, where a seated voice counts double so seats do not flap
 * between voices of one loudness, and a talker pausing between words keeps its seat while its level falls. A talker
 * left out hears the shared mix of the seated ones (one encode for all of them, {@code AudioMixer#encodeShared}) and is
 * counted as outvoiced. Mixer thread only; allocates only when the room grows.
 */
final class LoudestVoices {
    private final int depth;
    private RtpLeg[] candidates = new RtpLeg[0];

    /** @param depth how many voices a tick mixes at most; 0 for everyone */
    LoudestVoices(int depth) {
        if (depth < 0) {
            throw new IllegalArgumentException("the mix depth must be 0 (everyone) or more, was " + depth);
        }
        this.depth = depth;
    }

    /**
     * Seats this tick's voices among the room's {@code legs} and keeps only the seated ones among {@code talkers[0..n)}
     * (the legs whose frames this tick are audible), outvoicing the others.
     *
     * @return how many talkers remain, at the front of {@code talkers}
     */
    int seat(RtpLeg[] legs, RtpLeg[] talkers, int n) {
        if (depth == 0) {
            return n;
        }
        if (candidates.length < legs.length) {
            candidates = new RtpLeg[legs.length]; // only when the room grows
        }
        int c = 0;
        for (RtpLeg l : legs) {
            VoiceLevel v = l.voice();
            if (l.contributing() || (v.seated() && v.level() > 0)) {
                candidates[c++] = l;
            } else {
                v.seated(false);
            }
        }
        try {
            if (c <= depth) {
                for (int i = 0; i < c; i++) {
                    candidates[i].voice().seated(true);
                }
                return n;
            }
            for (int i = 0; i < depth; i++) { // the loudest claims to the front; ties keep the room's order
                int best = i;
                long bestClaim = candidates[i].voice().claim();
                for (int j = i + 1; j < c; j++) {
                    long claim = candidates[j].voice().claim();
                    if (claim > bestClaim) {
                        best = j;
                        bestClaim = claim;
                    }
                }
                RtpLeg t = candidates[i];
                candidates[i] = candidates[best];
                candidates[best] = t;
            }
            for (int i = 0; i < c; i++) {
                candidates[i].voice().seated(i < depth);
            }
            int kept = 0;
            for (int i = 0; i < n; i++) {
                RtpLeg t = talkers[i];
                if (t.voice().seated()) {
                    talkers[kept++] = t;
                } else {
                    t.outvoice();
                }
            }
            java.util.Arrays.fill(talkers, kept, n, null);
            return kept;
        } finally {
            java.util.Arrays.fill(candidates, 0, c, null);
        }
    }
}
