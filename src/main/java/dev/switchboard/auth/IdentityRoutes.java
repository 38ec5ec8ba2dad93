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
import java.util.HashMap;
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

    private IdentityRoutes() {
    }

    public static void register(RoutesConfig routes, EmbeddedAuthority authority) {
        routes.post("/{tenant}/oauth2/v2.0/token", ctx -> token(ctx, authority));
        routes.get("/{tenant}/discovery/v2.0/keys", ctx -> oauth(ctx, authority, () -> {
            tenant(authority, ctx.pathParam("tenant"));
            ctx.header("Cache-Control", "public, max-age=3600");
            ctx.contentType("application/json").result(authority.jwksJson());
        }));
        routes.get("/{tenant}/v2.0/.well-known/openid-configuration", ctx -> oauth(ctx, authority, () -> {
            String tenant = tenant(authority, ctx.pathParam("tenant"));
            ctx.header("Cache-Control", "public, max-age=3600");
            ctx.contentType("application/json").result(openIdConfiguration(authority.urls(), tenant));
        }));
    }

    private static void token(Context ctx, EmbeddedAuthority authority) {
        oauth(ctx, authority, () -> {
            String contentType = ctx.contentType();
            if (contentType == null || !contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
                throw OAuthError.invalidRequest(900144, "The request body must be form-encoded (application/x-www-form-urlencoded).");
            }
            String tenant = ctx.pathParam("tenant");
            Map<String, String> form = form(ctx);
            TokenEndpoint.Grant grant = authority.tokenEndpoint().handle(tenant, form);
            ObjectNode body = JSON.createObjectNode();
            body.put("token_type", "Bearer");
            body.put("scope", grant.scope());
            body.put("expires_in", grant.token().expiresIn());
            body.put("ext_expires_in", grant.token().expiresIn());
            body.put("access_token", grant.token().accessToken());
            ctx.header("Cache-Control", "no-store, no-cache").header("Pragma", "no-cache");
            ctx.contentType("application/json; charset=utf-8").result(body.toString());
            authority.metrics().issued(form.get("grant_type"));
            log.info("token issued tenant={} clientId={} grant={}", TokenEndpoint.safe(tenant),
                    TokenEndpoint.safe(form.get("client_id")), form.get("grant_type"));
        });
    }

    /** First value of each form parameter; client credentials from an HTTP Basic header (RFC 6749 §2.3.1) merged in. */
    private static Map<String, String> form(Context ctx) {
        Map<String, String> form = new HashMap<>();
        for (Map.Entry<String, List<String>> e : ctx.formParamMap().entrySet()) {
            if (e.getValue().size() > 1) {
                throw OAuthError.invalidRequest(90015, "The parameter '" + TokenEndpoint.safe(e.getKey()) + "' is given more than once.");
            }
            if (!e.getValue().isEmpty()) {
                form.put(e.getKey(), e.getValue().get(0));
            }
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
            String id = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
            String secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
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

    static String openIdConfiguration(IssuerUrls urls, String tenant) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("issuer", urls.issuer(tenant));
        doc.put("token_endpoint", urls.tokenEndpoint(tenant));
        doc.put("jwks_uri", urls.jwksUri(tenant));
        ArrayNode auth = doc.putArray("token_endpoint_auth_methods_supported");
        auth.add("client_secret_post").add("client_secret_basic");
        doc.putArray("grant_types_supported").add("client_credentials").add("password");
        doc.putArray("response_types_supported").add("token");
        doc.putArray("scopes_supported").add("openid").add("profile").add("offline_access").add(GraphAudience.URI + "/.default");
        doc.putArray("subject_types_supported").add("pairwise");
        doc.putArray("id_token_signing_alg_values_supported").add("RS256");
        doc.putArray("claims_supported").add("iss").add("aud").add("tid").add("appid").add("azp").add("oid")
                .add("idtyp").add("roles").add("scp").add("name").add("preferred_username").add("iat").add("nbf")
                .add("exp").add("jti");
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
            ctx.header("Cache-Control", "no-store, no-cache");
            ctx.status(e.status()).contentType("application/json; charset=utf-8").result(body.toString());
            log.info("token request refused tenant={} error={} code=AADSTS{}", TokenEndpoint.safe(ctx.pathParam("tenant")),
                    e.error(), e.aadstsCode());
        }
    }
}
