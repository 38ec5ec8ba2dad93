package dev.switchboard.auth;

import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * An application registered in a tenant of the embedded authority.
 *
 * @param tenantId        the tenant the app is registered in
 * @param appId           the client id ({@code appid}/{@code azp} in its tokens)
 * @param displayName     the app's name
 * @param secret          the client secret, plain or hashed; null for a public client (an SPA or a CLI)
 * @param roles           the granted application permissions ({@code roles} of its app tokens)
 * @param delegatedScopes the delegated scopes it may obtain for a user ({@code scp} of user tokens with {@code .default})
 * @param redirectUris    where the authorization code flow may send the browser back: exact URIs, or
 *                        {@code scheme://host:*} for any port and path on that host
 */
public record AppRegistration(String tenantId, String appId, String displayName, SecretHash secret,
                              Set<String> roles, Set<String> delegatedScopes, List<String> redirectUris) {
    /** The default redirect URIs: a developer's machine, any port, http or https. */
    public static final List<String> LOCALHOST_REDIRECTS = List.of("http://localhost:*", "https://localhost:*",
            "http://127.0.0.1:*", "https://127.0.0.1:*");

    public AppRegistration {
        roles = Set.copyOf(roles);
        delegatedScopes = Set.copyOf(delegatedScopes);
        redirectUris = redirectUris == null || redirectUris.isEmpty() ? LOCALHOST_REDIRECTS : List.copyOf(redirectUris);
    }

    /** A confidential app redirecting only to localhost. */
    public AppRegistration(String tenantId, String appId, String displayName, SecretHash secret, Set<String> roles,
                           Set<String> delegatedScopes) {
        this(tenantId, appId, displayName, secret, roles, delegatedScopes, null);
    }

    public boolean publicClient() {
        return secret == null;
    }

    /** Whether the authorization code flow may redirect to {@code uri} (no fragment allowed). */
    public boolean allowsRedirect(String uri) {
        if (uri == null || uri.contains("#")) {
            return false;
        }
        URI u;
        try {
            u = URI.create(uri);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (u.getScheme() == null || u.getHost() == null) {
            return false;
        }
        for (String allowed : redirectUris) {
            if (allowed.equals(uri)) {
                return true;
            }
            if (allowed.endsWith(":*")) {
                String prefix = allowed.substring(0, allowed.length() - 2);
                if ((u.getScheme() + "://" + u.getHost()).equalsIgnoreCase(prefix)) {
                    return true;
                }
            }
        }
        return false;
    }
}
