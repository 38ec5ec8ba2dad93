package dev.switchboard.auth;

import java.util.Optional;

/**
 * Who may use the admin API and the dashboard: a user of the embedded authority with an admin role in the
 * configuration ({@code "roles": ["Switchboard.Admin"]} on a user). The role lives in the directory, not in the token,
 * so removing it takes effect at once. App tokens and users without the role are never admins.
 */
public final class AdminRoles {
    /** Sees and acts on every tenant's calls. */
    public static final String ADMIN = "Switchboard.Admin";
    /** Sees and acts on the calls of the user's own tenant only. */
    public static final String TENANT_ADMIN = "Switchboard.TenantAdmin";

    /**
     * What an admin may see.
     *
     * @param tenantId the only tenant visible, or null for every tenant
     */
    public record Scope(String tenantId) {
        public boolean sees(String callTenantId) {
            return tenantId == null || tenantId.equals(callTenantId);
        }
    }

    private AdminRoles() {
    }

    /** The scope of {@code user}'s admin role, or empty when the user has none. */
    public static Optional<Scope> scopeOf(UserAccount user) {
        if (user.roles().contains(ADMIN)) {
            return Optional.of(new Scope(null));
        }
        if (user.roles().contains(TENANT_ADMIN)) {
            return Optional.of(new Scope(user.tenantId()));
        }
        return Optional.empty();
    }
}
