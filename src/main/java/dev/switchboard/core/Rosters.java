package dev.switchboard.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Roster changes: the next sequence number, the stamps on the changed entries, the bots' roster notifications and
 * the listeners. Called with the conference lock held, which is what orders everything per call.
 */
final class Rosters {
    private static final Logger log = LoggerFactory.getLogger(Rosters.class);
    private final CallNotifications notifications;
    private final List<RosterListener> listeners = new CopyOnWriteArrayList<>();

    Rosters(CallNotifications notifications) {
        this.notifications = notifications;
    }

    void addListener(RosterListener listener) {
        listeners.add(listener);
    }

    void removeListener(RosterListener listener) {
        listeners.remove(listener);
    }

    /** Bumps the sequence, stamps the changed entries, notifies the bots and the roster listeners. */
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
        List<ParticipantView> roster = c.roster();
        if (!c.peerToPeer) {
            for (Call bot : c.botCalls) {
                if (bot.live()) {
                    notifications.roster(bot, roster, delta);
                }
            }
        }
        publish(c, new RosterUpdate(c.aliases, c.id, seq, roster, delta, false));
    }

    void publish(Conference c, RosterUpdate update) {
        for (RosterListener l : listeners) {
            deliver(l, update);
        }
        for (RosterSubscription s : c.subscriptions) {
            deliver(s.listener(), update);
        }
    }

    private static void deliver(RosterListener l, RosterUpdate update) {
        try {
            l.rosterChanged(update);
        } catch (RuntimeException e) {
            log.warn("roster listener failed callChainId={} sequence={}", update.callChainId(), update.sequenceNumber(), e);
        }
    }

}
