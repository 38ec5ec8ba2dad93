package dev.switchboard.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The embedded authority's HTTP surface, shaped like Entra ID's v2.0 endpoints:
 * {@code POST /{tenant}/oauth2/v2.0/token}, {@code GET /{tenant}/discovery/v2.0/keys} and
 * {@code GET /{tenant}/v2.0/.well-known/openid-configuration}. Token endpoint failures answer in the OAuth shape
 * ({@code error}, {@code error_description}, {@code error_codes}, {@code timestamp}, {@code trace_id},
 * {@code correlation_id}); an unknown tenant on the metadata endpoints answers 400 {@code invalid_tenant} alike.
 */
public final class IdentityRoutes {
    private static final Logger log = LoggerFactory.getLogger(IdentityRoutes.class);
    private static final ObjectMapper JSON = AuthJson.JSON;

    /** Where a bot fetches its notification key with its own app token (docs/notifications.md). */
    public static final String NOTIFICATION_KEYS_PATH = "/{tenant}/switchboard/v1/notification-keys";

    private IdentityRoutes() {
    }

    /**
     * The caller's notification key as a JWK Set of one {@code oct} key ({@code kid}, {@code k}, {@code alg} HS256):
     * only for an app-only token of that tenant (any trusted issuer), never another app's. 401/403 as the Graph API's.
     */
    private static void notificationKeys(Context ctx, EmbeddedAuthority authority) {
        Principal caller = authority.authenticator().authenticate(ctx.header("Authorization"));
        String tenant = authority.directory().canonicalTenantId(ctx.pathParam("tenant")).orElse(ctx.pathParam("tenant"));
        if (!caller.appOnly() || !caller.tenantId().equalsIgnoreCase(tenant)) {
            throw new dev.switchboard.error.SwitchboardException(dev.switchboard.error.ErrorCode.FORBIDDEN,
                    "A notification key is given only to an app-only token of the same tenant.");
        }
        CallbackTokens.NotificationKeyMaterial key = authority.callbackSigner().notificationKey(caller.tenantId(), caller.appId());
        ObjectNode jwk = JSON.createObjectNode();
        jwk.put("kty", "oct");
        jwk.put("use", "sig");
        jwk.put("alg", "HS256");
        jwk.put("kid", key.kid());
        jwk.put("k", Base64.getUrlEncoder().withoutPadding().encodeToString(key.secret()));
        ObjectNode body = JSON.createObjectNode();
        body.putArray("keys").add(jwk);
        ctx.header("Cache-Control", "no-store");
        ctx.contentType("application/json").result(body.toString());
    }

    public static void register(RoutesConfig routes, EmbeddedAuthority authority) {
        AuthorizeEndpoint authorize = new AuthorizeEndpoint(authority);
        routes.get("/{tenant}/oauth2/v2.0/authorize", authorize::show);
        routes.post("/{tenant}/oauth2/v2.0/authorize", authorize::signIn);
        routes.get("/{tenant}/oauth2/v2.0/logout", ctx -> logout(ctx, authority));
        routes.post("/{tenant}/oauth2/v2.0/devicecode", ctx -> oauth(ctx, authority, () -> {
            requireForm(ctx);
            DeviceLogin.start(ctx, authority, form(ctx));
        }));
        routes.get("/{tenant}/oauth2/v2.0/devicelogin", DeviceLogin::show);
        routes.post("/{tenant}/oauth2/v2.0/devicelogin", ctx -> DeviceLogin.approve(ctx, authority));
        routes.post("/{tenant}/oauth2/v2.0/token", ctx -> {
            cors(ctx);
            token(ctx, authority);
        });
        // browsers (MSAL Browser) call the token endpoint and read the documents cross-origin
        routes.options("/{tenant}/oauth2/v2.0/token", IdentityRoutes::preflight);
        routes.options("/{tenant}/discovery/v2.0/keys", IdentityRoutes::preflight);
        routes.options("/{tenant}/v2.0/.well-known/openid-configuration", IdentityRoutes::preflight);
        routes.before("/{tenant}/discovery/v2.0/keys", IdentityRoutes::cors);
        routes.before("/{tenant}/v2.0/.well-known/openid-configuration", IdentityRoutes::cors);
        routes.get("/{tenant}/discovery/v2.0/keys", ctx -> oauth(ctx, authority, () -> {
            tenant(authority, ctx.pathParam("tenant"));
            ctx.header("Cache-Control", "public, max-age=3600");
            ctx.contentType("application/json").result(authority.jwksJson());
        }));
        routes.get("/{tenant}/v2.0/.well-known/openid-configuration", ctx -> oauth(ctx, authority, () -> {
            String tenant = tenant(authority, ctx.pathParam("tenant"));
            ctx.header("Cache-Control", "public, max-age=3600");
            ctx.contentType("application/json").result(openIdConfiguration(urls(ctx, authority), tenant));
        }));
        routes.get(NOTIFICATION_KEYS_PATH, ctx -> notificationKeys(ctx, authority));
        routes.get("/botframework/v1/.well-known/openidconfiguration", ctx -> {
            ctx.header("Cache-Control", "public, max-age=3600");
            ctx.contentType("application/json").result(botFrameworkConfiguration(urls(ctx, authority),
                    authority.config().tokens().callbackIssuer(), authority.callbackKey().algorithm().getName()));
        });
        routes.get("/botframework/v1/.well-known/keys", ctx -> {
            ctx.header("Cache-Control", "public, max-age=3600");
            ctx.contentType("application/json").result(authority.callbackJwksJson());
        });
    }

