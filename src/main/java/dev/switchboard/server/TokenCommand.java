package dev.switchboard.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.tools.ServerHttp;
import dev.switchboard.tools.TokenClient;
import dev.switchboard.tools.ToolException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
        @Option(names = "--app", required = true, description = "Application (client) id, or dev-bot | p2p-bot | other-tenant-bot: an app token for the app's own tenant.")
        String app;

        @Option(names = "--user", required = true, description = "User name (e.g. alice@switchboard.local), or alice | bob | carol: a delegated user token.")
        String user;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Who who;

    @Mixin
    SignInOptions signIn;

    @Mixin
    ServerUrlOption server;

    @Option(names = "--decode", description = "Also print the token's header and claims as JSON.")
    boolean decode;

    @Override
    public Integer call() {
        TokenClient tokens = new TokenClient(new ServerHttp(server.url));
        String token;
        if (who.app != null) {
            CliValues.App app = signIn.app(who.app);
            token = tokens.appToken(app.tenantId(), app.appId(), app.secret());
        } else {
            CliValues.Login login = signIn.login(who.user);
            CliValues.App via = signIn.client();
            token = tokens.userToken(via.tenantId(), via.appId(), via.secret(), login.username(), login.password());
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
}
