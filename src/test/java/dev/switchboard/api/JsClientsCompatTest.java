package dev.switchboard.api;

import dev.switchboard.auth.DevIdentities;
import dev.switchboard.server.HttpsSettings;
import dev.switchboard.testsupport.NpmPackages;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs {@code compat/js} ({@code node --test}): the official JavaScript Graph client v3, MSAL Node and webhook
 * verification (jsonwebtoken + jwks-rsa, botframework-connector) against this server over https. Needs Node 20+ and
 * npm on the PATH; installs the locked packages with {@code npm ci} when {@code node_modules} is missing or older
 * than the lockfile ({@code ./run-tests} does it up front). Fails, never skips, when Node is missing.
 */
class JsClientsCompatTest {
    static final Path COMPAT = Path.of("compat/js");

    static void ensureInstalled() throws IOException, InterruptedException {
        NpmPackages.ensureInstalled(COMPAT);
    }

    @Test
    void theOfficialJavaScriptClientsWorkOverHttpsWithOnlyTheBaseUrlAndAuthorityChanged() throws Exception {
        ensureInstalled();
        try (CallbackReceiver bot = new CallbackReceiver();
             TestServer server = TestServer.start(cfg -> cfg.withHttps(new HttpsSettings(0, null, null, List.of())))) {
            runNode(server, "test/", Map.of("SWITCHBOARD_CALLBACK_URL", bot.url()));
        }
    }

    /** {@code compat/js/throttling}: the v3 client's retry handler against a server with a small request limit. */
    @Test
    void theJavaScriptClientsRetryHandlerWaitsOutTheGraphRequestLimit() throws Exception {
        ensureInstalled();
        try (CallbackReceiver bot = new CallbackReceiver();
             TestServer server = TestServer.start(cfg -> cfg.withHttps(new HttpsSettings(0, null, null, List.of()))
                .withGraphRequests(new GraphRequestLimit(3, java.time.Duration.ofSeconds(6))))) {
            runNode(server, "throttling/", Map.of("SWITCHBOARD_GRAPH_LIMIT", "3", "SWITCHBOARD_GRAPH_WINDOW", "6",
                    "SWITCHBOARD_CALLBACK_URL", bot.url()));
        }
    }

    /** Runs {@code node --test} on {@code tests} against {@code server}, with the identities and {@code extra} in its environment. */
    private static void runNode(TestServer server, String tests, Map<String, String> extra) throws Exception {
        ProcessBuilder node = new ProcessBuilder("node", "--test", "--test-concurrency=1", "--test-reporter=spec", tests)
                .directory(COMPAT.toFile()).redirectErrorStream(true);
        Map<String, String> env = node.environment();
        env.putAll(extra);
        env.put("NODE_EXTRA_CA_CERTS", server.dataDir().resolve("tls/ca.pem").toAbsolutePath().toString());
        env.put("SWITCHBOARD_HTTPS_URL", "https://localhost:" + server.server().httpsPort());
        env.put("SWITCHBOARD_TENANT", DevIdentities.TENANT_ID);
        env.put("SWITCHBOARD_BOT_ID", DevIdentities.DEV_BOT_APP_ID);
        env.put("SWITCHBOARD_BOT_SECRET", DevIdentities.DEV_BOT_SECRET);
        env.put("SWITCHBOARD_P2P_BOT_ID", DevIdentities.P2P_BOT_APP_ID);
        env.put("SWITCHBOARD_P2P_BOT_SECRET", DevIdentities.P2P_BOT_SECRET);
        env.put("SWITCHBOARD_ALICE_ID", DevIdentities.ALICE_ID);
        env.put("SWITCHBOARD_ALICE_USERNAME", DevIdentities.ALICE_USERNAME);
        env.put("SWITCHBOARD_ALICE_PASSWORD", DevIdentities.ALICE_PASSWORD);
        env.put("SWITCHBOARD_BOB_ID", DevIdentities.BOB_ID);
        env.put("SWITCHBOARD_SPA_ID", DevIdentities.DEV_SPA_APP_ID);
        env.put("SWITCHBOARD_CAROL_ID", DevIdentities.CAROL_ID);
        Process p = node.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("node --test finished").isTrue();
        assertThat(p.exitValue()).as("node --test compat/js:\n" + out).isZero();
        assertThat(out).containsPattern("(?m)^\\S+ fail 0$").doesNotContainPattern("(?m)^\\S+ pass 0$");
    }
}
