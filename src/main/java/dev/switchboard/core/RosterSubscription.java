package dev.switchboard.core;

/**
 * A participant's live view of one call's roster: {@link #initial()} is the roster at the moment of
 * subscribing, and the listener hears every later change (sequence numbers continue from it without a gap).
 * Close it to stop listening; closing twice is harmless.
 */
public final class RosterSubscription implements AutoCloseable {
    private final Conference conference;
    private final RosterListener listener;
    private final RosterUpdate initial;

    RosterSubscription(Conference conference, RosterListener listener, RosterUpdate initial) {
        this.conference = conference;
        this.listener = listener;
        this.initial = initial;
    }

    public RosterUpdate initial() {
        return initial;
    }

    RosterListener listener() {
        return listener;
    }

    @Override
    public void close() {
        conference.lock.lock();
        try {
            conference.subscriptions.remove(this);
        } finally {
            conference.lock.unlock();
        }
    }
}
