package dev.switchboard.core;

import java.time.Clock;
import java.util.List;

/**
 * {@code updateRecordingStatus}: the bot says whether it records; its roster entry shows it as {@code recordingInfo}
 * (initiator: the bot) to every participant — a roster change for the bots of a group call and for every roster
 * stream. Completes at once, as in Graph's example. Thread-safe; request threads, one conference lock per action.
 */
public final class RecordingStatusCalls {
    private final CallAccess access;
    private final Rosters rosters;
    private final Clock clock;
    private final int retention;

    RecordingStatusCalls(CallAccess access, Rosters rosters, Clock clock, int retention) {
        this.access = access;
        this.rosters = rosters;
        this.clock = clock;
        this.retention = retention;
    }

    public Operation update(String callId, RecordingStatus status, Caller app, String clientContext) {
        CallRules.checkClientContext(clientContext);
        return access.withCall(callId, app, call -> {
            CallRules.requireAnswered(call);
            Conference c = call.conference;
            Participant bot = CallRules.participantOf(c, call.myParticipantId);
            if (bot.recordingStatus != status) {
                bot.recordingStatus = status;
                rosters.changed(c, List.of(bot), List.of());
            }
            Operation op = new Operation(Ids.next(), call.id, OperationKind.UPDATE_RECORDING_STATUS,
                    OperationStatus.COMPLETED, clientContext, null, List.of(), clock.instant());
            call.remember(op, retention);
            return op;
        });
    }
}
