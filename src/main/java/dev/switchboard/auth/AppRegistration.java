package dev.switchboard.auth;

import java.util.Set;

/**
 * An application registered in a tenant of the embedded authority.
 *
 * @param tenantId        the tenant the app is registered in
 * @param appId           the client id ({@code appid}/{@code azp} in its tokens)
 * @param displayName     the app's name
 * @param secret          the client secret, plain or hashed
 * @param roles           the granted application permissions ({@code roles} of its app tokens)
 * @param delegatedScopes the delegated scopes it may obtain for a user ({@code scp} of user tokens with {@code .default})
 */
public record AppRegistration(String tenantId, String appId, String displayName, SecretHash secret,
                              Set<String> roles, Set<String> delegatedScopes) {
    public AppRegistration {
        roles = Set.copyOf(roles);
        delegatedScopes = Set.copyOf(delegatedScopes);
    }
}
