package dev.switchboard.media;

/**
 * A leg's two mute flags, server mute and the participant's own (client) mute, and the one place that changes them.
 *
 * <p>Contract of {@link #set}: when muting returns, every packet the packet thread has not yet buffered is refused
 * (the flag is volatile and re-checked under the playout lock), the frames buffered before the call are discarded and
 * counted with the side's reason, and a mixer send that may already carry one of the leg's frames has finished
 * (the room's send fence; the tick's later sends leave the frame out).
 * Unmuting clears the buffer under the same lock and asks the decoder to start afresh, so no stale audio bursts out.
 *
 * <p>Threads (see docs/concurrency.md): {@link #set} on request threads; {@link #reason()} and {@link #muted()} on the
 * packet and mixer threads (volatile reads, no lock).
 */
public final class MuteState {
    /** Which flag. */
    public enum Side {
        SERVER(DropReason.SERVER_MUTED), CLIENT(DropReason.CLIENT_MUTED);

        final DropReason reason;

        Side(DropReason reason) {
            this.reason = reason;
        }
    }

    private final Playout playout;
    private final Runnable awaitMixerTick;
    private final DropSink drops;
    private volatile boolean server;
    private volatile boolean client;
    private volatile long serverSince;
    private volatile long clientSince;

    /**
     * @param playout        the leg's playout, whose buffered frames a mute discards; null for a leg that buffers nothing
     * @param awaitMixerTick returns once no mixer send that may carry the leg's frame is in flight (the room's send fence)
     * @param drops          counts the frames a mute discards
     */
    public MuteState(Playout playout, Runnable awaitMixerTick, DropSink drops) {
        this.playout = playout;
        this.awaitMixerTick = awaitMixerTick;
        this.drops = drops;
    }

    /** Sets one flag; idempotent (muting again flushes again, which finds nothing new). Request threads. */
    public void set(Side side, boolean muted) {
        if (muted) {
            boolean was = get(side);
            flag(side, true);
            if (playout != null) {
                drops.drop(side.reason, playout.clear());
                awaitMixerTick.run();
            }
            if (!was) {
                since(side, System.nanoTime());
            }
        } else if (get(side)) {
            since(side, 0);
            if (playout != null) {
                playout.clearAndUnmute(this, side);
            } else {
                flag(side, false);
            }
        }
    }

    /** Called by {@link Playout} under its lock, so no packet is buffered between the clear and the flag. */
    void unmuteUnderPlayoutLock(Side side) {
        flag(side, false);
    }

    /** Why a packet of this leg is refused now: server mute first, then client mute; null if neither. */
    public DropReason reason() {
        return server ? DropReason.SERVER_MUTED : client ? DropReason.CLIENT_MUTED : null;
    }

    /** True if either flag is set. */
    public boolean muted() {
        return server || client;
    }

    public boolean get(Side side) {
        return side == Side.SERVER ? server : client;
    }

    /** {@link System#nanoTime()} when the side's mute last took effect (its {@link #set} returned), 0 if unmuted. */
    long since(Side side) {
        return side == Side.SERVER ? serverSince : clientSince;
    }

    private void flag(Side side, boolean value) {
        if (side == Side.SERVER) {
            server = value;
        } else {
            client = value;
        }
    }

    private void since(Side side, long nanos) {
        if (side == Side.SERVER) {
            serverSince = nanos;
        } else {
            clientSince = nanos;
        }
    }
}
