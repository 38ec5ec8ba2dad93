package dev.switchboard.core;

/**
 * Hears every roster change, in sequence order per call. Called on the thread that made the change with the
 * call's lock held: implementations must return quickly and never block (queue the update and return).
 * An exception is logged and otherwise ignored.
 */
@FunctionalInterface
public interface RosterListener {
    void rosterChanged(RosterUpdate update);
}
