package dev.switchboard.auth;

import java.util.Set;

/**
 * Who made a request, as proven by a verified bearer token.
 *
 * @param tenantId    the token's {@code tid}
 * @param appId       the client application ({@code appid}/{@code azp}); never null
 * @param userId      the signed-in user's object id ({@code oid}) for delegated tokens, null for app-only
 * @param displayName the user's {@code name} or the app's display name; may be null
 * @param appOnly     true for application tokens ({@code idtyp: app}), false for delegated user tokens
 * @param roles       granted application permissions ({@code roles}); empty for user tokens
 * @param scopes      delegated scopes ({@code scp}); empty for app tokens
 */
public record Principal(String tenantId, String appId, String userId, String displayName,
                        boolean appOnly, Set<String> roles, Set<String> scopes) {
    public Principal {
        roles = Set.copyOf(roles);
        scopes = Set.copyOf(scopes);
    }

    public static Principal app(String tenantId, String appId, String displayName, Set<String> roles) {
        return new Principal(tenantId, appId, null, displayName, true, roles, Set.of());
    }

    public static Principal user(String tenantId, String appId, String userId, String displayName, Set<String> scopes) {
        return new Principal(tenantId, appId, userId, displayName, false, Set.of(), scopes);
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }
}
