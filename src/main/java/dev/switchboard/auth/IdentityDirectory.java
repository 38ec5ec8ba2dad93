package dev.switchboard.auth;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * The tenants, apps and users the embedded authority knows. Immutable (but for a count of the hashing work done) and
 * thread-safe.
 */
public final class IdentityDirectory {
    private final List<TenantEntry> tenants;
    private final Map<String, TenantEntry> tenantsById = new HashMap<>();
    private final Map<String, String> tenantsByLowerCase = new HashMap<>();
    private final Map<String, AppRegistration> appsByKey = new HashMap<>();
    private final Map<String, UserAccount> usersByKey = new HashMap<>();
    private final SecretHash appSecretDecoy;
    private final SecretHash passwordDecoy;
    private final LongAdder hashIterations = new LongAdder();

    /**
     * @throws IllegalArgumentException on duplicate tenant ids, app ids within a tenant or user names within a tenant
     */
    public IdentityDirectory(List<TenantEntry> tenants) {
        this.tenants = List.copyOf(tenants);
        for (TenantEntry t : this.tenants) {
            if (tenantsById.put(t.id(), t) != null) {
                throw new IllegalArgumentException("duplicate tenant id " + t.id());
            }
            if (tenantsByLowerCase.put(t.id().toLowerCase(Locale.ROOT), t.id()) != null) {
                throw new IllegalArgumentException("tenant ids " + t.id() + " and " + tenantsByLowerCase.get(t.id().toLowerCase(Locale.ROOT))
                        + " differ only in case");
            }
            for (AppRegistration a : t.apps()) {
                if (!a.tenantId().equals(t.id())) {
                    throw new IllegalArgumentException("app " + a.appId() + " lists tenant " + a.tenantId() + " inside tenant " + t.id());
                }
                if (appsByKey.put(key(t.id(), a.appId()), a) != null) {
                    throw new IllegalArgumentException("duplicate app id " + a.appId() + " in tenant " + t.id());
                }
            }
            for (UserAccount u : t.users()) {
                if (usersByKey.put(key(t.id(), u.username().toLowerCase(Locale.ROOT)), u) != null) {
                    throw new IllegalArgumentException("duplicate user name " + u.username() + " in tenant " + t.id());
                }
            }
        }
        appSecretDecoy = SecretHash.decoyFor(appsByKey.values().stream().map(AppRegistration::secret).toList());
        passwordDecoy = SecretHash.decoyFor(usersByKey.values().stream().map(UserAccount::password).toList());
    }

    /**
     * Whether {@code secret} is the client secret of {@code app}; for no app (an unknown client id) or an app without a
     * secret it is false after the same work as checking the costliest secret here, so the time of a refusal does not
     * tell which client ids exist (docs/identity.md).
     */
    public boolean clientSecretMatches(AppRegistration app, String secret) {
        SecretHash stored = app == null || app.secret() == null ? appSecretDecoy : app.secret();
        return stored.matches(secret, hashIterations) && stored != appSecretDecoy;
    }

    /** As {@link #clientSecretMatches}, for a user's password: a refusal takes as long for an unknown user name. */
    public boolean passwordMatches(UserAccount user, String password) {
        SecretHash stored = user == null || user.password() == null ? passwordDecoy : user.password();
        return stored.matches(password, hashIterations) && stored != passwordDecoy;
    }

    /**
     * The PBKDF2 iterations run so far checking client secrets and passwords, decoys included
     * ({@code switchboard_auth_secret_hash_iterations_total}): what sign-ins cost, and that a refusal of an unknown name
     * costs what a wrong secret does.
     */
    public long hashIterations() {
        return hashIterations.sum();
    }

    public List<TenantEntry> tenants() {
        return tenants;
    }

    public Optional<TenantEntry> tenant(String tenantId) {
        return Optional.ofNullable(tenantsById.get(tenantId));
    }

    public boolean hasTenant(String tenantId) {
        return tenantsById.containsKey(tenantId);
    }

    /**
     * The tenant id as configured for an id given in a URL, where tenant GUIDs are case-insensitive as in Entra ID
     * ({@code 0000…B071} finds {@code 0000…b071}).
     */
    public Optional<String> canonicalTenantId(String given) {
        if (tenantsById.containsKey(given)) {
            return Optional.of(given);
        }
        return Optional.ofNullable(tenantsByLowerCase.get(given.toLowerCase(Locale.ROOT)));
    }

    public Optional<AppRegistration> app(String tenantId, String appId) {
        return Optional.ofNullable(appsByKey.get(key(tenantId, appId)));
    }

    /** @param username matched case-insensitively */
    public Optional<UserAccount> user(String tenantId, String username) {
        return Optional.ofNullable(usersByKey.get(key(tenantId, username.toLowerCase(Locale.ROOT))));
    }

    /** A user by tenant and object id ({@code oid}), e.g. to look up the roles of a verified token's user. */
    public Optional<UserAccount> userById(String tenantId, String userId) {
        TenantEntry t = tenantsById.get(tenantId);
        if (t == null || userId == null) {
            return Optional.empty();
        }
        return t.users().stream().filter(u -> u.userId().equals(userId)).findFirst();
    }

    public Collection<AppRegistration> apps() {
        return appsByKey.values();
    }

    private static String key(String tenantId, String id) {
        return tenantId + "\n" + id;
    }
}
