package dev.switchboard.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@code switchboard ca --install}: which store each system gets and the exact commands; the Debian path for real,
 * with Debian's own {@code update-ca-certificates} rebuilding a bundle in a scratch tree (not the machine's store).
 */
class OsTrustStoreTest {
    private static final Path CERT = Path.of("/data/tls/ca.pem");

    private static OsTrustStore linux(String... keyValues) {
        Map<String, String> release = new java.util.HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            release.put(keyValues[i], keyValues[i + 1]);
        }
        return OsTrustStore.detect("Linux", release).orElseThrow();
    }

    @Test
    void debianUbuntuAndAlpineCopyIntoLocalCaCertificatesAndRunUpdateCaCertificates() {
        for (OsTrustStore s : List.of(linux("ID", "debian"), linux("ID", "ubuntu", "ID_LIKE", "debian"),
                linux("ID", "linuxmint", "ID_LIKE", "ubuntu debian"), linux("ID", "alpine"))) {
            assertThat(s.describe(CERT)).containsExactly(
                    "cp /data/tls/ca.pem /usr/local/share/ca-certificates/switchboard-dev-ca.crt", "update-ca-certificates");
        }
    }

    @Test
    void fedoraRhelAndTheirRebuildsUseTheCaTrustAnchors() {
        for (OsTrustStore s : List.of(linux("ID", "fedora"), linux("ID", "rhel", "ID_LIKE", "fedora"),
                linux("ID", "rocky", "ID_LIKE", "rhel centos fedora"), linux("ID", "almalinux", "ID_LIKE", "rhel centos fedora"),
                linux("ID", "amzn", "ID_LIKE", "centos rhel fedora"))) {
            assertThat(s.describe(CERT)).containsExactly(
                    "cp /data/tls/ca.pem /etc/pki/ca-trust/source/anchors/switchboard-dev-ca.pem", "update-ca-trust extract");
        }
    }

    @Test
    void openSuseUsesItsTrustAnchors() {
        assertThat(linux("ID", "opensuse-tumbleweed", "ID_LIKE", "opensuse suse").describe(CERT)).containsExactly(
                "cp /data/tls/ca.pem /etc/pki/trust/anchors/switchboard-dev-ca.pem", "update-ca-certificates");
    }

    @Test
    void macOsAndWindowsTakeTheCertificateItself() {
        OsTrustStore mac = OsTrustStore.detect("Mac OS X", Map.of()).orElseThrow();
        assertThat(mac.anchor()).isNull();
        assertThat(mac.commandsFor(CERT)).containsExactly(List.of("security", "add-trusted-cert", "-d", "-r", "trustRoot",
                "-k", "/Library/Keychains/System.keychain", "/data/tls/ca.pem"));
        assertThat(OsTrustStore.detect("Windows 11", Map.of()).orElseThrow().commandsFor(CERT))
                .containsExactly(List.of("certutil", "-addstore", "-f", "Root", "/data/tls/ca.pem"));
    }

    @Test
    void anUnknownSystemIsSaidToBeUnknown() {
        assertThat(OsTrustStore.detect("Linux", Map.of("ID", "gentoo"))).isEmpty();
        assertThat(OsTrustStore.detect("Linux", Map.of())).isEmpty();
        assertThat(OsTrustStore.detect("FreeBSD", Map.of())).isEmpty();
    }

    @Test
    void osReleaseIsReadWithQuotedValues(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("os-release");
        Files.writeString(file, "# comment\nPRETTY_NAME=\"Rocky Linux 9.4 (Blue Onyx)\"\nID=\"rocky\"\nID_LIKE='rhel centos fedora'\n");
        Map<String, String> r = OsTrustStore.readOsRelease(file);
        assertThat(r).containsEntry("ID", "rocky").containsEntry("ID_LIKE", "rhel centos fedora");
        assertThat(OsTrustStore.detect("Linux", r).orElseThrow().platform()).isEqualTo("Rocky Linux 9.4 (Blue Onyx)");
        assertThat(OsTrustStore.readOsRelease(dir.resolve("missing"))).isEmpty();
    }

    @Test
    void aMissingStoreDirectoryIsAClearErrorNotACrash(@TempDir Path dir) throws Exception {
        OsTrustStore s = OsTrustStore.debianLike("Debian", dir.resolve("nope"), List.of("true"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(s.install(CERT, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err))).isEqualTo(74);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("is missing");
    }

    /** Debian's own tool, pointed at a scratch tree with its documented options, puts the CA into the bundle. */
    @Test
    void theDebianPathPutsTheCaIntoTheBundleThatOpenSslAndCurlRead(@TempDir Path dir) throws Exception {
        Path tool = Path.of("/usr/sbin/update-ca-certificates");
        assumeThat(Files.isExecutable(tool)).as("Debian's update-ca-certificates").isTrue();
        LocalCa ca = LocalCa.loadOrCreate(dir.resolve("data"), Clock.systemUTC());
        Path local = Files.createDirectories(dir.resolve("local"));
        Path etc = Files.createDirectories(dir.resolve("etc-ssl-certs"));
        Path conf = Files.writeString(dir.resolve("ca-certificates.conf"), "");
        Files.createDirectories(dir.resolve("share"));
        Files.createDirectories(dir.resolve("hooks"));
        OsTrustStore debian = OsTrustStore.debianLike("Debian (scratch tree)", local, List.of(tool.toString(),
                "--certsconf", conf.toString(), "--certsdir", dir.resolve("share").toString(), "--localcertsdir", local.toString(),
                "--etccertsdir", etc.toString(), "--hooksdir", dir.resolve("hooks").toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(debian.install(ca.certificate(), new PrintStream(out), System.err)).isZero();

        assertThat(local.resolve("switchboard-dev-ca.crt")).hasSameBinaryContentAs(ca.certificate());
        String bundle = Files.readString(etc.resolve("ca-certificates.crt"));
        String der = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(ca.caCertificate().getEncoded());
        assertThat(bundle.replace("\r", "")).contains(der.lines().findFirst().orElseThrow()).contains(der.lines().reduce((a, b) -> b).orElseThrow());
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Installed into the Debian (scratch tree) trust store");
    }
}
