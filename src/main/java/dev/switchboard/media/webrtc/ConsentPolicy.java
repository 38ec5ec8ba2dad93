package dev.switchboard.media.webrtc;

import java.time.Duration;

/**
 * ICE consent timings of a WebRTC leg (RFC 7675 as it applies to an ICE-lite answerer, which sends no checks and
 * infers consent from the browser's authenticated checks, sent every ~5 s once connected).
 *
 * @param consentLapse   no valid check for this long: stop sending media (RFC 7675 §5.1's 30 s)
 * @param endAfter       no valid check for this long: end the leg (the browser is gone); at least consentLapse
 * @param connectTimeout no valid check at all this long after the leg was created: end the leg (ICE failed)
 */
public record ConsentPolicy(Duration consentLapse, Duration endAfter, Duration connectTimeout) {
    /** 30 s to stop sending, 60 s to end the leg, 30 s to connect. */
    public static final ConsentPolicy DEFAULT = new ConsentPolicy(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(30));

    public ConsentPolicy {
        if (consentLapse.isNegative() || consentLapse.isZero() || endAfter.compareTo(consentLapse) < 0 || connectTimeout.isNegative()) {
            throw new IllegalArgumentException("consent timings must be positive and endAfter ≥ consentLapse");
        }
    }
}
