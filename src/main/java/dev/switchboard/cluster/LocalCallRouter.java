package dev.switchboard.cluster;

import dev.switchboard.core.CallCommand;
import dev.switchboard.core.CallEngine;
import dev.switchboard.core.CallView;
import dev.switchboard.core.Caller;
import dev.switchboard.core.CreateCallRequest;

/** One node: every call lives in this process's {@link CallEngine}, so a command runs right here, on the caller's thread. *
/** One node: every call lives in this process's {@link CallEngine}, so a command runs right here, on the caller's thread. * <p>Threads and locks: docs/concurrency.md.
/** One node: every call lives in this process's {@link CallEngine}, so a command runs right here, on the caller's thread. */
public final class LocalCallRouter implements CallRouter {
    private final CallEngine engine;

    public LocalCallRouter(CallEngine engine) {
        this.engine = engine;
    }

    @Override
    public CallView create(CreateCallRequest request, Caller app) {
        return engine.bots().create(request, app);
    }

    @Override
    public <R> R send(CallCommand<R> command) {
        return command.runOn(engine);
    }
}
