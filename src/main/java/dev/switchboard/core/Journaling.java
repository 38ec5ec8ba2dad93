package dev.switchboard.core;

import dev.switchboard.journal.CallJournal;
import dev.switchboard.journal.JournaledCall;
import dev.switchboard.journal.JournaledEnd;

import java.util.ArrayList;
import java.util.List;

/**
 * The engine's journal points, in its own terms: a bot's call was created, a conference's participants
 * changed (join, leave, a bot in or out; never a mute), a bot's call ended; and where a conference is found by ids
 * that have no live bot call (an alias, a bot call that left a conference going on, a moved user's old id) until it
 * ends. Called with the conference lock held.
 */
final class Journaling {
    private final CallJournal journal;

    Journaling(CallJournal journal) {
        this.journal = journal;
    }

    /** Durable when it returns; the bot's participant is already in the conference. @throws dev.switchboard.error.SwitchboardException SERVICE_UNAVAILABLE */
    void created(Call call) {
        journal.callCreated(new JournaledCall(call.id, call.conference.id, call.tenantId, call.appId,
                call.request.callbackUri(), call.myParticipantId, ids(call.conference)));
    }

    /** A ringing incoming call, kept across a process crash when this returns; forced to disk in the background. */
    void ringing(Call call) {
        journal.callRinging(new JournaledCall(call.id, call.conference.id, call.tenantId, call.appId,
                call.request.callbackUri(), call.myParticipantId, ids(call.conference)));
    }

    /** A ringing call was answered: its record again (callback URI, the bot's participant), without a disk flush. */
    void answered(Call call) {
        journal.callUpdated(new JournaledCall(call.id, call.conference.id, call.tenantId, call.appId,
                call.request.callbackUri(), call.myParticipantId, ids(call.conference)));
    }

    /** Every live bot call of {@code c} but {@code except} (may be null) now has the conference's participants. */
    void participantsChanged(Conference c, Call except) {
        List<String> ids = ids(c);
        for (Call bot : c.botCalls) {
            if (bot != except && bot.live()) {
                journal.participantsChanged(bot.id, ids);
            }
        }
    }

    /** The bot's call ended (its {@code resultInfo} set): a journal still holding it keeps why, for a restart. */
    void ended(Call call) {
        journal.callEnded(call.id);
        finished(call);
    }

    /** The bot's call ended but its conference goes on: its users still address it by the call's id. */
    void left(Call call) {
        journal.callLeft(call.id, call.conference.id);
        finished(call);
    }

    private void finished(Call call) {
        ResultInfo why = call.resultInfo;
        if (why != null) {
            journal.callFinished(call.id, new JournaledEnd(why.code(), why.subcode(),
                    why.message() == null ? "" : why.message()));
        }
    }

    /**
     * Users reach {@code c} by {@code callId}, which has no bot call (a transfer's new call).
     *
     * @throws dev.switchboard.error.SwitchboardException SERVICE_UNAVAILABLE (nothing kept: the call must not ring)
     */
    void aliased(Conference c, String callId) {
        journal.aliasAdded(callId, c.id);
    }

    /** User {@code userId} moved from call {@code fromCallId} into {@code c}, addressed as {@code intoCallId}. */
    void moved(String fromCallId, String userId, Conference c, String intoCallId) {
        journal.userMoved(fromCallId, userId, intoCallId, c.id);
    }

    /** {@code c} ended: none of its ids leads anywhere any more. */
    void conferenceEnded(Conference c) {
        journal.conferenceEnded(c.id);
    }

    private static List<String> ids(Conference c) {
        return new ArrayList<>(c.participants.keySet());
    }
}
