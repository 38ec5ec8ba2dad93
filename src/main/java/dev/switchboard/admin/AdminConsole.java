package dev.switchboard.admin;

import dev.switchboard.auth.BearerAuthenticator;
import dev.switchboard.auth.IdentityDirectory;
import dev.switchboard.auth.SignInThrottle;
import dev.switchboard.auth.TokenIssuer;
import dev.switchboard.cluster.CallRouter;
import dev.switchboard.core.CallDirectory;
import dev.switchboard.core.CallEventSink;
import dev.switchboard.core.DeviceQualityLog;
import dev.switchboard.media.RtpMediaEngine;
import dev.switchboard.notify.DeliveryObserver;
import io.javalin.config.RoutesConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;

/**
 * The dashboard and its admin API, built in two steps because the call engine needs this console's event sink before
 * the console can read the engine's calls: {@link #AdminConsole} makes the sink ({@link #events()}) and the delivery
 * history ({@link #deliveries()}); {@link #register} adds the routes once the engine exists.
 */
public final class AdminConsole {
    private final Clock clock;
    private final DeliveryLog deliveries = new DeliveryLog();
    private final EndedCalls ended;
    private final AuditLog audit = new AuditLog();
    private final DeviceQualityLog deviceQuality;

    /** @param deviceQuality the bots' device quality reports, shown read-only */
    public AdminConsole(Clock clock, DeviceQualityLog deviceQuality) {
        this.clock = clock;
        this.deviceQuality = deviceQuality;
        this.ended = new EndedCalls(clock, deliveries::forget);
    }

    /** What the call engine tells the console (calls that ended, with their resultInfo). */
    public CallEventSink events() {
        return ended;
    }

    /** What the notifier tells the console (each webhook POST's outcome). */
    public DeliveryObserver deliveries() {
        return deliveries;
    }

    /**
     * Adds {@code /admin/v1/...} and {@code /dashboard}.
     *
     * @param media   the RTP media plane (leg readings), or null for another engine
     * @param meters  the server's meters (the numbers of {@code /metrics}), or null
     * @param signIns the limit on failed sign-ins the authority's sign-in paths share
     */
    public void register(RoutesConfig routes, CallDirectory calls, CallRouter router, BearerAuthenticator authenticator,
                         IdentityDirectory identities, TokenIssuer issuer, RtpMediaEngine media, MeterRegistry meters,
                         SignInThrottle signIns) {
        AdminView view = new AdminView(calls, ended, deliveries, new LegReadings(media), new ServerNumbers(meters), clock);
        AdminHandler handler = new AdminHandler(new AdminAccess(authenticator, identities, issuer, signIns), view, router, audit);
        LiveFeed feed = new LiveFeed(handler, view, clock);
        AdminRoutes.register(routes, handler, feed, new DeviceQualityReports(handler, deviceQuality), new DashboardAssets());
        if (meters != null) {
            Gauge.builder("switchboard.dashboard.feeds.open", feed, LiveFeed::open)
                    .description("Live dashboard feeds open now").register(meters);
            Gauge.builder("switchboard.dashboard.feed.topics", feed, f -> f.hub().topics())
                    .description("Shared live-feed topics rendered now (0 while no dashboard is open)").register(meters);
        }
    }
}
