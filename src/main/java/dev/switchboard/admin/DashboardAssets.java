package dev.switchboard.admin;

import dev.switchboard.error.SwitchboardException;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard page, served from the jar ({@code src/main/resources/dashboard/}): plain ES modules, no build step, no
 * CDN. Only the files named in {@link #TYPES} exist (no path is ever read from the request). The page holds no data;
 * everything it shows comes from the admin API with the signed-in administrator's token.
 */
final class DashboardAssets {
    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "api.js", "text/javascript; charset=utf-8",
            "views.js", "text/javascript; charset=utf-8",
            "style.css", "text/css; charset=utf-8");
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    void index(Context ctx) {
        serve(ctx, "index.html");
    }

    void asset(Context ctx) {
        serve(ctx, ctx.pathParam("asset"));
    }

    private void serve(Context ctx, String name) {
        String type = TYPES.get(name);
        if (type == null) {
            throw SwitchboardException.notFound("Dashboard file '" + name + "'");
        }
        byte[] bytes = cache.computeIfAbsent(name, DashboardAssets::load);
        ctx.status(200).contentType(type);
        ctx.header("Cache-Control", "no-cache");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                + "script-src 'self'; connect-src 'self'; frame-ancestors 'none'");
        ctx.res().setContentLength(bytes.length);
        try {
            ctx.res().getOutputStream().write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("the client went away", e);
        }
    }

    private static byte[] load(String name) {
        try (InputStream in = DashboardAssets.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard asset missing from the jar: " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