    private static void cors(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin != null) {
            ctx.header("Access-Control-Allow-Origin", "*");
            ctx.header("Access-Control-Expose-Headers", "client-request-id, request-id, x-ms-request-id");
        }
    }

    private static void preflight(Context ctx) {
        ctx.header("Access-Control-Allow-Origin", "*");
        ctx.header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        String asked = ctx.header("Access-Control-Request-Headers");
        ctx.header("Access-Control-Allow-Headers", asked != null && asked.matches("[A-Za-z0-9, -]{0,1000}") ? asked : "content-type");
        ctx.header("Access-Control-Max-Age", "600");
        ctx.status(204);
    }

    /** End session: nothing to forget (no server sessions); back to an allowed {@code post_logout_redirect_uri}. */
    private static void logout(Context ctx, EmbeddedAuthority authority) {
        String target = ctx.queryParam("post_logout_redirect_uri");
        String tenant = authority.directory().canonicalTenantId(ctx.pathParam("tenant")).orElse(null);
        boolean allowed = target != null && tenant != null && authority.directory().tenants().stream()
                .filter(t -> t.id().equals(tenant)).flatMap(t -> t.apps().stream()).anyMatch(a -> a.allowsRedirect(target));
        if (allowed) {
            ctx.status(302).header("Location", target);
        } else {
            ctx.html("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Signed out</title></head>"
                    + "<body><h1>You signed out of your account.</h1></body></html>");
        }
    }

    /** The authority's URLs as the client of {@code ctx} reached the server. */
    static IssuerUrls urls(Context ctx, EmbeddedAuthority authority) {
        return authority.urls().at(authority.origins().of(ctx));
    }

    private static void token(Context ctx, EmbeddedAuthority authority) {
        oauth(ctx, authority, () -> {
            requireForm(ctx);
            String tenant = ctx.pathParam("tenant");
            Map<String, String> form = form(ctx);
            TokenEndpoint.Grant grant = authority.tokenEndpoint().handle(urls(ctx, authority), tenant, form, ctx.req().getRemoteAddr());
            ObjectNode body = JSON.createObjectNode();
            body.put("token_type", "Bearer");
            body.put("scope", grant.scope());
            body.put("expires_in", grant.token().expiresIn());
            body.put("ext_expires_in", grant.token().expiresIn());
            body.put("access_token", grant.token().accessToken());
            if (grant.idToken() != null) {
                body.put("id_token", grant.idToken());
                body.put("refresh_token", grant.refreshToken());
                body.put("refresh_token_expires_in", GrantStore.REFRESH_LIFETIME.toSeconds());
                body.put("client_info", grant.clientInfo());
            }
            ctx.header("Cache-Control", "no-store, no-cache").header("Pragma", "no-cache");
            ctx.contentType("application/json; charset=utf-8").result(body.toString());
            authority.metrics().issued(form.get("grant_type"));
            log.info("token issued tenant={} clientId={} grant={}", TokenEndpoint.safe(tenant),
                    TokenEndpoint.safe(form.get("client_id")), form.get("grant_type"));
        });
    }

    private static void requireForm(Context ctx) {
        String contentType = ctx.contentType();
        if (contentType == null || !contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
            throw OAuthError.invalidRequest(900144, "The request body must be form-encoded (application/x-www-form-urlencoded).");
        }
    }

    /**
     * The form's parameters, each given at most once; client credentials from an HTTP Basic header (RFC 6749 §2.3.1)
     * merged in. The body is decoded here, strictly: a parameter with a broken {@code %} escape makes the whole request
     * invalid instead of silently going missing (as a lenient form parser would have it, turning e.g. a refresh
     * token's garbled {@code scope} into no scope, which means all of them).
     */
    private static Map<String, String> form(Context ctx) {
        Map<String, String> form;
        try {
            form = FormFields.body(ctx);
        } catch (FormFields.Unreadable e) {
            throw OAuthError.invalidRequest(e.problem() == FormFields.Problem.DUPLICATE ? 90015 : 900144, e.describe());
        }
        String auth = ctx.header("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.substring(6).strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new OAuthError(401, "invalid_client", 7000215, "The Basic authorization header is not valid base64.");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new OAuthError(401, "invalid_client", 7000215, "The Basic authorization header must hold client_id:client_secret.");
            }
            String id;
            String secret;
            try { // RFC 6749 §2.3.1: each half form-encoded first
                id = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
                secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException broken) {
                throw new OAuthError(401, "invalid_client", 7000215, "The Basic authorization header's client_id or client_secret has a broken %-escape.");
            }
            if (form.containsKey("client_secret") || (form.containsKey("client_id") && !form.get("client_id").equals(id))) {
                throw OAuthError.invalidRequest(90015, "Client credentials must be given either in the Basic header or in the body, not both.");
            }
            form.put("client_id", id);
            form.put("client_secret", secret);
        }
        return form;
    }

    private static String tenant(EmbeddedAuthority authority, String tenant) {
        return authority.directory().canonicalTenantId(tenant).orElseThrow(() ->
                new OAuthError(400, "invalid_tenant", 90002, "Tenant '" + TokenEndpoint.safe(tenant) + "' not found."));
    }

    /** Entra's v2.0 discovery document, with what MSAL checks ({@code authorization_endpoint}, {@code token_endpoint}, {@code issuer}). */
    static String openIdConfiguration(IssuerUrls urls, String tenant) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("issuer", urls.issuer(tenant));
        doc.put("authorization_endpoint", urls.authorizationEndpoint(tenant));
        doc.put("token_endpoint", urls.tokenEndpoint(tenant));
        doc.put("device_authorization_endpoint", urls.deviceAuthorizationEndpoint(tenant));
        doc.put("end_session_endpoint", urls.endSessionEndpoint(tenant));
        doc.put("userinfo_endpoint", urls.userInfoEndpoint());
        doc.put("jwks_uri", urls.jwksUri(tenant));
        doc.put("tenant_region_scope", "WW");
        doc.put("cloud_instance_name", "switchboard.local");
        doc.put("http_logout_supported", true);
        doc.put("frontchannel_logout_supported", true);
        doc.put("request_uri_parameter_supported", false);
        ArrayNode auth = doc.putArray("token_endpoint_auth_methods_supported");
        auth.add("client_secret_post").add("client_secret_basic");
        doc.putArray("grant_types_supported").add("client_credentials").add("password").add("authorization_code")
                .add("refresh_token").add("urn:ietf:params:oauth:grant-type:device_code");
        doc.putArray("response_types_supported").add("code").add("id_token").add("code id_token").add("id_token token");
        doc.putArray("response_modes_supported").add("query").add("fragment").add("form_post");
        doc.putArray("code_challenge_methods_supported").add("S256");
        doc.putArray("scopes_supported").add("openid").add("profile").add("email").add("offline_access")
                .add(GraphAudience.URI + "/.default");
        doc.putArray("subject_types_supported").add("pairwise");
        doc.putArray("id_token_signing_alg_values_supported").add("RS256");
        doc.putArray("claims_supported").add("iss").add("aud").add("tid").add("appid").add("azp").add("oid")
                .add("idtyp").add("roles").add("scp").add("name").add("preferred_username").add("iat").add("nbf")
                .add("exp").add("jti");
        return doc.toString();
    }

    /**
     * The Bot Framework-style document ({@code https://login.botframework.com/v1/.well-known/openidconfiguration}'s
     * shape) that {@code botframework-connector} reads: issuer of webhook callback tokens and the JWKS that signs them.
     */
    static String botFrameworkConfiguration(IssuerUrls urls, String callbackIssuer, String algorithm) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("issuer", callbackIssuer);
        doc.put("authorization_endpoint", urls.base() + "/botframework/v1/authorize");
        doc.put("jwks_uri", urls.botFrameworkJwksUri());
        doc.putArray("id_token_signing_alg_values_supported").add(algorithm);
        doc.putArray("token_endpoint_auth_methods_supported").add("private_key_jwt");
        return doc.toString();
    }

    /** The {@code request-id} the server's before-handler put on the response (the Entra {@code trace_id}). */
    private static String requestId(Context ctx) {
        String id = ctx.res().getHeader("request-id");
        return id != null ? id : "";
    }

    private static String clientRequestId(Context ctx) {
        String id = ctx.res().getHeader("client-request-id");
        return id != null ? id : requestId(ctx);
    }

    private interface Action {
        void run();
    }

    private static void oauth(Context ctx, EmbeddedAuthority authority, Action action) {
        try {
            action.run();
        } catch (OAuthError e) {
            authority.metrics().refused(e.error());
            ObjectNode body = JSON.createObjectNode();
            body.put("error", e.error());
            body.put("error_description", e.description());
            body.putArray("error_codes").add(e.aadstsCode());
            body.put("timestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace('T', ' '));
            body.put("trace_id", requestId(ctx));
            body.put("correlation_id", clientRequestId(ctx));
            if (e.status() == 401) {
                ctx.header("WWW-Authenticate", "Basic realm=\"switchboard\"");
            }
            if (e.retryAfter() != null) {
                ctx.header("Retry-After", Long.toString(SignInThrottle.seconds(e.retryAfter())));
            }
            ctx.header("Cache-Control", "no-store, no-cache");
            ctx.status(e.status()).contentType("application/json; charset=utf-8").result(body.toString());
            authority.tokenRefusals().refused("tenant=" + TokenEndpoint.safe(ctx.pathParam("tenant")) + " error=" + e.error()
                    + " code=AADSTS" + e.aadstsCode(), "");
        }
    }
}
