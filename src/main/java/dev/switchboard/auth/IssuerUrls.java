package dev.switchboard.auth;

import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The embedded authority's URLs, derived from the server's public base URL (known only once the HTTP port is
 * bound, hence a supplier). Thread-safe.
 */
public final class IssuerUrls {
    private final Supplier<String> baseUrl;
    private final Predicate<String> ownBase;

    /** @param baseUrl the server's base URL without a trailing slash, e.g. {@code http://127.0.0.1:8080} */
    public IssuerUrls(Supplier<String> baseUrl) {
        this(baseUrl, b -> b.equals(baseUrl.get()));
    }

    /**
     * @param baseUrl the server's default base URL without a trailing slash
     * @param ownBase which other bases are the server's own (the addresses clients reach it by)
     */
    public IssuerUrls(Supplier<String> baseUrl, Predicate<String> ownBase) {
        this.baseUrl = baseUrl;
        this.ownBase = ownBase;
    }

    /** The same authority as reached at {@code base} (the scheme and host a client used). */
    public IssuerUrls at(String base) {
        return new IssuerUrls(() -> base, ownBase);
    }

    /** Whether tokens issued under {@code base} are this authority's. */
    public boolean isOwnBase(String base) {
        return ownBase.test(base);
    }

    /** @throws IllegalStateException before the server has a base URL */
    public String base() {
        String b = baseUrl.get();
        if (b == null) {
            throw new IllegalStateException("the server has no base URL yet (not started)");
        }
        return b;
    }

    /** {@code {base}/{tenant}/v2.0}, the {@code iss} of the tenant's tokens. */
    public String issuer(String tenantId) {
        return base() + "/" + tenantId + "/v2.0";
    }

    public String tokenEndpoint(String tenantId) {
        return base() + "/" + tenantId + "/oauth2/v2.0/token";
    }

    public String jwksUri(String tenantId) {
        return base() + "/" + tenantId + "/discovery/v2.0/keys";
    }

    public String authorizationEndpoint(String tenantId) {
        return base() + "/" + tenantId + "/oauth2/v2.0/authorize";
    }

    public String deviceAuthorizationEndpoint(String tenantId) {
        return base() + "/" + tenantId + "/oauth2/v2.0/devicecode";
    }

    public String endSessionEndpoint(String tenantId) {
        return base() + "/" + tenantId + "/oauth2/v2.0/logout";
    }

    public String userInfoEndpoint() {
        return base() + "/oidc/userinfo";
    }

    /** The Bot Framework-style OpenID document of webhook callback tokens. */
    public String botFrameworkOpenIdConfiguration() {
        return base() + "/botframework/v1/.well-known/openidconfiguration";
    }

    public String botFrameworkJwksUri() {
        return base() + "/botframework/v1/.well-known/keys";
    }

    public String openIdConfiguration(String tenantId) {
        return issuer(tenantId) + "/.well-known/openid-configuration";
    }
}
