package dev.switchboard.server;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * Whether the server still takes new calls. Once draining, {@code /readyz} answers 503 and requests that start a call
 * or join one are refused with 503, while live calls go on; it never stops draining. Thread-safe: any request thread
 * reads it, the shutdown path sets it.
 */
final class Draining {
    private static final Logger log = LoggerFactory.getLogger(SwitchboardServer.class); // the server's log, as ever
    /** Requests that start a call or join one: refused while draining. */
    private static final Pattern NEW_CALL = Pattern.compile(
            "(?i)/v1\\.0/(communications|app)/calls/?|/client/v1/calls/[^/]+/participants/?");

    private final AtomicBoolean draining = new AtomicBoolean();

    /** Starts draining (logged once); later calls do nothing. */
    void begin() {
        if (draining.compareAndSet(false, true)) {
            log.info("draining: no new calls");
        }
    }

    /** Whether new calls are still taken (what {@code /readyz} reports). */
    boolean ready() {
        return !draining.get();
    }

    /**
     * A before-handler: refuses a request that starts a call or joins one while draining.
     *
     * @throws SwitchboardException {@link ErrorCode#SERVICE_UNAVAILABLE}, retry after 30 s
     */
    void refuseNewCalls(Context ctx) {
        if (draining.get() && ctx.method() == HandlerType.POST && NEW_CALL.matcher(ctx.path()).matches()) {
            throw new SwitchboardException(ErrorCode.SERVICE_UNAVAILABLE,
                    "The server is shutting down and takes no new calls.", Duration.ofSeconds(30));
        }
    }
}
