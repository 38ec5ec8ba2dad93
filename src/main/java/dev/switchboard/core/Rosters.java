package dev.switchboard.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Roster changes: the next sequence number, the stamps on the changed entries, and the {@link CallEvent.RosterChanged}
 * event. Called with the conference lock held, which is what orders everything per call.
 *
 * <p>Threads and locks: docs/concurrency.md.
 */
final class Rosters {
    private final CallEvents events;

    Rosters(CallEvents events) {
        this.events = events;
    }

    /** Bumps the sequence, stamps the changed entries, publishes the change. */
    void changed(Conference c, List<Participant> changed, List<Participant> removed) {
        long seq = ++c.rosterSequence;
        List<ParticipantView> delta = new ArrayList<>(changed.size() + removed.size());
        for (Participant p : changed) {
            p.rosterSequenceNumber = seq;
            delta.add(p.view());
        }
        for (Participant p : removed) {
            delta.add(p.removedView(seq));
        }
        events.rosterChanged(c, new RosterUpdate(c.aliases, c.id, seq, c.roster(), delta, false));
    }

    /**
     * {@code p} left the call for call {@code toCallId} (moved there with their media leg) while the call goes on: a
     * removal whose roster message tells that participant's client where to follow.
     */
    void movedOut(Conference c, Participant p, String toCallId) {
        long seq = ++c.rosterSequence;
        events.rosterChanged(c, new RosterUpdate(c.aliases, c.id, seq, c.roster(), List.of(p.removedView(seq)), false,
                null, toCallId, p.id));
    }

    /** The call ended: everyone still in it is removed, with one last sequence number. */
    void ended(Conference c, List<ParticipantView> removed, long seq) {
        events.rosterChanged(c, new RosterUpdate(c.aliases, c.id, seq, List.of(), removed, true));
    }

    /** The call ended for {@code why}: as {@link #ended(Conference, List, long)}, with the reason for the callers. */
    void ended(Conference c, List<ParticipantView> removed, long seq, ResultInfo why) {
        events.rosterChanged(c, new RosterUpdate(c.aliases, c.id, seq, List.of(), removed, true, why, c.movedTo, null));
    }
}
