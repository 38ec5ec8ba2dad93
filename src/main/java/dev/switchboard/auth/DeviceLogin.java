package dev.switchboard.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

import java.time.Duration;
import java.time.Instant;

/**
 * The device code flow's two pages: {@code POST /{tenant}/oauth2/v2.0/devicecode} (the device asks; JSON as Entra's)
 * and {@code /{tenant}/oauth2/v2.0/devicelogin} (the user types the code and signs in on any browser). The device
 * then polls the token endpoint with {@code grant_type=urn:ietf:params:oauth:grant-type:device_code}. Any request thread.
 */
final class DeviceLogin {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int POLL_INTERVAL_SECONDS = 1;

    private DeviceLogin() {
    }

    /** The device's request; the caller wraps it in the OAuth error shape. */
    static void start(Context ctx, EmbeddedAuthority authority, java.util.Map<String, String> form) {
        TokenEndpoint.DeviceStart started = authority.tokenEndpoint().startDevice(ctx.pathParam("tenant"), form,
                ctx.req().getRemoteAddr());
        String uri = IdentityRoutes.urls(ctx, authority).base() + "/" + started.device().tenantId() + "/oauth2/v2.0/devicelogin";
        ObjectNode body = JSON.createObjectNode();
        body.put("device_code", started.deviceCode());
        body.put("user_code", started.device().userCode());
        body.put("verification_uri", uri);
        body.put("expires_in", Duration.between(Instant.now(), started.device().expiresAt()).toSeconds());
        body.put("interval", POLL_INTERVAL_SECONDS);
        body.put("message", "To sign in, use a web browser to open the page " + uri + " and enter the code "
                + started.device().userCode() + " to authenticate.");
        ctx.header("Cache-Control", "no-store, no-cache");
        ctx.contentType("application/json; charset=utf-8").result(body.toString());
    }

    static void show(Context ctx) {
        page(ctx, null, ctx.queryParam("otc"));
    }

    static void approve(Context ctx, EmbeddedAuthority authority) {
        java.util.Map<String, String> form;
        try {
            form = FormFields.body(ctx);
        } catch (FormFields.Unreadable e) {
            ctx.status(400);
            page(ctx, e.describe(), null);
            return;
        }
        String tenant = authority.directory().canonicalTenantId(ctx.pathParam("tenant")).orElse(null);
        String userCode = form.get("otc");
        String username = form.get("username");
        String password = form.get("password");
        UserAccount user = tenant == null || username == null ? null : authority.directory().user(tenant, username.strip()).orElse(null);
        SignInLimits signIns = authority.tokenEndpoint().signInLimits();
        String address = ctx.req().getRemoteAddr();
        java.time.Duration wait = signIns.blocked(user, username, address, "devicelogin");
        if (wait != null) {
            ctx.status(429).header("Retry-After", Long.toString(SignInThrottle.seconds(wait)));
            page(ctx, SignInThrottle.lockedMessage(wait), userCode);
            return;
        }
        if (password == null || !authority.directory().passwordMatches(user, password)) {
            signIns.failed(user, username, address);
            page(ctx, "Your account or password is incorrect.", userCode);
            return;
        }
        signIns.succeeded(user, username, address);
        if (!authority.tokenEndpoint().grants().approve(userCode, tenant, user.userId())) {
            page(ctx, "That code didn't work. Check the code and try again.", null);
            return;
        }
        ctx.header("Cache-Control", "no-store, no-cache");
        ctx.html("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Signed in</title></head><body>"
                + "<h1 id=\"done\">You have signed in to the application on your device.</h1><p>You may now close this window.</p></body></html>");
    }

    private static void page(Context ctx, String error, String code) {
        ctx.header("Cache-Control", "no-store, no-cache");
        ctx.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
        ctx.html("""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Enter code - Switchboard</title>
                <style>body{font-family:sans-serif;max-width:22rem;margin:4rem auto}label,input,button{display:block;width:100%%;margin:.4rem 0}.error{color:#a00}</style></head>
                <body><h1>Enter code</h1><p>Enter the code displayed on your app or device, then sign in.</p>
                %s
                <form method="post" id="devicelogin">
                <label for="otc">Code</label><input id="otc" name="otc" value="%s" autocomplete="off" required>
                <label for="username">Username</label><input id="username" name="username" autocomplete="username" required>
                <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
                <button type="submit" id="submit">Sign in</button></form></body></html>
                """.formatted(error == null ? "" : "<p class=\"error\" id=\"error\">" + AuthorizeEndpoint.html(error) + "</p>",
                AuthorizeEndpoint.html(code == null ? "" : code)));
    }
}
