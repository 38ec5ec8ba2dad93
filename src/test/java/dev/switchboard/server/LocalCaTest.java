package dev.switchboard.server;

import dev.switchboard.testsupport.Cli;
import dev.switchboard.testsupport.LocalTls;
import dev.switchboard.testsupport.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LocalCaTest {
    @TempDir
    Path dir;

    static List<String> sans(X509Certificate c) throws Exception {
        return c.getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))).toList();
    }

    @Test
    void theCaIsCreatedOnceWithAnOwnerOnlyKeyAndAJavaTruststore() throws Exception {
        LocalCa ca = LocalCa.loadOrCreate(dir, Clock.systemUTC());
        LocalCa again = LocalCa.loadOrCreate(dir, Clock.systemUTC());
        assertThat(again.caCertificate()).isEqualTo(ca.caCertificate());
        assertThat(ca.caCertificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("tls/ca-key.pem")))).isEqualTo("rw-------");
        KeyStore ts = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(ca.truststore())) {
            ts.load(in, LocalCa.TRUSTSTORE_PASSWORD.toCharArray());
        }
        assertThat(ts.getCertificate("switchboard-dev-ca")).isEqualTo(ca.caCertificate());
    }

    /** The truststore is made from ca.pem: a damaged one (cut short by a full disk, say) is written again at start. */
    @Test
    void aDamagedTruststoreIsWrittenAgain() throws Exception {
        LocalCa ca = LocalCa.loadOrCreate(dir, Clock.systemUTC());
        byte[] whole = Files.readAllBytes(ca.truststore());
        Files.write(ca.truststore(), java.util.Arrays.copyOf(whole, 50));
        LocalCa again = LocalCa.loadOrCreate(dir, Clock.systemUTC());
        KeyStore ts = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(again.truststore())) {
            ts.load(in, LocalCa.TRUSTSTORE_PASSWORD.toCharArray());
        }
        assertThat(ts.getCertificate("switchboard-dev-ca")).isEqualTo(ca.caCertificate());
    }

    @Test
    void theLeafCoversLoopbackAndConfiguredNamesAndIsReusedWhileGood() throws Exception {
        LocalCa ca = LocalCa.loadOrCreate(dir, Clock.systemUTC());
        LocalCa.ServerCertificate first = ca.serverCertificate(List.of("0.0.0.0", "calls.test"));
        X509Certificate leaf = first.chain().get(0);
        leaf.verify(ca.caCertificate().getPublicKey());
        assertThat(sans(leaf)).contains("localhost", "127.0.0.1", "calls.test").anyMatch(s -> s.startsWith("0:0:0:0:0:0:0:1"))
                .doesNotContain("0.0.0.0");
        assertThat(ca.serverCertificate(List.of("calls.test")).chain().get(0)).as("reused").isEqualTo(leaf);
        X509Certificate wider = ca.serverCertificate(List.of("calls.test", "other.test")).chain().get(0);
        assertThat(wider).as("a new name means a new certificate").isNotEqualTo(leaf);
        assertThat(sans(wider)).contains("other.test");
    }

    @Test
    void theLeafIsRenewedBeforeItExpires() throws Exception {
        LocalCa.loadOrCreate(dir, Clock.systemUTC()).serverCertificate(List.of());
        X509Certificate leaf = LocalCa.loadOrCreate(dir, Clock.systemUTC()).serverCertificate(List.of()).chain().get(0);
        Instant nearExpiry = leaf.getNotAfter().toInstant().minus(LocalCa.RENEW_BEFORE).plus(Duration.ofDays(1));
        X509Certificate renewed = LocalCa.loadOrCreate(dir, Clock.fixed(nearExpiry, ZoneOffset.UTC)).serverCertificate(List.of()).chain().get(0);
        assertThat(renewed).isNotEqualTo(leaf);
        assertThat(renewed.getNotAfter()).isAfter(leaf.getNotAfter());
    }

    @Test
    void bringYourOwnCertificateIsServed() throws Exception {
        Path other = dir.resolve("other");
        LocalCa own = LocalCa.loadOrCreate(other, Clock.systemUTC());
        own.serverCertificate(List.of());
        Path cert = other.resolve("tls/localhost.pem");
        Path key = other.resolve("tls/localhost-key.pem");
        try (TestServer server = TestServer.start(cfg -> cfg.withHttps(new HttpsSettings(0, cert, key, List.of())))) {
            try (SSLSocket s = (SSLSocket) LocalTls.trusting(own.truststore()).getSocketFactory()
                    .createSocket("localhost", server.server().httpsPort())) {
                s.startHandshake();
                assertThat(s.getSession().getPeerCertificates()[0]).isEqualTo(Pem.readCertificates(cert).get(0));
            }
            assertThat(server.dataDir().resolve("tls")).as("no local CA when a certificate is given").doesNotExist();
        }
    }

    @Test
    void caCommandPrintsHowToTrustTheCa() {
        Cli.Result r = Cli.run(Main::commandLine, "ca", "--data-dir", dir.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        Path cert = dir.resolve("tls/ca.pem").toAbsolutePath();
        assertThat(r.out()).contains("NODE_EXTRA_CA_CERTS=" + cert)
                .contains("-Djavax.net.ssl.trustStore=" + dir.resolve("tls/ca-truststore.p12").toAbsolutePath())
                .contains("curl --cacert " + cert)
                .contains("update-ca-certificates");
        assertThat(cert).exists();
    }
}
