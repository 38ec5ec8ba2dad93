package dev.switchboard.auth;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The grants of {@code POST /{tenant}/oauth2/v2.0/token}, independent of HTTP. Thread-safe.
 *
 * <ul>
 *   <li>{@code client_credentials}: an app token with the app's roles. Scope must be Graph's {@code .default}
 *       ({@code https://graph.microsoft.com/.default} or {@code 00000003-0000-0000-c000-000000000000/.default});
 *       the OpenID scopes MSAL adds ({@code openid profile offline_access}) and {@code client_info} are accepted
 *       and ignored.</li>
 *   <li>{@code password} (resource-owner password; a development convenience for participants): a delegated user
 *       token for a user of the same tenant, obtained by a registered app with its secret. Scope {@code .default}
 *       grants the app's delegated scopes; named Graph scopes ({@code https://graph.microsoft.com/User.Read}) must
 *       be among them.</li>
 * </ul>
 */
public final class TokenEndpoint {
    static final String DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
    static final Set<String> OPENID_SCOPES = Set.of("openid", "profile", "offline_access", "email");

    private final IdentityDirectory directory;
    private final TokenIssuer issuer;
    private final GrantStore grants;
    private final SignInLimits signIns;

    public TokenEndpoint(IdentityDirectory directory, TokenIssuer issuer) {
        this(directory, issuer, new GrantStore(java.time.Clock.systemUTC()));
    }

    public TokenEndpoint(IdentityDirectory directory, TokenIssuer issuer, GrantStore grants) {
        this(directory, issuer, grants, new SignInLimits(new SignInThrottle(java.time.Clock.systemUTC()),
                new UserSignInThrottle(java.time.Clock.systemUTC())));
    }

    /** @param signIns the limits on failed password sign-ins, shared with the other sign-in paths */
    public TokenEndpoint(IdentityDirectory directory, TokenIssuer issuer, GrantStore grants, SignInLimits signIns) {
        this.directory = directory;
        this.issuer = issuer;
        this.grants = grants;
        this.signIns = signIns;
    }

    /** The limit on administrators' failed sign-ins (every sign-in path of the server shares it). */
    public SignInThrottle signIns() {
        return signIns.admins();
    }

    /** The limits on every user's failed password sign-ins (the OAuth sign-in paths share them). */
    public SignInLimits signInLimits() {
        return signIns;
    }

    /**
     * The granted token and the scope string to report back; for the authorization code and refresh token grants
     * also an ID token, a refresh token and MSAL's {@code client_info} (otherwise null).
     */
    public record Grant(IssuedToken token, String scope, String idToken, String refreshToken, String clientInfo) {
        Grant(IssuedToken token, String scope) {
            this(token, scope, null, null, null);
        }
    }

    public GrantStore grants() {
        return grants;
    }

    /**
     * @param tenantInPath the tenant from the path (matched case-insensitively)
     * @param form     the form parameters (first value of each); client credentials from a Basic header already merged
     * @throws OAuthError for every failure
     */
    public Grant handle(String tenantInPath, Map<String, String> form) {
        return handle(null, tenantInPath, form);
    }

    /**
     * @param at the authority's URLs as the client reached it (the token's {@code iss}), or null for the default
     * @throws OAuthError for every failure
     */
    public Grant handle(IssuerUrls at, String tenantInPath, Map<String, String> form) {
        return handle(at, tenantInPath, form, null);
    }

    /**
     * @param remoteAddress the client's address (for the sign-in limits: {@link SignInLimits}), or null
     * @throws OAuthError for every failure
     */
    public Grant handle(IssuerUrls at, String tenantInPath, Map<String, String> form, String remoteAddress) {
        String tenantId = directory.canonicalTenantId(tenantInPath).orElseThrow(() -> new OAuthError(400, "invalid_tenant", 90002,
                "Tenant '" + safe(tenantInPath) + "' not found. Check the tenant id in the URL."));
        String grantType = form.get("grant_type");
        if (grantType == null || grantType.isBlank()) {
            throw OAuthError.invalidRequest(900144, "The request body must contain the following parameter: 'grant_type'.");
        }
        return switch (grantType) {
            case "client_credentials" -> clientCredentials(at, tenantId, form, remoteAddress);
            case "password" -> password(at, tenantId, form, remoteAddress);
            case "authorization_code" -> authorizationCode(at == null ? issuer.urls() : at, tenantId, form, remoteAddress);
            case "refresh_token" -> refreshToken(at == null ? issuer.urls() : at, tenantId, form, remoteAddress);
            case DEVICE_CODE_GRANT, "device_code" -> deviceCode(at == null ? issuer.urls() : at, tenantId, form, remoteAddress);
            default -> throw new OAuthError(400, "unsupported_grant_type", 70003,
                    "The app requested an unsupported grant type '" + safe(grantType) + "'; supported: client_credentials, password, authorization_code, refresh_token, device_code.");
        };
    }

    private Grant clientCredentials(IssuerUrls at, String tenantId, Map<String, String> form, String remoteAddress) {
        List<String> scopes = scopes(form);
        AppRegistration app = authenticateClient(tenantId, form, remoteAddress);
        boolean graphDefault = false;
        for (String s : scopes) {
            if (GraphAudience.isGraphScope(s) && GraphAudience.permissionOf(s).equals(".default")) {
                graphDefault = true;
            } else if (!OPENID_SCOPES.contains(s)) {
                throw new OAuthError(400, "invalid_scope", 1002012,
                        "The provided value for scope " + safe(s) + " is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).");
            }
        }
        if (!graphDefault) {
            throw new OAuthError(400, "invalid_scope", 1002012,
                    "The client credentials grant needs the scope https://graph.microsoft.com/.default.");
        }
        return new Grant(at == null ? issuer.appToken(app) : issuer.appToken(at, app), GraphAudience.URI + "/.default");
    }

    private Grant password(IssuerUrls at, String tenantId, Map<String, String> form, String remoteAddress) {
        List<String> scopes = scopes(form);
        String username = form.get("username");
        String password = form.get("password");
        if (username == null || username.isBlank()) {
            throw OAuthError.invalidRequest(900144, "The request body must contain the following parameter: 'username'.");
        }
        if (password == null) {
            throw OAuthError.invalidRequest(900144, "The request body must contain the following parameter: 'password'.");
        }
        AppRegistration app = authenticateClient(tenantId, form, remoteAddress);
        Set<String> granted = delegatedScopes(app, scopes);
        UserAccount user = directory.user(tenantId, username).orElse(null);
        java.time.Duration wait = signIns.blocked(user, username, remoteAddress, "token");
        if (wait != null) {
            throw new OAuthError(400, "invalid_grant", 50053, "Your account is locked because you've tried to sign in too many"
                    + " times with an incorrect user ID or password. " + SignInThrottle.lockedMessage(wait), wait);
        }
        if (!directory.passwordMatches(user, password)) {
            signIns.failed(user, username, remoteAddress);
            throw new OAuthError(400, "invalid_grant", 50126, "Error validating credentials due to invalid username or password.");
        }
        signIns.succeeded(user, username, remoteAddress);
        List<String> reported = granted.stream().map(p -> GraphAudience.URI + "/" + p).toList();
        return new Grant(at == null ? issuer.userToken(app, user, granted) : issuer.userToken(at, app, user, granted), String.join(" ", reported));
    }

    /** The delegated scopes {@code app} gets for the requested ones; {@code .default} means all it was consented. */
    Set<String> delegatedScopes(AppRegistration app, List<String> scopes) {
        Set<String> granted = new LinkedHashSet<>();
        boolean graphScope = false;
        for (String s : scopes) {
            if (OPENID_SCOPES.contains(s)) {
                continue;
            }
            if (!GraphAudience.isGraphScope(s)) {
                throw new OAuthError(400, "invalid_scope", 70011, "The provided value for the input parameter 'scope' is not valid: "
                        + safe(s) + " is not a Microsoft Graph scope.");
            }
            graphScope = true;
            String permission = GraphAudience.permissionOf(s);
            if (permission.equals(".default")) {
                granted.addAll(app.delegatedScopes());
            } else if (app.delegatedScopes().contains(permission)) {
                granted.add(permission);
            } else {
                throw new OAuthError(400, "invalid_scope", 65001, "The app has no consent for the delegated permission "
                        + safe(permission) + ".");
            }
        }
        if (!graphScope) {
            throw new OAuthError(400, "invalid_scope", 70011, "The scope must name Microsoft Graph, e.g. https://graph.microsoft.com/.default.");
        }
        return granted;
    }

    private Grant authorizationCode(IssuerUrls at, String tenantId, Map<String, String> form, String remoteAddress) {
        AppRegistration app = client(tenantId, form, remoteAddress);
        String code = require(form, "code");
        String redirectUri = require(form, "redirect_uri");
        GrantStore.Code c = grants.redeemCode(code).orElseThrow(() -> new OAuthError(400, "invalid_grant", 70008,
                "The provided authorization code or refresh token has expired or was already used."));
        if (!c.clientId().equals(app.appId()) || !c.tenantId().equals(tenantId)) {
            throw new OAuthError(400, "invalid_grant", 70000, "The authorization code was issued to another client.");
        }
        if (!c.redirectUri().equals(redirectUri)) {
            throw new OAuthError(400, "invalid_grant", 70000, "The redirect_uri does not match the one of the authorization request.");
        }
        if (c.codeChallenge() != null) {
            String verifier = form.get("code_verifier");
            if (verifier == null || !Pkce.matches(verifier, c.codeChallenge())) {
                throw new OAuthError(400, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.");
            }
        }
        return userGrant(at, app, tenantId, c.userId(), c.scopes(), c.nonce());
    }

    /** {@code POST /{tenant}/oauth2/v2.0/devicecode}: starts a device authorization for a (public) client. */
    public DeviceStart startDevice(String tenantInPath, Map<String, String> form) {
        return startDevice(tenantInPath, form, null);
    }

    /** As above; {@code remoteAddress} (or null) for the limit on client secrets. */
    public DeviceStart startDevice(String tenantInPath, Map<String, String> form, String remoteAddress) {
        String tenantId = directory.canonicalTenantId(tenantInPath).orElseThrow(() -> new OAuthError(400, "invalid_tenant", 90002,
                "Tenant '" + safe(tenantInPath) + "' not found. Check the tenant id in the URL."));
        AppRegistration app = client(tenantId, form, remoteAddress);
        Set<String> scopes = delegatedScopes(app, scopes(form));
        String deviceCode = grants.startDevice(tenantId, app.appId(), scopes);
        return new DeviceStart(deviceCode, grants.device(deviceCode).orElseThrow());
    }

    /** A started device authorization: the code the device polls with, and what the user types. */
    public record DeviceStart(String deviceCode, GrantStore.Device device) {
    }

    private Grant deviceCode(IssuerUrls at, String tenantId, Map<String, String> form, String remoteAddress) {
        AppRegistration app = client(tenantId, form, remoteAddress);
        String deviceCode = require(form, "device_code");
        GrantStore.Device d = grants.device(deviceCode).orElseThrow(() -> new OAuthError(400, "expired_token", 70020,
                "The provided device code has expired or is unknown."));
        if (!d.clientId().equals(app.appId()) || !d.tenantId().equals(tenantId)) {
            throw new OAuthError(400, "invalid_grant", 70000, "The device code was issued to another client.");
        }
        if (d.userId() == null) {
            throw new OAuthError(400, "authorization_pending", 70016,
                    "OAuth 2.0 device flow error. Authorization is pending. Continue polling.");
        }
        if (!grants.finishDevice(deviceCode, d)) {
            throw new OAuthError(400, "expired_token", 70020, "The provided device code has expired or is unknown.");
        }
        return userGrant(at, app, tenantId, d.userId(), d.scopes(), null);
    }

    private Grant refreshToken(IssuerUrls at, String tenantId, Map<String, String> form, String remoteAddress) {
        AppRegistration app = client(tenantId, form, remoteAddress);
        GrantStore.Refresh r = grants.redeemRefreshToken(require(form, "refresh_token")).orElseThrow(() ->
                new OAuthError(400, "invalid_grant", 70008, "The provided authorization code or refresh token has expired or was already used."));
        if (!r.clientId().equals(app.appId()) || !r.tenantId().equals(tenantId)) {
            throw new OAuthError(400, "invalid_grant", 70000, "The refresh token was issued to another client.");
        }
        Set<String> scopes = r.scopes();
        if (form.get("scope") != null && !form.get("scope").isBlank()) {
            Set<String> asked = delegatedScopes(app, scopes(form));
            if (!scopes.containsAll(asked)) {
                throw new OAuthError(400, "invalid_grant", 65001, "The refresh token does not cover the requested scopes.");
            }
            scopes = asked;
        }
        return userGrant(at, app, tenantId, r.userId(), scopes, null);
    }

    private Grant userGrant(IssuerUrls at, AppRegistration app, String tenantId, String userId, Set<String> scopes, String nonce) {
        UserAccount user = directory.tenants().stream().filter(t -> t.id().equals(tenantId)).flatMap(t -> t.users().stream())
                .filter(u -> u.userId().equals(userId)).findFirst().orElseThrow(() ->
                        new OAuthError(400, "invalid_grant", 50034, "The user account does not exist any more."));
        List<String> reported = scopes.stream().map(p -> GraphAudience.URI + "/" + p).toList();
        String clientInfo = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"uid\":\"" + user.userId() + "\",\"utid\":\"" + tenantId + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new Grant(issuer.userToken(at, app, user, scopes), String.join(" ", reported),
                issuer.idToken(at, app, user, nonce), grants.issueRefreshToken(tenantId, app.appId(), userId, scopes), clientInfo);
    }

    /**
     * The requesting client: a public client by its id alone, a confidential one by its secret too. An id that is not
     * a public client's is authenticated as a confidential client's, so an unknown id is answered as a confidential
     * client without its secret (or with a wrong one, after the same hashing work) is: these grants do not tell which
     * confidential client ids exist, as the client credentials grant does not.
     */
    private AppRegistration client(String tenantId, Map<String, String> form, String remoteAddress) {
        String clientId = require(form, "client_id");
        AppRegistration app = directory.app(tenantId, clientId).orElse(null);
        return app != null && app.publicClient() ? app : authenticateClient(tenantId, form, remoteAddress);
    }

    private static String require(Map<String, String> form, String name) {
        String v = form.get(name);
        if (v == null || v.isBlank()) {
            throw OAuthError.invalidRequest(900144, "The request body must contain the following parameter: '" + name + "'.");
        }
        return v;
    }

    /**
     * The confidential client of the request, by its secret. Failures are limited per client id as users' passwords
     * are per name ({@link SignInLimits#clients()}): past the limit the secret is not checked and the answer is
     * {@code 429 invalid_client} {@code AADSTS50053} with {@code Retry-After} (docs/identity.md, "Client secrets").
     */
    private AppRegistration authenticateClient(String tenantId, Map<String, String> form, String remoteAddress) {
        String clientId = form.get("client_id");
        String secret = form.get("client_secret");
        if (clientId == null || clientId.isBlank()) {
            throw OAuthError.invalidRequest(900144, "The request body must contain the following parameter: 'client_id'.");
        }
        if (form.containsKey("client_assertion")) {
            throw new OAuthError(400, "invalid_client", 7000218,
                    "Client assertions (certificate credentials) are not supported here; use client_secret.");
        }
        if (secret == null || secret.isEmpty()) {
            throw new OAuthError(401, "invalid_client", 7000218,
                    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'"
                            + " (only a public client, which '" + safe(clientId) + "' is not in this tenant, needs neither).");
        }
        AppRegistration app = directory.app(tenantId, clientId).orElse(null);
        if (app != null && app.publicClient()) {
            throw new OAuthError(401, "invalid_client", 700025,
                    "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.");
        }
        UserSignInThrottle clients = signIns.clients();
        java.time.Duration wait = clients.blocked(clientId, remoteAddress, "token");
        if (wait != null) {
            throw new OAuthError(429, "invalid_client", 50053, "The client is locked because its secret was wrong too many"
                    + " times; try again in " + SignInThrottle.seconds(wait) + " seconds.", wait);
        }
        if (!directory.clientSecretMatches(app, secret)) {
            clients.failed(clientId, remoteAddress);
            throw new OAuthError(401, "invalid_client", 7000215,
                    "Invalid client secret provided, or the application '" + safe(clientId) + "' is not registered in this tenant.");
        }
        clients.succeeded(clientId, remoteAddress);
        return app;
    }

    private static List<String> scopes(Map<String, String> form) {
        String scope = form.get("scope");
        if (scope == null || scope.isBlank()) {
            throw OAuthError.invalidRequest(90014, "The request body must contain the following parameter: 'scope'.");
        }
        return Arrays.stream(scope.strip().split("\\s+")).toList();
    }

    /** Keeps client-provided text in error descriptions short and printable. */
    static String safe(String s) {
        if (s == null) {
            return "";
        }
        String t = s.length() > 100 ? s.substring(0, 100) + "…" : s;
        StringBuilder b = new StringBuilder(t.length());
        t.codePoints().forEach(c -> b.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c));
        return b.toString();
    }
}
