package dev.switchboard.auth;

import io.javalin.http.Context;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /{tenant}/oauth2/v2.0/authorize}: the authorization code flow (with PKCE) as Entra runs it, for MSAL.
 * {@code GET} checks the client and its redirect URI and shows a plain sign-in page (username + password, no external
 * assets, consent assumed); the page posts back, and a good password sends the browser to the redirect URI with a
 * one-time {@code code} and the request's {@code state} ({@code response_mode} query, fragment or form_post).
 * A bad client or redirect URI is shown on the page (never redirected to); other errors go back to the redirect URI as
 * {@code error}/{@code error_description} like Entra's. Public clients must use PKCE (S256). Any request thread.
 */
final class AuthorizeEndpoint {
    private static final List<String> CARRIED = List.of("client_id", "redirect_uri", "response_type", "response_mode",
            "scope", "state", "nonce", "code_challenge", "code_challenge_method", "login_hint");

    private final EmbeddedAuthority authority;

    AuthorizeEndpoint(EmbeddedAuthority authority) {
        this.authority = authority;
    }

    void show(Context ctx) {
        Map<String, String> fields = fields(ctx);
        if (fields == null) {
            return;
        }
        Map<String, String> p = params(fields);
        if (fields.get("prompt") != null) {
            p.put("prompt", fields.get("prompt"));
        }
        Target target = target(ctx, p);
        if (target == null) {
            return;
        }
        page(ctx, p, null);
    }

    void signIn(Context ctx) {
        Map<String, String> fields = fields(ctx);
        if (fields == null) {
            return;
        }
        Map<String, String> p = params(fields);
        Target target = target(ctx, p);
        if (target == null) {
            return;
        }
        String username = fields.get("username");
        String password = fields.get("password");
        UserAccount user = username == null ? null : authority.directory().user(target.tenantId, username.strip()).orElse(null);
        SignInLimits signIns = authority.tokenEndpoint().signInLimits();
        String address = ctx.req().getRemoteAddr();
        java.time.Duration wait = signIns.blocked(user, username, address, "authorize");
        if (wait != null) {
            ctx.status(429).header("Retry-After", Long.toString(SignInThrottle.seconds(wait)));
            page(ctx, p, SignInThrottle.lockedMessage(wait));
            return;
        }
        if (password == null || !authority.directory().passwordMatches(user, password)) {
            signIns.failed(user, username, address);
            ctx.status(200);
            page(ctx, p, "Your account or password is incorrect.");
            return;
        }
        signIns.succeeded(user, username, address);
        Set<String> scopes;
        try {
            scopes = authority.tokenEndpoint().delegatedScopes(target.app, Arrays.asList(p.getOrDefault("scope", "").strip().split("\\s+")));
        } catch (OAuthError e) {
            redirect(ctx, target, p, Map.of("error", e.error(), "error_description", "AADSTS" + e.aadstsCode() + ": " + e.description()));
            return;
        }
        String code = authority.tokenEndpoint().grants().issueCode(target.tenantId, target.app.appId(), user.userId(),
                target.redirectUri, p.get("code_challenge"), scopes, p.get("nonce"));
        redirect(ctx, target, p, Map.of("code", code, "client_info", clientInfo(user)));
    }

    private record Target(String tenantId, AppRegistration app, String redirectUri) {
    }

    /** Checks the request; answers it (error page or error redirect) and returns null when it cannot go on. */
    private Target target(Context ctx, Map<String, String> p) {
        String tenant = authority.directory().canonicalTenantId(ctx.pathParam("tenant")).orElse(null);
        if (tenant == null) {
            errorPage(ctx, "AADSTS90002: Tenant '" + TokenEndpoint.safe(ctx.pathParam("tenant")) + "' not found.");
            return null;
        }
        String clientId = p.get("client_id");
        AppRegistration app = clientId == null ? null : authority.directory().app(tenant, clientId).orElse(null);
        String redirectUri = p.get("redirect_uri");
        if (app == null || !app.publicClient() && !app.allowsRedirect(redirectUri)) {
            // an unknown id and a confidential client's id with a redirect URI not its own get one answer, so this
            // page does not tell which confidential client ids exist (a public client's id is public by nature)
            errorPage(ctx, "AADSTS700016: Application with identifier '" + TokenEndpoint.safe(clientId)
                    + "' was not found in the directory, or '" + TokenEndpoint.safe(redirectUri)
                    + "' is not one of its redirect URIs.");
            return null;
        }
        if (!app.allowsRedirect(redirectUri)) {
            errorPage(ctx, "AADSTS50011: The redirect URI '" + TokenEndpoint.safe(redirectUri)
                    + "' specified in the request does not match the redirect URIs configured for the application '"
                    + app.appId() + "'.");
            return null;
        }
        Target target = new Target(tenant, app, redirectUri);
        String mode = p.getOrDefault("response_mode", "query");
        if (!List.of("query", "fragment", "form_post").contains(mode)) {
            p.put("response_mode", "query");
            redirect(ctx, target, p, Map.of("error", "invalid_request", "error_description",
                    "AADSTS900144: response_mode must be query, fragment or form_post."));
            return null;
        }
        if (!"code".equals(p.get("response_type"))) {
            redirect(ctx, target, p, Map.of("error", "unsupported_response_type", "error_description",
                    "AADSTS700054: Only response_type=code is supported (the authorization code flow)."));
            return null;
        }
        String challenge = p.get("code_challenge");
        if (challenge != null && !"S256".equals(p.get("code_challenge_method"))) {
            redirect(ctx, target, p, Map.of("error", "invalid_request", "error_description",
                    "AADSTS501491: code_challenge_method must be S256."));
            return null;
        }
        if (challenge == null && app.publicClient()) {
            redirect(ctx, target, p, Map.of("error", "invalid_request", "error_description",
                    "AADSTS9002325: Proof Key for Code Exchange is required for cross-origin authorization code redemption."));
            return null;
        }
        if ("none".equals(p.get("prompt"))) {
            redirect(ctx, target, p, Map.of("error", "login_required", "error_description",
                    "AADSTS50058: A silent sign-in request was sent but no user is signed in."));
            return null;
        }
        return target;
    }

