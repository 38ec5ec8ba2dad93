package dev.switchboard.core;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One bot's call: the resource behind {@code /communications/calls/{id}}. Several bots' calls can share one
 * {@link Conference} (a group call joined by meeting coordinates). Mutable fields are guarded by the
 * conference's lock; the final ones are safe to read anywhere.
 */
final class Call {
    final String id;
    final Conference conference;
    final String tenantId;
    final String appId;
    /** What the bot asked for; an incoming call's is replaced by its answer's (callbackUri, mediaConfig). */
    CreateCallRequest request;
    final ParticipantIdentity source;
    final String myParticipantId;
    String mediaAnswer;
    CallState state = CallState.ESTABLISHING;
    Instant lastKeepAlive;
    /** When the bot created the call: a peer-to-peer call rings from here. */
    final Instant createdAt;
    ResultInfo resultInfo;
    /** Set for an incoming call (dialed by a user): who called; else null. */
    Inbound inbound;
    /** This group call's transfer of one of its users while it is {@code transferring} ({@link GroupTransfers}). */
    GroupTransfers.Pending groupTransfer;
    /** Finished operations, oldest first, bounded by the service's retention; made by the first one. */
    private OperationHistory finishedOperations;
    /** The bot called {@code subscribeToTone}: key presses reach it as {@code toneInfo}. */
    boolean toneSubscribed;
    /** The last {@code toneInfo.sequenceId} sent to the bot (the first is 1). */
    long toneSequence;
    /** The bot's audio routing groups by id, in creation order (docs/audio-routing.md). */
    final Map<String, AudioRoutingGroup> routingGroups = new LinkedHashMap<>();
    /** Running operations (queued media, DTMF sends, invitations); at most {@link CallRules#MAX_RUNNING_OPERATIONS} ({@link CallCapacity}). */
    final Map<String, Operation> runningOperations = new LinkedHashMap<>();
    /** Where its media jobs' endings are finished, one at a time in queue order; made by its first job ({@link IvrCalls}). */
    InOrder mediaEndings;

    Call(String id, Conference conference, String tenantId, String appId, CreateCallRequest request,
         ParticipantIdentity source, String myParticipantId, Instant now) {
        this.id = id;
        this.conference = conference;
        this.tenantId = tenantId;
        this.appId = appId;
        this.request = request;
        this.source = source;
        this.myParticipantId = myParticipantId;
        this.lastKeepAlive = now;
        this.createdAt = now;
    }

    boolean live() {
        return state == CallState.ESTABLISHING || state == CallState.ESTABLISHED || state == CallState.INCOMING
                || state == CallState.TRANSFERRING || state == CallState.TRANSFER_ACCEPTED;
    }

    void remember(Operation op, int retention) {
        if (op.status() == OperationStatus.RUNNING || op.status() == OperationStatus.NOT_STARTED) {
            runningOperations.put(op.id(), op);
            return;
        }
        runningOperations.remove(op.id());
        if (finishedOperations == null) {
            finishedOperations = new OperationHistory(id, retention);
        }
        finishedOperations.add(op);
    }

    Operation operation(String opId) {
        Operation op = runningOperations.get(opId);
        return op != null || finishedOperations == null ? op : finishedOperations.get(opId);
    }

    /** The finished operations kept, oldest first (new list). */
    List<Operation> finishedOperations() {
        return finishedOperations == null ? new java.util.ArrayList<>() : finishedOperations.all();
    }

    CallEvent.BotAddress address() {
        return new CallEvent.BotAddress(id, tenantId, appId, request.callbackUri(), request.deltaRoster());
    }

    CallView view(List<ParticipantView> roster) {
        return new CallView(id, conference.id, tenantId, state, myParticipantId, conference.peerToPeer, request, source,
                mediaAnswer, conference.joinMeetingId, resultInfo, roster, inbound == null ? null
                : new CallView.Inbound(inbound.caller, inbound.callerParticipantId, inbound.transferor));
    }

    /**
     * The incoming side of a call a user dialed (docs/inbound-calls.md). Guarded by the conference lock.
     */
    static final class Inbound {
        final ParticipantIdentity caller;
        final String callerParticipantId;
        /** Who transferred the caller here (a transfer's new call), or null. */
        final ParticipantIdentity transferor;
        /** The answer window closes here; unanswered then, the call ends with 408/1106. */
        java.time.Instant answerBy;
        /** For the target's call of a transfer: the transferring bot's call, which ends once this one is answered. */
        Call transferFrom;
        /** For the target's call of a transfer out of a group call: that transfer, which completes once this is answered. */
        GroupTransfers.Pending fromGroup;
        /** Set once the call was redirected here: it times out with 408/10057 instead of 408/1106. */
        boolean redirected;

        Inbound(ParticipantIdentity caller, String callerParticipantId, ParticipantIdentity transferor, java.time.Instant answerBy) {
            this.caller = caller;
            this.callerParticipantId = callerParticipantId;
            this.transferor = transferor;
            this.answerBy = answerBy;
        }
    }
}
