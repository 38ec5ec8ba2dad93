package dev.switchboard.server;

import dev.switchboard.auth.IdentityConfig;
import dev.switchboard.auth.SecretHash;
import dev.switchboard.auth.SigningKeys;
import dev.switchboard.auth.TokenSettings;
import dev.switchboard.tools.ToolException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;

/** Offline helpers for the embedded authority: key rotation and secret hashing for the configuration file. */
final class IdentityCommands {
    private IdentityCommands() {
    }

    /** {@code switchboard rotate-keys}: makes a fresh signing key active; the old one keeps verifying until its tokens expire. */
    @Command(name = "rotate-keys", mixinStandardHelpOptions = true,
            description = {"Rotate the token signing key in the data directory (run while the server is stopped, then start it).",
                    "With --redis: rotate the key of a running cluster; every node publishes the new key before any signs with it"
                            + " (docs/cluster.md)."})
    static final class RotateKeys implements Callable<Integer> {
        @Option(names = "--redis", description = "The cluster's Redis (as given to serve --redis): rotate the running cluster's key instead.")
        String redis;

        @Option(names = "--follow-timeout", defaultValue = "30s", converter = SettingConverters.DurationConverter.class,
                description = "With --redis: how long each step waits for every live node to load the new keys (default: 30s).")
        java.time.Duration followTimeout;

        @Option(names = "--data-dir", defaultValue = "switchboard-data", description = "The server's data directory (default: ${DEFAULT-VALUE}).")
        Path dataDir;

        @Option(names = "--config", description = "The configuration file, for its token lifetime (default: the embedded defaults).")
        Path configFile;

        @Override
        public Integer call() {
            TokenSettings t;
            SigningKeys keys;
            SigningKeys.Entry fresh;
            try {
                t = configFile == null ? IdentityConfig.development().tokens() : IdentityConfig.load(configFile).tokens();
                if (redis != null) {
                    return rotateCluster(t);
                }
                // a running server would go on signing with the key this retires, and write its own key file over it
                try (DataDirLock stopped = DataDirLock.acquire(dataDir, "stop it first, then rotate and start it again")) {
                    keys = new SigningKeys(dataDir.resolve("auth"), Clock.systemUTC(), t.accessTokenLifetime().plus(t.clockSkew()), null);
                    fresh = keys.rotate();
                }
            } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
                throw new ToolException(ToolException.LOCAL, e.getMessage());
            }
            System.out.println("active signing key: " + fresh.kid());
            for (SigningKeys.Entry e : keys.entries()) {
                if (e.retiredAt() != null) {
                    System.out.println("retired, verifies until " + e.retiredAt().plus(t.accessTokenLifetime()).plus(t.clockSkew())
                            + ": " + e.kid());
                }
            }
            return 0;
        }

        private int rotateCluster(TokenSettings t) {
            try (dev.switchboard.cluster.Redis r = dev.switchboard.cluster.Redis.connect(redis)) {
                var done = new dev.switchboard.cluster.KeyRotation(r, Clock.systemUTC(), t.accessTokenLifetime().plus(t.clockSkew()))
                        .rotate(followTimeout);
                System.out.println("active signing key on " + done.nodes() + " live nodes: " + done.activeKid());
                System.out.println("retired, verifies until its tokens expire (" + t.accessTokenLifetime().plus(t.clockSkew())
                        + "): " + done.retiredKid());
                return 0;
            } catch (dev.switchboard.error.SwitchboardException e) {
                throw new ToolException(ToolException.LOCAL, "Redis at " + redis + " did not answer");
            }
        }
    }

    /** {@code switchboard hash-secret}: reads a secret from the terminal or stdin and prints its configuration-file hash. */
    @Command(name = "hash-secret", mixinStandardHelpOptions = true,
            description = "Hash a client secret or password for the configuration file (PBKDF2-HMAC-SHA256); reads it from the terminal or stdin.")
    static final class HashSecret implements Callable<Integer> {
        @Option(names = "--iterations", defaultValue = "" + SecretHash.DEFAULT_ITERATIONS, description = "PBKDF2 iterations (default: ${DEFAULT-VALUE}).")
        int iterations;

        @Override
        public Integer call() throws Exception {
            Console console = System.console();
            String secret;
            if (console != null) {
                char[] chars = console.readPassword("secret: ");
                secret = chars == null ? null : new String(chars);
            } else {
                secret = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            }
            if (secret == null || secret.isEmpty()) {
                throw new ToolException(ToolException.USAGE, "no secret given (type it at the prompt or pipe it to stdin)");
            }
            System.out.println(SecretHash.pbkdf2(secret, iterations));
            return 0;
        }
    }
}
