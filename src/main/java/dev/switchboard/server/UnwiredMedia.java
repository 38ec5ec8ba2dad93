package dev.switchboard.server;

import dev.switchboard.core.CallException;
import dev.switchboard.core.ErrorCode;
import dev.switchboard.media.MediaEngine;
import dev.switchboard.media.MediaLeg;
import dev.switchboard.media.MediaRoom;

/**
 * Stand-in media engine for a server built before the RTP media plane is wired in: server-side legs exist (so
 * service-hosted bots and the mute family work, without audio), RTP legs are refused with 503. Replaced by
 * {@code RtpMediaEngine} in the server's wiring.
 */
final class UnwiredMedia implements MediaEngine {

    @Override
    public MediaRoom openRoom(String callId) {
        return new MediaRoom() {
            @Override
            public String callId() {
                return callId;
            }

            @Override
            public MediaLeg addLeg(String participantId, String sdpOffer) {
                throw new CallException(ErrorCode.SERVICE_UNAVAILABLE, "This server has no RTP media plane configured.");
            }

            @Override
            public MediaLeg addServerLeg(String participantId) {
                return new SilentLeg(participantId);
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }

    @Override
    public void close() {
        // nothing held
    }

    private record SilentLeg(String participantId) implements MediaLeg {
        @Override
        public String sdpAnswer() {
            return null;
        }

        @Override
        public void setServerMuted(boolean muted) {
            // no packets to drop
        }

        @Override
        public void setClientMuted(boolean muted) {
            // no packets to drop
        }

        @Override
        public void close() {
            // nothing held
        }
    }
}
