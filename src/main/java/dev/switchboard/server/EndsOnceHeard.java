package dev.switchboard.server;

import dev.switchboard.journal.CallJournal;
import dev.switchboard.journal.JournaledCall;
import dev.switchboard.notify.NotificationSink;

import java.util.List;

/**
 * The node's call journal, with one change: a call's end is written only once its bot heard everything about the
 * call (its {@code terminated} delivered, or given up after its TTL). Until then a crash, or a stop whose 10 s of
 * delivery ran out, leaves the call in the journal, with the reason it ended ({@link #callFinished}), and the next
 * start tells the bot the call is over with that reason (a call that was live: 500/9001): the bot hears of the end at
 * least once. The engine calls it, like any journal, with the
 * call's conference lock held and after the {@code terminated} was queued; the end is then appended at once (nothing
 * left to deliver) or later on a notifier thread. See docs/durability.md.
 */
final class EndsOnceHeard implements CallJournal {
    private final CallJournal journal;
    private final NotificationSink bots;

    EndsOnceHeard(CallJournal journal, NotificationSink bots) {
        this.journal = journal;
        this.bots = bots;
    }

    @Override
    public void callCreated(JournaledCall call) {
        journal.callCreated(call);
    }

    @Override
    public void callRinging(JournaledCall call) {
        journal.callRinging(call);
    }

    @Override
    public void callUpdated(JournaledCall call) {
        journal.callUpdated(call);
    }

    @Override
    public void participantsChanged(String callId, List<String> participantIds) {
        journal.participantsChanged(callId, participantIds);
    }

    @Override
    public void callEnded(String callId) {
        bots.whenSettled(callId, () -> journal.callEnded(callId));
    }

    /** Kept until the bot heard the end ({@link #callEnded} above writes it then); a restart announces {@code why}. */
    @Override
    public void callFinished(String callId, dev.switchboard.journal.JournaledEnd why) {
        journal.callFinished(callId, why);
    }

    @Override
    public void callLeft(String callId, String conferenceId) {
        bots.whenSettled(callId, () -> journal.callLeft(callId, conferenceId));
    }
}
