package dev.switchboard.media;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.mix.AudioMixer;
import dev.switchboard.media.mix.MixBuffers;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A room's {@link AudioRoutes} compiled against its legs, and the mix each routed listener hears. The default group is
 * the room's plain mix (the {@link AudioMixer}'s sum of the seated default talkers and the bot's voice); a listener
 * whose hearing differs gets its own sum: the default mix without itself when it is in the default group (else
 * silence, or the bot's voice when a route gives it), plus every extra source whose frame is in this tick and not
 * already in that sum. Compiled on the mixer thread when the routes or the room's legs change (it allocates then, never
 * per tick). Mixer thread only.
 */
final class RoutedMix {
    private static final int[] NONE = new int[0];
    private AudioRoutes routes;
    private RtpLeg[] legs;
    private boolean[] inDefault = new boolean[0];
    private int[][] extra = new int[0][];
    private boolean[] hearsVoice = new boolean[0];
    private boolean[] botHears = new boolean[0];
    private RtpLeg[] defaultLegs = new RtpLeg[0];
    private final int[] sum;
    private final short[] out;

    /** @param buffers the mixer thread's arrays: a routed mix is made and sent before the next one is made */
    RoutedMix(MixBuffers buffers) {
        this.sum = buffers.routedSum();
        this.out = buffers.frame();
    }

    /**
     * Compiles {@code routes} against {@code ls} unless both are what was compiled last.
     *
     * @return false when the routes are plain: the room mixes as if there were none
     */
    boolean prepare(AudioRoutes routes, RtpLeg[] ls) {
        if (routes.plain()) {
            return false;
        }
        if (routes != this.routes || ls != this.legs) {
            compile(routes, ls);
        }
        return true;
    }

    private void compile(AudioRoutes routes, RtpLeg[] ls) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < ls.length; i++) {
            index.put(ls[i].participantId(), i);
        }
        inDefault = new boolean[ls.length];
        extra = new int[ls.length][];
        hearsVoice = new boolean[ls.length];
        botHears = new boolean[ls.length];
        int defaults = 0;
        for (int i = 0; i < ls.length; i++) {
            String id = ls[i].participantId();
            inDefault[i] = !routes.outsideDefault().contains(id);
            defaults += inDefault[i] ? 1 : 0;
            Set<String> sources = routes.extraSources().getOrDefault(id, Set.of());
            int[] heard = new int[sources.size()];
            int k = 0;
            for (String s : sources) {
                Integer j = index.get(s);
                if (j != null && j != i) {
                    heard[k++] = j;
                }
                hearsVoice[i] |= routes.bots().contains(s);
            }
            extra[i] = k == 0 ? NONE : java.util.Arrays.copyOf(heard, k);
            hearsVoice[i] |= inDefault[i];
        }
        for (String bot : routes.bots()) {
            for (String s : routes.extraSources().getOrDefault(bot, Set.of())) {
                Integer j = index.get(s);
                if (j != null) {
                    botHears[j] = true;
                }
            }
        }
        defaultLegs = new RtpLeg[defaults];
        for (int i = 0, d = 0; i < ls.length; i++) {
            if (inDefault[i]) {
                defaultLegs[d++] = ls[i];
            }
        }
        this.routes = routes;
        this.legs = ls;
    }

    /** True if leg {@code i} of the compiled legs is in the default group: its voice is in the plain mix. */
    boolean inDefault(int i) {
        return inDefault[i];
    }

    /** The default group's legs, in the room's order: the candidates for the mix's seats. */
    RtpLeg[] defaultLegs() {
        return defaultLegs;
    }

    /** True if leg {@code i} hears something other than the plain mix (without itself). */
    boolean custom(int i) {
        return !inDefault[i] || extra[i].length > 0;
    }

    /** True if a route gives leg {@code i}'s voice to the bot, so its recordings hear it too. */
    boolean botHears(int i) {
        return botHears[i];
    }

    /**
     * What leg {@code i} hears this tick, saturated to 16 bits; valid until the next call. Reads the sources'
     * contributing flags now, so a source muted (withdrawn) mid-tick is out of every later send.
     *
     * @param voice the bot's voice this tick, or null
     */
    short[] mix(int i, AudioMixer mixer, short[] voice) {
        int n = mixer.narrow() ? AudioCodec.NARROW_FRAME : AudioCodec.MIX_FRAME;
        RtpLeg self = legs[i];
        if (inDefault[i]) {
            mixer.sumInto(sum, self.contributing() ? self.pcm() : null);
        } else {
            java.util.Arrays.fill(sum, 0, n, 0);
            if (voice != null && hearsVoice[i]) {
                add(voice, n);
            }
        }
        for (int j : extra[i]) {
            RtpLeg source = legs[j];
            if (source.contributing() && !(inDefault[i] && inDefault[j])) {
                add(source.pcm(), n);
            }
        }
        for (int s = 0; s < n; s++) {
            int v = sum[s];
            out[s] = (short) (v > Short.MAX_VALUE ? Short.MAX_VALUE : Math.max(v, Short.MIN_VALUE));
        }
        return out;
    }

    private void add(short[] pcm, int n) {
        for (int s = 0; s < n; s++) {
            sum[s] += pcm[s];
        }
    }
}