    /**
     * The request's fields, read strictly ({@link FormFields}): the query's on {@code GET}, the form's on {@code POST}
     * (the page's sign-in, which is interactive by definition: no {@code prompt}). Null once an error page has answered
     * a request that cannot be read, rather than going on without the field it garbled.
     */
    private static Map<String, String> fields(Context ctx) {
        try {
            return ctx.method() == io.javalin.http.HandlerType.POST ? FormFields.body(ctx) : FormFields.query(ctx);
        } catch (FormFields.Unreadable e) {
            errorPage(ctx, "AADSTS900144: " + e.describe());
            return null;
        }
    }

    /** The parameters the page carries from the request to its sign-in, those given and not empty. */
    private static Map<String, String> params(Map<String, String> fields) {
        Map<String, String> p = new LinkedHashMap<>();
        for (String name : CARRIED) {
            String v = fields.get(name);
            if (v != null && !v.isEmpty()) {
                p.put(name, v);
            }
        }
        return p;
    }

    private static void redirect(Context ctx, Target target, Map<String, String> p, Map<String, String> result) {
        Map<String, String> out = new LinkedHashMap<>(result);
        if (p.get("state") != null) {
            out.put("state", p.get("state"));
        }
        String mode = p.getOrDefault("response_mode", "query");
        noStore(ctx);
        if (mode.equals("form_post")) {
            StringBuilder fields = new StringBuilder();
            out.forEach((k, v) -> fields.append("<input type=\"hidden\" name=\"").append(html(k)).append("\" value=\"")
                    .append(html(v)).append("\">"));
            ctx.html("<!doctype html><html><body onload=\"document.forms[0].submit()\"><form method=\"post\" action=\""
                    + html(target.redirectUri) + "\">" + fields + "<noscript><button>Continue</button></noscript></form></body></html>");
            return;
        }
        StringBuilder q = new StringBuilder();
        out.forEach((k, v) -> q.append(q.isEmpty() ? "" : "&").append(enc(k)).append('=').append(enc(v)));
        String sep = mode.equals("fragment") ? "#" : target.redirectUri.contains("?") ? "&" : "?";
        ctx.status(302).header("Location", target.redirectUri + sep + q);
    }

    private static void page(Context ctx, Map<String, String> p, String error) {
        StringBuilder hidden = new StringBuilder();
        p.forEach((k, v) -> {
            if (!k.equals("prompt")) {
                hidden.append("<input type=\"hidden\" name=\"").append(html(k)).append("\" value=\"").append(html(v)).append("\">\n");
            }
        });
        String hint = p.getOrDefault("login_hint", "");
        noStore(ctx);
        ctx.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
        ctx.html("""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Sign in - Switchboard</title>
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <style>body{font-family:sans-serif;max-width:22rem;margin:4rem auto}label,input,button{display:block;width:100%%;margin:.4rem 0}
                input{padding:.4rem}button{padding:.5rem}.error{color:#a00}</style></head>
                <body><h1>Sign in</h1><p>to continue to the application</p>
                %s
                <form method="post" id="signin">
                %s<label for="username">Username</label><input id="username" name="username" autocomplete="username" value="%s" required>
                <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
                <button type="submit" id="submit">Sign in</button></form></body></html>
                """.formatted(error == null ? "" : "<p class=\"error\" id=\"error\">" + html(error) + "</p>", hidden, html(hint)));
    }

    private static void errorPage(Context ctx, String message) {
        noStore(ctx);
        ctx.status(400).html("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign in error</title></head>"
                + "<body><h1>Sorry, but we are having trouble signing you in.</h1><p id=\"error\">" + html(message) + "</p></body></html>");
    }

    private static String clientInfo(UserAccount user) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(("{\"uid\":\"" + user.userId()
                + "\",\"utid\":\"" + user.tenantId() + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    private static void noStore(Context ctx) {
        ctx.header("Cache-Control", "no-store, no-cache").header("Pragma", "no-cache");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
