package dev.switchboard.server;

import dev.switchboard.auth.IdentityConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * Who may sign in: the configuration file's tenants, or the embedded development identities.
 *
 * @param configFile    the configuration file, or null for the development identities
 * @param identities    the identity part of that file (read once, with the rest of the file), or the development
 *                      identities
 * @param devIdentities whether the operator explicitly allowed the development identities on a non-loopback address
 */
public record IdentitySettings(Path configFile, IdentityConfig identities, boolean devIdentities) {
    public static final IdentitySettings DEVELOPMENT = new IdentitySettings(null, IdentityConfig.development(), false);

    public IdentitySettings {
        java.util.Objects.requireNonNull(identities, "identities");
    }

    /** Whether the well-known development identities (public secrets) are in use. */
    public boolean development() {
        return configFile == null;
    }

    /**
     * The identities of a configuration file (for tests and embedders; {@code serve} reads the file once itself).
     *
     * @throws IllegalArgumentException when the file is invalid
     */
    public static IdentitySettings load(Path configFile) {
        return new IdentitySettings(configFile, IdentityConfig.load(configFile), false);
    }

    /** The {@code serve} flags of this part (a picocli mixin). */
    static final class Options {
        @Option(names = "--config", description =
                "Configuration file (JSON: tenants, apps, users, trusted issuers, tokens, and a \"server\" object with"
                + " these settings); its tenants replace the development identities (default: none).")
        Path configFile;

        @Option(names = "--dev-identities", arity = "0..1", fallbackValue = "true", defaultValue = "false", description =
                "Allow the development identities, whose secrets are published, on a non-loopback --host"
                + " (default: false; on loopback they are always used when there is no --config).")
        boolean devIdentities;

        /** @param file the configuration file already read, or null */
        IdentitySettings settings(ConfigFile file) {
            return file == null ? new IdentitySettings(null, IdentityConfig.development(), devIdentities)
                    : new IdentitySettings(file.path(), file.identities(), devIdentities);
        }
    }
}
