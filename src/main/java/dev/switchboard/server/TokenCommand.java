package dev.switchboard.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.tools.ServerHttp;
import dev.switchboard.tools.TokenClient;
import dev.switchboard.tools.ToolException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code switchboard token}: prints a token from a running server's embedded authority, for curl and SDK
 * experiments. The development identities may be named by short names (dev-bot, p2p-bot, other-tenant-bot,
 * alice, bob, carol) and need no secret.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"Print an access token from a running server's authority.",
                "Examples:  switchboard token --app dev-bot        switchboard token --user alice --decode"})
final class TokenCommand implements Callable<Integer> {

    private static final Map<String, String[]> DEV_APPS = Map.of(
            "dev-bot", new String[] {DevIdentities.DEV_BOT_APP_ID, DevIdentities.DEV_BOT_SECRET, DevIdentities.TENANT_ID},
            "p2p-bot", new String[] {DevIdentities.P2P_BOT_APP_ID, DevIdentities.P2P_BOT_SECRET, DevIdentities.TENANT_ID},
            "other-tenant-bot", new String[] {DevIdentities.OTHER_TENANT_BOT_APP_ID, DevIdentities.OTHER_TENANT_BOT_SECRET,
                    DevIdentities.OTHER_TENANT_ID});
    private static final Map<String, String[]> DEV_USERS = Map.of(
            "alice", new String[] {DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD},
            "bob", new String[] {DevIdentities.BOB_USERNAME, DevIdentities.BOB_PASSWORD},
            "carol", new String[] {DevIdentities.CAROL_USERNAME, DevIdentities.CAROL_PASSWORD});

    static final class Who {
        @Option(names = "--app", required = true, description = "Application (client) id, or dev-bot | p2p-bot | other-tenant-bot: an app token.")
        String app;

        @Option(names = "--user", required = true, description = "User name (e.g. alice@switchboard.local), or alice | bob | carol: a delegated user token.")
        String user;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Who who;

    @Option(names = "--secret", description = "The app's client secret (not needed for the development apps).")
    String secret;

    @Option(names = "--password", description = "The user's password (not needed for the development users).")
    String password;

    @Option(names = "--client-id", description = "With --user: the app the user signs in through (default: the Dev Bot).")
    String clientId;

    @Option(names = "--tenant", description = "Tenant id (default: the app's tenant, else the development tenant).")
    String tenant;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "The server (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--decode", description = "Also print the token's header and claims as JSON.")
    boolean decode;

    @Override
    public Integer call() {
        TokenClient tokens = new TokenClient(new ServerHttp(url));
        String token;
        if (who.app != null) {
            String[] dev = DEV_APPS.get(who.app.toLowerCase(Locale.ROOT));
            String appId = dev != null ? dev[0] : who.app;
            String appSecret = secret != null ? secret : dev != null ? dev[1] : null;
            if (appSecret == null) {
                throw new ToolException(ToolException.REFUSED, "--secret is required for app " + appId);
            }
            token = tokens.appToken(tenantOr(dev != null ? dev[2] : DevIdentities.TENANT_ID), appId, appSecret);
        } else {
            String[] dev = DEV_USERS.get(who.user.toLowerCase(Locale.ROOT));
            String username = dev != null ? dev[0] : who.user;
            String userPassword = password != null ? password : dev != null ? dev[1] : null;
            if (userPassword == null) {
                throw new ToolException(ToolException.REFUSED, "--password is required for user " + username);
            }
            String[] via = clientId == null ? DEV_APPS.get("dev-bot") : DEV_APPS.get(clientId.toLowerCase(Locale.ROOT));
            String viaId = via != null ? via[0] : clientId;
            String viaSecret = secret != null ? secret : via != null ? via[1] : null;
            if (viaSecret == null) {
                throw new ToolException(ToolException.REFUSED, "--secret (of --client-id " + viaId + ") is required");
            }
            token = tokens.userToken(tenantOr(DevIdentities.TENANT_ID), viaId, viaSecret, username, userPassword);
        }
        System.out.println(token);
        if (decode) {
            String[] parts = token.split("\\.");
            ObjectMapper json = new ObjectMapper();
            for (int i = 0; i < 2 && i < parts.length; i++) {
                try {
                    System.out.println(json.readTree(new String(Base64.getUrlDecoder().decode(parts[i]), StandardCharsets.UTF_8)).toPrettyString());
                } catch (java.io.IOException e) {
                    throw new ToolException(ToolException.UNAVAILABLE, "the token is not a JWT");
                }
            }
        }
        return 0;
    }

    private String tenantOr(String fallback) {
        return tenant != null ? tenant : fallback;
    }
}
