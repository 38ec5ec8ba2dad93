package dev.switchboard.server;

import dev.switchboard.auth.DevIdentities;
import dev.switchboard.tools.ToolException;
import picocli.CommandLine.Option;

/**
 * How a tool signs in to a running server's authority (a picocli mixin of {@code token} and {@code participant}):
 * the tenant, the app (client) a user signs in through, its secret, and the user's password. The development
 * identities need none of these; any other app or user needs them.
 */
final class SignInOptions {
    @Option(names = "--tenant", description = "The tenant to sign in to (default: the tenant of the development app used;"
            + " required with any other app).")
    String tenant;

    @Option(names = "--client-id", description = "With a user: the app the user signs in through, an app id or dev-bot |"
            + " p2p-bot | other-tenant-bot (default: dev-bot, the Dev Bot).")
    String clientId;

    @Option(names = "--secret", description = "The client secret of the app that signs in (default: the published secret"
            + " of a development app; required with any other app).")
    String secret;

    @Option(names = "--password", description = "The user's password (not needed for alice, bob and carol).")
    String password;

    /**
     * An app, its secret and the tenant to ask: a development app by short name or id, or any app id with
     * {@code --secret} and {@code --tenant}.
     *
     * @throws ToolException 2 (bad usage) when no secret or no tenant is known
     */
    CliValues.App app(String nameOrId) {
        CliValues.App dev = CliValues.devApp(nameOrId);
        String appId = dev != null ? dev.appId() : nameOrId;
        String appSecret = secret != null ? secret : dev != null ? dev.secret() : null;
        if (appSecret == null) {
            throw new ToolException(ToolException.USAGE, "--secret is required for app " + appId);
        }
        String appTenant = tenant != null ? tenant : dev != null ? dev.tenantId() : null;
        if (appTenant == null) {
            throw new ToolException(ToolException.USAGE, "--tenant is required for app " + appId
                    + " (only the development apps' tenants are known without it)");
        }
        return new CliValues.App(appId, appSecret, appTenant);
    }

    /** The app a user signs in through: {@code --client-id}, by default the Dev Bot; see {@link #app(String)}. */
    CliValues.App client() {
        return app(clientId == null ? DevIdentities.DEV_BOT_APP_ID : clientId);
    }

    /** A user's login: a development user by short name (password optional) or any user name with {@code --password}. */
    CliValues.Login login(String user) {
        return CliValues.login(user, password);
    }
}
