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
            CliValues.App dev = CliValues.devApp(who.app);
            String appId = dev != null ? dev.appId() : who.app;
            String appSecret = secret != null ? secret : dev != null ? dev.secret() : null;
            if (appSecret == null) {
                throw new ToolException(ToolException.REFUSED, "--secret is required for app " + appId);
            }
            token = tokens.appToken(tenantOr(dev != null ? dev.tenantId() : DevIdentities.TENANT_ID), appId, appSecret);
        } else {
            CliValues.Login login = CliValues.login(who.user, password);
            CliValues.App via = CliValues.devApp(clientId == null ? "dev-bot" : clientId);
            String viaId = via != null ? via.appId() : clientId;
            String viaSecret = secret != null ? secret : via != null ? via.secret() : null;
            if (viaSecret == null) {
                throw new ToolException(ToolException.REFUSED, "--secret (of --client-id " + viaId + ") is required");
            }
            token = tokens.userToken(tenantOr(DevIdentities.TENANT_ID), viaId, viaSecret, login.username(), login.password());
        }
        System.out.println(token);
        if (decode) {
            String[] parts = token.split("\\.");
            ObjectMapper json = CliJson.JSON;
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
