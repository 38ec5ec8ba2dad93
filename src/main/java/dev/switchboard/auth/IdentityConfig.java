package dev.switchboard.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The identity part of the configuration file ({@code --config FILE}, JSON): tenants with their apps and users,
 * trusted external issuers and token settings. The sections it reads are the top-level keys {@code tenants},
 * {@code trustedIssuers} and {@code tokens}; other top-level keys belong to other parts and are ignored here.
 * Inside its sections unknown keys are errors (a typo must not silently drop a secret or a role).
 * The format is documented in {@code docs/identity.md}, section "Configuration file".
 *
 * @param directory       the tenants, apps and users (replaces the development identities)
 * @param externalIssuers outside issuers to trust besides the embedded authority
 * @param tokens          lifetimes and checks
 */
public record IdentityConfig(IdentityDirectory directory, List<ExternalIssuerConfig> externalIssuers, TokenSettings tokens) {
    private static final Logger log = LoggerFactory.getLogger(IdentityConfig.class);
    private static final ObjectMapper JSON = AuthJson.JSON;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Set<String> CANONICAL_CALLS_ROLES = Set.of(CallsPermission.INITIATE, CallsPermission.INITIATE_GROUP_CALL,
            CallsPermission.JOIN_GROUP_CALL, CallsPermission.JOIN_GROUP_CALL_AS_GUEST, CallsPermission.ACCESS_MEDIA);

    public IdentityConfig {
        externalIssuers = List.copyOf(externalIssuers);
    }

    /** The embedded default: the development identities, no external issuer, default token settings. */
    public static IdentityConfig development() {
        return new IdentityConfig(DevIdentities.directory(), List.of(), TokenSettings.defaults());
    }

