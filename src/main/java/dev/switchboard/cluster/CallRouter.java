package dev.switchboard.cluster;

import dev.switchboard.core.CallCommand;
import dev.switchboard.core.CallView;
import dev.switchboard.core.Caller;
import dev.switchboard.core.CreateCallRequest;

/**
 * Where a call lives and how a request reaches it: every request on a call goes through here. Locally
 * ({@link LocalCallRouter}) every call lives in this process; in cluster mode a router finds the owning node and
 * runs the command there. Nothing else knows which mode the server runs in.
 *
 * <p>Thread-safe; called on request threads. Failures are the engine's {@code SwitchboardException}s, unchanged.
 *
 * <p>Threads and locks: docs/concurrency.md.
 */
public interface CallRouter {

    /** Places a new call on a node and creates it there. */
    CallView create(CreateCallRequest request, Caller app);

    /** Runs {@code command} where its call lives and returns its answer. */
    <R> R send(CallCommand<R> command);
}
