package dev.switchboard.core;

import dev.switchboard.media.MediaLeg;

import java.util.List;

/**
 * The steps of moving a user, with their participant id and media leg, from one conference to another: out of the
 * first (its lock held), into the second (its lock held), or back where they were. Used by consultative transfers and
 * invitations that replace a call ({@link CallReplacements}) and by transfers out of a group call
 * ({@link GroupTransfers}); those classes order the steps so that no two conference locks are ever held at once
 * (docs/concurrency.md). Between the steps the user is in neither roster and no room mixes their leg.
 */
final class ParticipantMoves {
    private final CallRegistry registry;
    private final Departures departures;
    private final Rosters rosters;
    private final Invitations invitations;
    private final Journaling journal;
    private final CallEvents events;

    ParticipantMoves(CallRegistry registry, Departures departures, Rosters rosters, Invitations invitations,
                     Journaling journal, CallEvents events) {
        this.registry = registry;
        this.departures = departures;
        this.rosters = rosters;
        this.invitations = invitations;
        this.journal = journal;
        this.events = events;
    }

    /** A participant on its way out of call {@code fromCallId}: out of its roster and room, its leg open. */
    record Moving(Participant participant, MediaLeg leg, String fromCallId) {
    }

    /**
     * Takes {@code p} out of {@code c} (addressed as {@code fromCallId}): out of the room (the leg detached, open) and
     * out of the participants, without a roster message yet (the caller sends it once the user arrived). Null, nothing
     * changed, when {@code p} has no leg or the room would not let it go. Lock of {@code c} held.
     */
    Moving takeOut(Conference c, Participant p, String fromCallId) {
        if (p == null || p.leg == null || !c.room.detach(p.leg)) {
            return null;
        }
        c.participants.remove(p.id);
        Departures.releaseHold(c, p);
        return new Moving(p, p.leg, fromCallId);
    }

    /**
     * The user arrives in {@code c} (addressed as {@code callId}) with the same participant id and leg: the server mute
     * stays behind, their own mute comes along. The ring stream tells the user ({@code moved}). Lock of {@code c} held.
     */
    void arrive(Conference c, Moving m, String callId, boolean outsideDefaultAudio) {
        Participant was = m.participant();
        Participant p = new Participant(was.id, was.identity, Integer.toString(c.nextSourceId++), null, m.leg());
        p.clientMuted = was.clientMuted;
        p.outsideDefaultAudio = outsideDefaultAudio || c.usersOutsideDefaultAudio.contains(was.identity.id());
        if (outsideDefaultAudio) {
            c.usersOutsideDefaultAudio.add(was.identity.id());
        }
        c.participants.put(p.id, p);
        if (p.outsideDefaultAudio) {
            AudioRoutingCalls.apply(c); // routed before the room mixes the leg
        }
        m.leg().setServerMuted(false); // the new call's bot never muted them; no room mixes the leg yet
        c.room.adopt(m.leg());
        departures.watchLeg(c, p, m.leg());
        rosters.changed(c, List.of(p), List.of());
        journal.participantsChanged(c, null);
        invitations.completeReady(c);
        registry.moved(m.fromCallId(), was.identity.id(), c);
        journal.moved(m.fromCallId(), was.identity.id(), c, callId);
        events.participantMoved(c, p, m.fromCallId(), callId);
    }

    /** The move did not happen: the user is back in {@code c}, where they were, as they were. Lock of {@code c} held. */
    void putBack(Conference c, Moving m) {
        Participant p = m.participant();
        c.participants.put(p.id, p);
        c.room.adopt(m.leg());
    }
}
