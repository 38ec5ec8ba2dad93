package dev.switchboard.server;

import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.tools.ToolException;

import java.util.Locale;
import java.util.Map;

/** Values the tool commands share: codec names and the development logins by short name. */
final class CliValues {
    /** A user name and password. */
    record Login(String username, String password) {
    }

    /** An application id, its secret and its tenant. */
    record App(String appId, String secret, String tenantId) {
    }

    private static final Map<String, Login> DEV_USERS = Map.of(
            "alice", new Login(DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD),
            "bob", new Login(DevIdentities.BOB_USERNAME, DevIdentities.BOB_PASSWORD),
            "carol", new Login(DevIdentities.CAROL_USERNAME, DevIdentities.CAROL_PASSWORD));
    private static final Map<String, App> DEV_APPS = Map.of(
            "dev-bot", new App(DevIdentities.DEV_BOT_APP_ID, DevIdentities.DEV_BOT_SECRET, DevIdentities.TENANT_ID),
            "p2p-bot", new App(DevIdentities.P2P_BOT_APP_ID, DevIdentities.P2P_BOT_SECRET, DevIdentities.TENANT_ID),
            "other-tenant-bot", new App(DevIdentities.OTHER_TENANT_BOT_APP_ID, DevIdentities.OTHER_TENANT_BOT_SECRET,
                    DevIdentities.OTHER_TENANT_ID));

    private CliValues() {
    }

    /** {@code pcmu}, {@code pcma} or {@code opus}, any case; otherwise a usage error (exit 2). */
    static AudioCodec codec(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "pcmu" -> AudioCodec.PCMU;
            case "pcma" -> AudioCodec.PCMA;
            case "opus" -> AudioCodec.OPUS;
            default -> throw new ToolException(ToolException.USAGE, "--codec must be pcmu, pcma or opus, not '" + name + "'");
        };
    }

    /**
     * A user's login: a development user by short name (password optional) or any user name with a password.
     *
     * @throws ToolException when no password is known
     */
    static Login login(String user, String password) {
        Login dev = DEV_USERS.get(user.toLowerCase(Locale.ROOT));
        String username = dev != null ? dev.username() : user;
        String pass = password != null ? password : dev != null ? dev.password() : null;
        if (pass == null) {
            throw new ToolException(ToolException.REFUSED, "--password is required for user " + username);
        }
        return new Login(username, pass);
    }

    /** A development app by short name (dev-bot, p2p-bot, other-tenant-bot) or by its app id, or null. */
    static App devApp(String nameOrId) {
        App byName = DEV_APPS.get(nameOrId.toLowerCase(Locale.ROOT));
        if (byName != null) {
            return byName;
        }
        for (App app : DEV_APPS.values()) {
            if (app.appId().equalsIgnoreCase(nameOrId)) {
                return app;
            }
        }
        return null;
    }
}
