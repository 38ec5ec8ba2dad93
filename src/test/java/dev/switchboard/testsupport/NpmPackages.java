package dev.switchboard.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A folder's locked npm packages ({@code package.json} + {@code package-lock.json}), installed with {@code npm ci}
 * when {@code node_modules} is missing or older than the lockfile ({@code ./run-tests} does it up front). Used by the
 * tests of {@code compat/js} and {@code examples/js-bot}. Needs npm on the PATH and the npm registry.
 */
public final class NpmPackages {
    private NpmPackages() {
    }

    public static void ensureInstalled(Path folder) throws IOException, InterruptedException {
        Path marker = folder.resolve("node_modules/.package-lock.json");
        Path lock = folder.resolve("package-lock.json");
        if (Files.exists(marker) && Files.getLastModifiedTime(marker).compareTo(Files.getLastModifiedTime(lock)) >= 0) {
            return;
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(folder.toFile())
                .redirectErrorStream(true).start();
        String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(npm.waitFor(15, TimeUnit.MINUTES)).as("npm ci finished").isTrue();
        assertThat(npm.exitValue()).as("npm ci in " + folder + ":\n" + out).isZero();
    }
}
