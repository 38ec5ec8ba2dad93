package dev.switchboard.media;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Ends the plain RTP legs whose peer went away without leaving ({@code --media-timeout}, docs/media.md): a peer that
 * sent no valid RTP or RTCP from its address for the timeout (a crashed or killed softphone, a vanished network) is
 * taken out as a WebRTC leg whose ICE consent expired is: the leg leaves the mix, its port is released, and its
 * {@link LegEndListener} is told ({@value #REASON}), so the participant leaves the call. RFC 3550 peers send RTCP
 * reports every few seconds even while they send no audio (muted, listening, on hold), so only a gone peer is silent.
 *
 * <p>One daemon thread ({@code switchboard-media-timeout}) reads each leg's time of last packet a few times per
 * timeout; nothing is added to the packet path but one volatile write (the time, in {@link IngressFilter}).
 */
final class SilentLegs implements AutoCloseable {
    /** The reason the leg's {@link LegEndListener} hears, and the log's {@code participant lost … reason=}. */
    static final String REASON = "rtp_timeout";
    private static final Logger log = LoggerFactory.getLogger(SilentLegs.class);

    private final long timeoutNanos;
    private final Supplier<? extends Iterable<RtpRoom>> rooms;
    private final ScheduledExecutorService thread;

    /**
     * @param timeout how long a peer may send nothing before its leg ends
     * @param rooms   the engine's rooms, read at each check
     */
    SilentLegs(Duration timeout, Supplier<? extends Iterable<RtpRoom>> rooms) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the media timeout must be positive, was " + timeout);
        }
        this.timeoutNanos = timeout.toNanos();
        this.rooms = rooms;
        long periodMillis = Math.clamp(timeout.toMillis() / 4, 50, 1000);
        this.thread = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("switchboard-media-timeout").daemon().unstarted(r));
        thread.scheduleWithFixedDelay(this::check, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    private void check() {
        long now = System.nanoTime();
        for (RtpRoom room : rooms.get()) {
            for (RtpLeg leg : room.legsNow()) {
                if (leg.silentNanos(now) >= timeoutNanos) {
                    try {
                        leg.silenced();
                    } catch (RuntimeException e) {
                        log.warn("ending a silent leg failed participantId={} reason={}", leg.participantId(), e.toString());
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
