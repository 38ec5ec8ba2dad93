package dev.switchboard.auth;

import java.util.Set;

/**
 * A user of a tenant of the embedded authority (for delegated tokens through the password grant).
 *
 * @param tenantId    the user's tenant
 * @param userId      the object id ({@code oid})
 * @param username    the sign-in name ({@code preferred_username}); matched case-insensitively
 * @param displayName the {@code name} claim
 * @param password    the password, plain or hashed
 * @param roles       the server's own roles of this user ({@link AdminRoles}); never in a token, checked by the
 *                    server against this directory; empty for most users
 */
public record UserAccount(String tenantId, String userId, String username, String displayName, SecretHash password,
                          Set<String> roles) {
    public UserAccount {
        roles = Set.copyOf(roles);
    }

    /** A user without roles. */
    public UserAccount(String tenantId, String userId, String username, String displayName, SecretHash password) {
        this(tenantId, userId, username, displayName, password, Set.of());
    }
}
