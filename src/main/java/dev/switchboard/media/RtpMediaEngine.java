package dev.switchboard.media;

import dev.switchboard.core.CallException;
import dev.switchboard.core.ErrorCode;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The RTP media plane: one UDP port per leg from {@code [portLow, portHigh]}, a mixer per room.
 * First compiling version (API only); the implementation follows on the {@code media} branch.
 */
public final class RtpMediaEngine implements MediaEngine {
    private final String bindHost;
    private final int portLow;
    private final int portHigh;
    private final MeterRegistry meters;

    /**
     * @param bindHost the local address legs bind to and advertise in SDP answers (e.g. {@code 127.0.0.1})
     * @param portLow  lowest UDP port (inclusive)
     * @param portHigh highest UDP port (inclusive)
     * @param meters   where the media metrics are registered
     */
    public RtpMediaEngine(String bindHost, int portLow, int portHigh, MeterRegistry meters) {
        if (portLow < 1 || portHigh > 65535 || portLow > portHigh) {
            throw new IllegalArgumentException("bad media port range " + portLow + "-" + portHigh);
        }
        this.bindHost = bindHost;
        this.portLow = portLow;
        this.portHigh = portHigh;
        this.meters = meters;
    }

    @Override
    public MediaRoom openRoom(String callId) {
        throw new CallException(ErrorCode.SERVICE_UNAVAILABLE, "The media plane is not available yet.");
    }

    @Override
    public void close() {
    }
}