    /**
     * Reads a configuration file.
     *
     * @throws IllegalArgumentException with a message naming the offending entry when the file is invalid
     * @throws UncheckedIOException     when it cannot be read
     */
    public static IdentityConfig load(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config file " + file, e);
        }
    }

    /** Parses the JSON text of a configuration file; see {@link #load(Path)}. */
    public static IdentityConfig parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("config file is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ")");
        }
        return fromJson(root);
    }

    /**
     * Reads the identity part of an already parsed configuration file (the server reads the file once and hands
     * each part its section); see {@link #load(Path)}.
     *
     * @throws IllegalArgumentException with a message naming the offending entry
     */
    public static IdentityConfig fromJson(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("config file must hold a JSON object");
        }
        List<TenantEntry> tenants = new ArrayList<>();
        for (JsonNode t : array(root, "tenants", "config")) {
            tenants.add(tenant(t));
        }
        List<ExternalIssuerConfig> issuers = new ArrayList<>();
        int i = 0;
        for (JsonNode n : array(root, "trustedIssuers", "config")) {
            issuers.add(externalIssuer(n, "trustedIssuers[" + i++ + "]"));
        }
        TokenSettings tokens = root.has("tokens") ? tokens(root.get("tokens")) : TokenSettings.defaults();
        IdentityDirectory directory;
        try {
            directory = new IdentityDirectory(tenants);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("config file: " + e.getMessage());
        }
        return new IdentityConfig(directory, issuers, tokens);
    }

    private static TenantEntry tenant(JsonNode t) {
        String where = "tenant";
        only(t, where, "id", "displayName", "apps", "users");
        String id = id(t, "id", where);
        where = "tenant " + id;
        List<AppRegistration> apps = new ArrayList<>();
        for (JsonNode a : array(t, "apps", where)) {
            apps.add(app(a, id));
        }
        List<UserAccount> users = new ArrayList<>();
        for (JsonNode u : array(t, "users", where)) {
            users.add(user(u, id));
        }
        return new TenantEntry(id, optText(t, "displayName", where, id), apps, users);
    }

    private static AppRegistration app(JsonNode a, String tenantId) {
        String where = "an app of tenant " + tenantId;
        only(a, where, "appId", "displayName", "secret", "secretHash", "roles", "delegatedScopes", "redirectUris",
                "callingWebhook"); // callingWebhook: read by the server's InboundSettings (docs/inbound-calls.md)
        String appId = id(a, "appId", where);
        where = "app " + appId;
        Set<String> roles = strings(a, "roles", where);
        for (String r : roles) {
            if (r.startsWith("Calls.") && !CANONICAL_CALLS_ROLES.contains(r)) {
                log.warn("config app={} role={} is not one of the canonical Calls roles {}; check its spelling", appId, r, CANONICAL_CALLS_ROLES);
            }
        }
        return new AppRegistration(tenantId, appId, optText(a, "displayName", where, appId),
                secret(a, "secret", "secretHash", where), roles, strings(a, "delegatedScopes", where),
                java.util.List.copyOf(strings(a, "redirectUris", where)));
    }

    private static UserAccount user(JsonNode u, String tenantId) {
        String where = "a user of tenant " + tenantId;
        only(u, where, "id", "username", "displayName", "password", "passwordHash", "roles");
        String id = id(u, "id", where);
        where = "user " + id;
        String username = text(u, "username", where);
        Set<String> roles = strings(u, "roles", where);
        for (String r : roles) {
            if (!r.equals(AdminRoles.ADMIN) && !r.equals(AdminRoles.TENANT_ADMIN)) {
                throw new IllegalArgumentException("config " + where + ": role '" + r + "' is not one of "
                        + AdminRoles.ADMIN + ", " + AdminRoles.TENANT_ADMIN);
            }
        }
        return new UserAccount(tenantId, id, username, optText(u, "displayName", where, username),
                secret(u, "password", "passwordHash", where), roles);
    }

    private static ExternalIssuerConfig externalIssuer(JsonNode n, String where) {
        only(n, where, "issuer", "openIdConfiguration", "jwksUri", "tenantId", "minRefreshSeconds", "maxKeyAgeSeconds");
        try {
            return new ExternalIssuerConfig(optText(n, "issuer", where, null), uri(n, "openIdConfiguration", where),
                    uri(n, "jwksUri", where), optText(n, "tenantId", where, null),
                    seconds(n, "minRefreshSeconds", where, null), seconds(n, "maxKeyAgeSeconds", where, null));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("config " + where + ": " + e.getMessage());
        }
    }

    private static TokenSettings tokens(JsonNode n) {
        String where = "tokens";
        only(n, where, "accessTokenLifetimeSeconds", "clockSkewSeconds", "signingKeyMaxAgeDays", "callbackIssuer",
                "callbackTokenLifetimeSeconds", "verifiedTokenCache");
        TokenSettings d = TokenSettings.defaults();
        Duration keyAge = d.signingKeyMaxAge();
        if (n.has("signingKeyMaxAgeDays")) {
            keyAge = n.get("signingKeyMaxAgeDays").isNull() ? null : Duration.ofDays(positive(n, "signingKeyMaxAgeDays", where));
        }
        try {
            return new TokenSettings(seconds(n, "accessTokenLifetimeSeconds", where, d.accessTokenLifetime()),
                    seconds(n, "clockSkewSeconds", where, d.clockSkew()), keyAge,
                    optText(n, "callbackIssuer", where, d.callbackIssuer()),
                    seconds(n, "callbackTokenLifetimeSeconds", where, d.callbackTokenLifetime()),
                    n.has("verifiedTokenCache") ? (int) positive(n, "verifiedTokenCache", where) : d.verifiedTokenCache());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("config tokens: " + e.getMessage());
        }
    }

    private static SecretHash secret(JsonNode n, String plainKey, String hashKey, String where) {
        boolean plain = n.has(plainKey);
        boolean hashed = n.has(hashKey);
        if (plain == hashed) {
            throw new IllegalArgumentException("config " + where + " needs exactly one of " + plainKey + " and " + hashKey);
        }
        try {
            return plain ? SecretHash.plain(text(n, plainKey, where)) : SecretHash.parse(text(n, hashKey, where));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("config " + where + ": " + e.getMessage());
        }
    }

    private static void only(JsonNode n, String where, String... allowed) {
        if (!n.isObject()) {
            throw new IllegalArgumentException("config " + where + " must be a JSON object");
        }
        Set<String> ok = Set.of(allowed);
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!ok.contains(f)) {
                throw new IllegalArgumentException("config " + where + " has an unknown key '" + f + "'"
                        + dev.switchboard.error.ClosestName.hint(f, ok) + " (allowed: " + String.join(", ", allowed) + ")");
            }
        }
    }

    private static Iterable<JsonNode> array(JsonNode n, String key, String where) {
        JsonNode a = n.get(key);
        if (a == null || a.isNull()) {
            return List.of();
        }
        if (!a.isArray()) {
            throw new IllegalArgumentException("config " + where + ": '" + key + "' must be a list");
        }
        return a;
    }

    private static String text(JsonNode n, String key, String where) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException("config " + where + " needs '" + key + "' (a non-empty string)");
        }
        return v.asText();
    }

    private static String optText(JsonNode n, String key, String where, String fallback) {
        return n.has(key) && !n.get(key).isNull() ? text(n, key, where) : fallback;
    }

    private static String id(JsonNode n, String key, String where) {
        String v = text(n, key, where);
        if (!ID.matcher(v).matches()) {
            throw new IllegalArgumentException("config " + where + ": '" + key + "' may hold only letters, digits, '.', '_' and '-'");
        }
        return v;
    }

    private static Set<String> strings(JsonNode n, String key, String where) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode v : array(n, key, where)) {
            if (!v.isTextual() || v.asText().isBlank() || v.asText().contains(" ")) {
                throw new IllegalArgumentException("config " + where + ": '" + key + "' must be a list of names without spaces");
            }
            out.add(v.asText());
        }
        return out;
    }

    private static URI uri(JsonNode n, String key, String where) {
        String v = optText(n, key, where, null);
        if (v == null) {
            return null;
        }
        URI u;
        try {
            u = URI.create(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + key + "' is not a URL");
        }
        if (!"https".equals(u.getScheme()) && !"http".equals(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException("'" + key + "' must be an http(s) URL");
        }
        return u;
    }

    private static Duration seconds(JsonNode n, String key, String where, Duration fallback) {
        return n.has(key) ? Duration.ofSeconds(positive(n, key, where)) : fallback;
    }

    private static long positive(JsonNode n, String key, String where) {
        JsonNode v = n.get(key);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
            throw new IllegalArgumentException("config " + where + ": '" + key + "' must be a whole number >= 0");
        }
        return v.asLong();
    }
}
