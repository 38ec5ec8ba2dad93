package dev.switchboard.auth;

import java.util.List;

/**
 * One tenant of the embedded authority with its registered apps and users.
 *
 * @param id          the tenant id (a GUID, the {@code tid} claim)
 * @param displayName a human name, for logs and the start banner
 * @param apps        the app registrations of this tenant
 * @param users       the user accounts of this tenant
 */
public record TenantEntry(String id, String displayName, List<AppRegistration> apps, List<UserAccount> users) {
    public TenantEntry {
        apps = List.copyOf(apps);
        users = List.copyOf(users);
    }
}
