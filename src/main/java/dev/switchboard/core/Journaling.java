package dev.switchboard.core;

import dev.switchboard.journal.CallJournal;
import dev.switchboard.journal.JournaledCall;

import java.util.ArrayList;
import java.util.List;

/**
 * The engine's journal points, in its own terms: a bot's call was created, a conference's participants
 * changed (join, leave, a bot in or out; never a mute), a bot's call ended. Called with the conference lock held.
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

    void ended(Call call) {
        journal.callEnded(call.id);
    }

    private static List<String> ids(Conference c) {
        return new ArrayList<>(c.participants.keySet());
    }
}
