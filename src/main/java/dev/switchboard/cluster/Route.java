package dev.switchboard.cluster;

import dev.switchboard.journal.JournaledCall;

/** Where a request on a call runs: here, on another node, nowhere (a call taken over after its node died), or unknown. */
public sealed interface Route {
    /** The call lives here. */
    record Local() implements Route {
    }

    /** The call lives on {@code owner}: hop there. */
    record Remote(NodeInfo owner) implements Route {
    }

    /** Its node died and a survivor ended it; it answers {@code GET} as terminated for a while. */
    record Terminated(JournaledCall call) implements Route {
    }

    /** Redis knows no such call: handled here (which answers 404 the usual way). */
    record Unknown() implements Route {
    }
}
