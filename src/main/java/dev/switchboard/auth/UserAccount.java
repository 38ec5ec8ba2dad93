package dev.switchboard.auth;

/**
 * A user of a tenant of the embedded authority (for delegated tokens through the password grant).
 *
 * @param tenantId    the user's tenant
 * @param userId      the object id ({@code oid})
 * @param username    the sign-in name ({@code preferred_username}); matched case-insensitively
 * @param displayName the {@code name} claim
 * @param password    the password, plain or hashed
 */
public record UserAccount(String tenantId, String userId, String username, String displayName, SecretHash password) {
}
