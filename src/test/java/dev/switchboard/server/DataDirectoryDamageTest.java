package dev.switchboard.server;

import dev.switchboard.testsupport.ServerProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real {@code serve} on a data directory an operator (or a disk) damaged: every file it cannot use stops the start
 * with one line naming the file and what to do, exit 74, and the file is left as it was; a file that holds nothing
 * worth keeping is not a reason to refuse. Never a stack trace, never a start that silently replaced what was there.
 */
class DataDirectoryDamageTest {
    @TempDir
    static Path healthy;

    @BeforeAll
    static void aDataDirectoryAServerUsed() throws Exception {
        try (ServerProcess first = ServerProcess.start(healthy)) {
            first.terminate();
            first.process().waitFor();
        }
        assertThat(healthy.resolve("calls.journal")).exists();
        assertThat(healthy.resolve("auth/signing-keys.json")).exists();
        assertThat(healthy.resolve("auth/callback-signing-rsa-key.json")).exists();
        assertThat(healthy.resolve("tls/ca.pem")).exists();
        assertThat(healthy.resolve("tls/localhost.pem")).exists();
    }

    @Test
    void aJournalOfAnotherProgramIsRefusedAndLeftAsItIs(@TempDir Path dir) throws Exception {
        copyHealthy(dir);
        Files.writeString(dir.resolve("calls.journal"), "not a journal at all\n");
        assertRefused(dir, "calls.journal", "move it away");
        assertThat(Files.readString(dir.resolve("calls.journal"))).isEqualTo("not a journal at all\n");
    }

    @Test
    void anEmptyJournalHoldsNoCallsAndTheServerStarts(@TempDir Path dir) throws Exception {
        copyHealthy(dir);
        Files.write(dir.resolve("calls.journal"), new byte[0]);
        try (ServerProcess server = ServerProcess.start(dir)) {
            assertThat(server.baseUrl()).startsWith("http://");
        }
    }

    @Test
    void aSigningKeyFileCutShortIsRefused(@TempDir Path dir) throws Exception {
        copyHealthy(dir);
        Path keys = dir.resolve("auth/signing-keys.json");
        byte[] cut = Arrays.copyOf(Files.readAllBytes(keys), 100);
        Files.write(keys, cut);
        assertRefused(dir, "signing-keys.json", "move it away");
        assertThat(Files.readAllBytes(keys)).isEqualTo(cut);
    }

    /** An empty key file used to be taken for "no keys yet": a new key replaced it, and every token stopped verifying. */
    @Test
    void anEmptySigningKeyFileIsRefusedNotReplaced(@TempDir Path dir) throws Exception {
        copyHealthy(dir);
        Path keys = dir.resolve("auth/signing-keys.json");
        Files.write(keys, new byte[0]);
        assertRefused(dir, "signing-keys.json", "restore it from a backup");
        assertThat(keys).isEmptyFile();
    }

    @Test
    void aDamagedCallbackSigningKeyIsRefused(@TempDir Path dir) throws Exception {
        copyHealthy(dir);
        Path key = dir.resolve("auth/callback-signing-rsa-key.json");
        Files.write(key, Arrays.copyOf(Files.readAllBytes(key), 100));
        assertRefused(dir, "callback-signing-rsa-key.json", "move it away");
    }

    @Test
    void aDamagedLocalCaIsRefusedForClientsTrustIt(@TempDir Path dir) throws Exception {
        copyHealthy(dir);
        Files.write(dir.resolve("tls/ca-key.pem"), new byte[0]);
        assertRefused(dir, "ca-key.pem", "make a new CA");
    }

    /** The server certificate is the CA's to issue again: a damaged one is replaced, with a warning. */
    @Test
    void aDamagedServerCertificateIsIssuedAgain(@TempDir Path dir) throws Exception {
        copyHealthy(dir);
        Path leaf = dir.resolve("tls/localhost.pem");
        Files.write(leaf, Arrays.copyOf(Files.readAllBytes(leaf), 50));
        try (ServerProcess server = ServerProcess.start(dir)) {
            assertThat(server.output()).anyMatch(l -> l.contains("server certificate unreadable, issuing a new one"));
        }
        assertThat(Files.readString(leaf)).contains("-----END CERTIFICATE-----");
    }

    @Test
    void aFileWhereTheRecordingsDirectoryGoesIsRefused(@TempDir Path dir) throws Exception {
        copyHealthy(dir);
        Path recordings = dir.resolve("recordings");
        try (Stream<Path> old = Files.list(recordings)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(recordings);
        Files.writeString(recordings, "x");
        assertRefused(dir, "recordings", "must be a directory");
    }

    private static void assertRefused(Path dir, String fileName, String remedy) throws Exception {
        ServerProcess.Exited run = ServerProcess.run(dir);
        assertThat(run.exitCode()).as(run.output()).isEqualTo(74);
        String last = run.output().strip().lines().reduce((a, b) -> b).orElse("");
        assertThat(last).as(run.output()).startsWith("switchboard: ").contains(fileName).contains(remedy);
        assertThat(run.output()).doesNotContain("unexpected error").doesNotContain("\tat ").doesNotContain("Switchboard listening");
    }

    private static void copyHealthy(Path to) throws IOException {
        try (Stream<Path> all = Files.walk(healthy)) {
            for (Path from : all.toList()) {
                Path target = to.resolve(healthy.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(target);
                } else if (!from.getFileName().toString().equals("lock")) {
                    Files.copy(from, target);
                }
            }
        }
    }
}
