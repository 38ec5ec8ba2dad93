package dev.switchboard.client;

import dev.switchboard.core.CallDirectory;
import dev.switchboard.core.CallSnapshot;
import dev.switchboard.core.ParticipantView;
import dev.switchboard.media.FreshLevels;
import dev.switchboard.media.RtpMediaEngine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Participants' levels as the dashboard reads them ({@code admin.LegReadings}): the peak of the last frame the mixer
 * decoded for each leg, as 0..1 of full scale, and 0 when the leg has had no frame mixed since the previous reading
 * (server-muted, self-muted, silent, or gone). Read only when asked (the roster stream asks at most
 * {@link RosterStreams#LEVELS_PER_SECOND} times a second per call while someone has the stream open); nothing here runs
 * on the packet path. Each reading takes the call's conference lock briefly (a snapshot) and each leg's buffer lock
 * briefly (the sample).
 *
 * <p>Thread-safe ({@link FreshLevels}).
 */
public final class ParticipantLevels implements CallLevels {
    private final CallDirectory directory;
    private final RtpMediaEngine media;
    private final FreshLevels fresh = new FreshLevels();

    /** @param media the RTP media plane, or null when the server runs another engine (then every call has no levels) */
    public ParticipantLevels(CallDirectory directory, RtpMediaEngine media) {
        this.directory = directory;
        this.media = media;
    }

    @Override
    public Map<String, Double> levels(String callId) {
        Optional<CallSnapshot> call = media == null ? Optional.empty() : directory.call(callId);
        if (call.isEmpty()) {
            return Map.of();
        }
        CallSnapshot c = call.get();
        Map<String, Double> out = new LinkedHashMap<>();
        for (ParticipantView p : c.roster()) {
            if (!p.removed()) {
                media.legSample(c.mediaRoomId(), p.id()).ifPresent(s -> out.put(p.id(), fresh.level(c.mediaRoomId(), p.id(), s)));
            }
        }
        return out;
    }
}
