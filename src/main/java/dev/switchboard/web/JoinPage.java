package dev.switchboard.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The page a person opens to join a call from a browser: {@code GET /join/{callId}} (and {@code GET /join}, which shows
 * how to open one). Everything is in the jar under {@code /join/} (plain ES modules, no CDN, works offline): the page
 * signs the person in with the embedded authority's authorization-code + PKCE flow (a public client of the tenant),
 * then joins through the client API (WHIP) and follows the roster stream. {@code GET /join/config.json} tells the page
 * where to sign in. Request threads; the assets are read once at construction.
 */
public final class JoinPage {
    /** The files the page consists of; nothing else under /join/ is served (no path from a request reaches the classpath). */
    static final List<String> ASSETS = List.of("join.js", "auth.js", "call.js", "roster.js", "meter.js", "join.css");
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._@-]{1,128}");
    private static final String CSP = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
            + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    private final byte[] html;
    private final Map<String, byte[]> assets = new LinkedHashMap<>();
    private final String config;

    /**
     * @param signIn the tenant and public client the page signs people in with, or null when the directory has no
     *               public client (the page then says so)
     */
    public JoinPage(SignIn signIn) {
        this.html = read("index.html");
        for (String name : ASSETS) {
            assets.put(name, read(name));
        }
        this.config = signIn == null ? "{\"signIn\":null}"
                : "{\"signIn\":{\"tenantId\":\"" + signIn.tenantId() + "\",\"clientId\":\"" + signIn.clientId() + "\"}}";
    }

    /**
     * Where the page signs people in: a tenant and one of its public clients (no secret; PKCE).
     *
     * @param tenantId the tenant id as the authority's URLs take it
     * @param clientId the public client's app id
     */
    public record SignIn(String tenantId, String clientId) {
        public SignIn {
            if (!SAFE_ID.matcher(tenantId).matches() || !SAFE_ID.matcher(clientId).matches()) {
                throw new IllegalArgumentException("tenant and client ids are GUIDs or names");
            }
        }
    }

    /** The link a person opens to join {@code callId}, on a server at {@code baseUrl} (no trailing slash). */
    public static String link(String baseUrl, String callId) {
        return baseUrl + "/join/" + callId;
    }

    public static void register(RoutesConfig routes, JoinPage page) {
        routes.get("/join", page::page);
        routes.get("/join/config.json", page::config);
        routes.get("/join/assets/{name}", page::asset);
        routes.get("/join/{callId}", page::page);
    }

    private void page(Context ctx) {
        ctx.header("Content-Security-Policy", CSP).header("Cache-Control", "no-store")
                .header("Referrer-Policy", "no-referrer").header("X-Content-Type-Options", "nosniff");
        ctx.contentType("text/html; charset=utf-8").result(html);
    }

    private void config(Context ctx) {
        ctx.header("Cache-Control", "no-store").contentType("application/json").result(config);
    }

    private void asset(Context ctx) {
        String name = ctx.pathParam("name");
        byte[] body = assets.get(name);
        if (body == null) {
            ctx.status(404).contentType("text/plain").result("No such file.");
            return;
        }
        ctx.header("Cache-Control", "no-cache").header("X-Content-Type-Options", "nosniff");
        ctx.contentType(name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8").result(body);
    }

    private static byte[] read(String name) {
        try (InputStream in = JoinPage.class.getResourceAsStream("/join/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks /join/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
