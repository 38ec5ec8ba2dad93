package dev.switchboard.auth;

import java.util.function.Supplier;

/**
 * The embedded authority's URLs, derived from the server's public base URL (known only once the HTTP port is
 * bound, hence a supplier). Thread-safe.
 */
public final class IssuerUrls {
    private final Supplier<String> baseUrl;

    /** @param baseUrl the server's base URL without a trailing slash, e.g. {@code http://127.0.0.1:8080} */
    public IssuerUrls(Supplier<String> baseUrl) {
        this.baseUrl = baseUrl;
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

    public String openIdConfiguration(String tenantId) {
        return issuer(tenantId) + "/.well-known/openid-configuration";
    }
}
