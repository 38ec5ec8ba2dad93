package dev.switchboard.api;

import dev.switchboard.auth.CallsPermission;
import dev.switchboard.auth.Principal;
import dev.switchboard.core.DeviceQualityLog;
import io.javalin.http.Context;

import java.time.Clock;

/**
 * {@code POST /communications/calls/logTeleconferenceDeviceQuality}: needs {@code Calls.AccessMedia.All} (403
 * otherwise), validates the {@code teleconferenceDeviceQuality} ({@link DeviceQualityBody}: 400 naming the property,
 * nothing recorded), keeps it in the server's {@link DeviceQualityLog} (read through the admin API) and answers
 * {@code 200 OK} with no body, as Graph does. Request threads (docs/concurrency.md).
 */
public final class DeviceQualityHandler {
    private final GraphRequests requests;
    private final DeviceQualityLog log;
    private final Clock clock;

    public DeviceQualityHandler(GraphRequests requests, DeviceQualityLog log, Clock clock) {
        this.requests = requests;
        this.log = log;
        this.clock = clock;
    }

    public void log(Context ctx) {
        Principal app = requests.appPrincipal(ctx);
        CallsPermission.checkLogDeviceQuality(app);
        log.record(DeviceQualityBody.parse(requests.requiredBody(ctx), GraphRequests.caller(app), clock.instant()));
        ctx.status(200);
    }
}
