package dev.switchboard.media.mix;

import dev.switchboard.media.codec.AudioCodec;

/**
 * The working arrays of one 20 ms tick's mixing (17.3 KB): one set per mixer thread, lent to every room that thread
 * ticks, since a thread ticks one room at a time and no room keeps a sum or a mix from one tick to the next. A room
 * that owned its own set held them from the call's creation, with nobody talking yet: more than half of what an idle
 * call costs (docs/benchmarks.md, "Mixing buffers per mixer thread"). The same holds for the bot's side of the tick
 * (what it hears for a recording, the prompt frame it plays): a queued playPrompt or recordResponse held them from
 * the moment it was accepted.
 *
 * <p>Not thread-safe: used only by the mixer thread that owns it (or by one test or benchmark thread).
 */
public final class MixBuffers {
    final int[] total = new int[AudioCodec.MIX_FRAME];
    final short[] fullMix = new short[AudioCodec.MIX_FRAME];
    private final int[] routedSum = new int[AudioCodec.MIX_FRAME];
    private final short[] frame = new short[AudioCodec.MIX_FRAME];
    private final int[] heard = new int[AudioCodec.MIX_FRAME];
    private final short[] prompt = new short[AudioCodec.MIX_FRAME];

    /** A sum of some of the tick's voices, for a mix other than the room's own (audio routing groups). */
    public int[] routedSum() {
        return routedSum;
    }

    /**
     * One listener's 16-bit mix, valid until the next listener's: what a send encodes when the listener hears
     * something other than the shared full mix.
     */
    public short[] frame() {
        return frame;
    }

    /** What the bot hears this tick, summed for a running recording (the room's IVR channel). */
    public int[] heard() {
        return heard;
    }

    /** The bot's prompt frame this tick, mixed for every listener and read until the tick's last send. */
    public short[] prompt() {
        return prompt;
    }
}
