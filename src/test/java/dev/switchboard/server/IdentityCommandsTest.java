package dev.switchboard.server;

import dev.switchboard.auth.SecretHash;
import dev.switchboard.auth.SigningKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class IdentityCommandsTest {
    @TempDir
    Path dir;

    static String run(String stdin, String... args) {
        PrintStream out = System.out;
        InputStream in = System.in;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            assertThat(Main.run(args)).isZero();
        } finally {
            System.setOut(out);
            System.setIn(in);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void rotateKeysMakesANewActiveKeyAndKeepsTheOld() {
        SigningKeys before = new SigningKeys(dir.resolve("auth"), Clock.systemUTC(), Duration.ofMinutes(61), null);
        String oldKid = before.active().kid();
        String out = run("", "rotate-keys", "--data-dir", dir.toString());
        SigningKeys after = new SigningKeys(dir.resolve("auth"), Clock.systemUTC(), Duration.ofMinutes(61), null);
        assertThat(after.active().kid()).isNotEqualTo(oldKid);
        assertThat(after.entries()).extracting(SigningKeys.Entry::kid).containsExactly(after.active().kid(), oldKid);
        assertThat(out).contains("active signing key: " + after.active().kid()).contains(oldKid);
    }

    /**
     * rotate-keys on a running server's data directory: refused, the key file untouched. It used to rotate under the
     * server, which went on signing with the key it retired (and whose own later writes would replace the file).
     */
    @Test
    void rotateKeysOnARunningServersDataDirectoryIsRefused(@TempDir Path running) throws Exception {
        try (dev.switchboard.testsupport.ServerProcess server = dev.switchboard.testsupport.ServerProcess.start(running)) {
            Path keys = running.resolve("auth").resolve("signing-keys.json");
            byte[] before = java.nio.file.Files.readAllBytes(keys);
            dev.switchboard.testsupport.Cli.Result r = dev.switchboard.testsupport.Cli.run(Main::commandLine,
                    "rotate-keys", "--data-dir", running.toString());
            assertThat(r.code()).as(r.out() + r.err()).isEqualTo(74);
            assertThat(r.err()).contains("in use by another running server (pid " + server.process().pid() + ")")
                    .contains("stop it first");
            assertThat(java.nio.file.Files.readAllBytes(keys)).isEqualTo(before);
        }
    }

    @Test
    void rotateKeysOnACorruptKeyFileFailsWithALocalProblem() throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("auth"));
        java.nio.file.Files.writeString(dir.resolve("auth").resolve("signing-keys.json"), "{\"keys\":[{}]}");
        PrintStream err = System.err;
        try {
            System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertThat(Main.run("rotate-keys", "--data-dir", dir.toString())).isEqualTo(74);
        } finally {
            System.setErr(err);
        }
    }

    @Test
    void hashSecretPrintsAHashTheConfigAccepts() {
        String out = run("my-secret\n", "hash-secret", "--iterations", "1000").strip();
        assertThat(out).startsWith("pbkdf2-sha256$1000$");
        assertThat(SecretHash.parse(out).matches("my-secret")).isTrue();
        assertThat(out).doesNotContain("my-secret");
    }
}
