package dev.switchboard.auth;

import java.util.List;
import java.util.Set;

/**
 * The well-known development identities (like Azurite's development account): loaded when the server
 * starts without {@code --config}, printed at start and listed in the README. Never use them for
 * anything reachable from outside the machine.
 */
public final class DevIdentities {
    public static final String TENANT_ID = "00000000-0000-4000-8000-000000000001";
    public static final String OTHER_TENANT_ID = "00000000-0000-4000-8000-000000000002";

    public static final String DEV_BOT_APP_ID = "00000000-0000-4000-8000-00000000b071";
    public static final String DEV_BOT_SECRET = "dev-bot-secret";
    public static final String DEV_BOT_NAME = "Dev Bot";
    public static final String P2P_BOT_APP_ID = "00000000-0000-4000-8000-00000000b072";
    public static final String P2P_BOT_SECRET = "dev-p2p-secret";
    public static final String P2P_BOT_NAME = "Dev P2P Bot";
    public static final String OTHER_TENANT_BOT_APP_ID = "00000000-0000-4000-8000-00000000b073";
    public static final String OTHER_TENANT_BOT_SECRET = "other-tenant-secret";
    public static final String OTHER_TENANT_BOT_NAME = "Other Tenant Bot";

    public static final String ALICE_ID = "00000000-0000-4000-8000-0000000a11ce";
    public static final String ALICE_USERNAME = "alice@switchboard.local";
    public static final String ALICE_PASSWORD = "alice";
    public static final String BOB_ID = "00000000-0000-4000-8000-000000000b0b";
    public static final String BOB_USERNAME = "bob@switchboard.local";
    public static final String BOB_PASSWORD = "bob";
    public static final String CAROL_ID = "00000000-0000-4000-8000-00000000ca01";
    public static final String CAROL_USERNAME = "carol@switchboard.local";
    public static final String CAROL_PASSWORD = "carol";

    /** The development administrator of the dashboard and the admin API (every tenant; docs/admin-api.md). */
    public static final String ADMIN_ID = "00000000-0000-4000-8000-00000000ad01";
    public static final String ADMIN_USERNAME = "admin";
    public static final String ADMIN_PASSWORD = "admin";

    /** The delegated scopes the development apps may obtain for users (with {@code .default}). */
    /** The "Dev SPA": a public client (no secret) for the authorization code flow with PKCE from a browser or a CLI. */
    public static final String DEV_SPA_APP_ID = "00000000-0000-4000-8000-0000000005fa";
    public static final String DEV_SPA_NAME = "Dev SPA";
    public static final Set<String> DEV_DELEGATED_SCOPES = Set.of("User.Read", "Calls.JoinGroupCall");

    private static final Set<String> ALL_CALLS_ROLES = Set.of(CallsPermission.INITIATE, CallsPermission.INITIATE_GROUP_CALL,
            CallsPermission.JOIN_GROUP_CALL, CallsPermission.JOIN_GROUP_CALL_AS_GUEST, CallsPermission.ACCESS_MEDIA);

    private DevIdentities() {
    }

    /** The development directory: two tenants, three apps, three users and the administrator (all in the first tenant). */
    public static IdentityDirectory directory() {
        return new IdentityDirectory(List.of(
                new TenantEntry(TENANT_ID, "Switchboard Dev",
                        List.of(new AppRegistration(TENANT_ID, DEV_BOT_APP_ID, DEV_BOT_NAME, SecretHash.plain(DEV_BOT_SECRET),
                                        ALL_CALLS_ROLES, DEV_DELEGATED_SCOPES),
                                new AppRegistration(TENANT_ID, P2P_BOT_APP_ID, P2P_BOT_NAME, SecretHash.plain(P2P_BOT_SECRET),
                                        Set.of(CallsPermission.INITIATE), DEV_DELEGATED_SCOPES),
                                new AppRegistration(TENANT_ID, DEV_SPA_APP_ID, DEV_SPA_NAME, null, Set.of(),
                                        DEV_DELEGATED_SCOPES, AppRegistration.LOCALHOST_REDIRECTS)),
                        List.of(new UserAccount(TENANT_ID, ALICE_ID, ALICE_USERNAME, "Alice", SecretHash.plain(ALICE_PASSWORD)),
                                new UserAccount(TENANT_ID, BOB_ID, BOB_USERNAME, "Bob", SecretHash.plain(BOB_PASSWORD)),
                                new UserAccount(TENANT_ID, CAROL_ID, CAROL_USERNAME, "Carol", SecretHash.plain(CAROL_PASSWORD)),
                                new UserAccount(TENANT_ID, ADMIN_ID, ADMIN_USERNAME, "Administrator",
                                        SecretHash.plain(ADMIN_PASSWORD), Set.of(AdminRoles.ADMIN)))),
                new TenantEntry(OTHER_TENANT_ID, "Switchboard Dev (second tenant)",
                        List.of(new AppRegistration(OTHER_TENANT_ID, OTHER_TENANT_BOT_APP_ID, OTHER_TENANT_BOT_NAME,
                                SecretHash.plain(OTHER_TENANT_BOT_SECRET), ALL_CALLS_ROLES, DEV_DELEGATED_SCOPES)),
                        List.of())));
    }
}
