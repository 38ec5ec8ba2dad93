package dev.switchboard.admin;

import io.javalin.config.RoutesConfig;

/** The admin API's route table and the dashboard page, read top to bottom (docs/admin-api.md). */
public final class AdminRoutes {
    static final String ROOT = "/admin/v1";

    private AdminRoutes() {
    }

    static void register(RoutesConfig routes, AdminHandler h, LiveFeed feed, DeviceQualityReports quality,
                         DashboardAssets page) {
        String call = ROOT + "/calls/{callId}";
        String participant = call + "/participants/{participantId}";

        routes.post(ROOT + "/signin", h::signIn);
        routes.get(ROOT + "/me", h::me);
        routes.get(ROOT + "/server", h::server);
        routes.get(ROOT + "/calls", h::calls);
        routes.get(call, h::call);
        routes.get(call + "/levels", h::levels);
        routes.get(call + "/deliveries/{notificationId}", h::deliveryBody);
        routes.post(call + "/end", h::end);
        routes.post(participant + "/mute", h::mute);
        routes.post(participant + "/unmute", h::unmute);
        routes.delete(participant, h::remove);
        routes.get(ROOT + "/feed", feed::serve);
        routes.get(ROOT + "/deviceQualityReports", quality::list);

        routes.get("/dashboard", page::index);
        routes.get("/dashboard/{asset}", page::asset);
    }
}
