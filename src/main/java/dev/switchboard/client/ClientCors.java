package dev.switchboard.client;

import io.javalin.http.Context;

/**
 * Cross-origin access to the client API for single-page apps (an MSAL Browser page on another origin calls it with
 * the user's token, as pages call Microsoft Graph): any origin, no cookies (the API authenticates by bearer token
 * only, so a wildcard origin grants a page nothing its token does not). Stateless; request threads.
 */
final class ClientCors {
    private static final String ALLOWED_HEADERS = "[A-Za-z0-9, -]{0,1000}";

    private ClientCors() {
    }

    /** On every client API response to a request that carries {@code Origin}. */
    static void allow(Context ctx) {
        if (ctx.header("Origin") != null) {
            ctx.header("Access-Control-Allow-Origin", "*");
            ctx.header("Access-Control-Expose-Headers", "Location, request-id, client-request-id");
        }
    }

    /** The browser's preflight ({@code OPTIONS}) before a POST or DELETE with {@code Authorization}. */
    static void preflight(Context ctx) {
        ctx.header("Access-Control-Allow-Origin", "*");
        ctx.header("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
        String asked = ctx.header("Access-Control-Request-Headers");
        ctx.header("Access-Control-Allow-Headers", asked != null && asked.matches(ALLOWED_HEADERS) ? asked : "authorization, content-type");
        ctx.header("Access-Control-Max-Age", "600");
        ctx.status(204);
    }
}
