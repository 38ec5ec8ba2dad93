package dev.switchboard.testsupport;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;

/** Clients that trust a server's local development CA through the PKCS#12 truststore {@code switchboard ca} describes. */
public final class LocalTls {
    private LocalTls() {
    }

    /** The truststore the server wrote into its data directory. */
    public static Path truststore(Path dataDir) {
        return dataDir.resolve("tls").resolve("ca-truststore.p12");
    }

    public static SSLContext trusting(Path truststore) {
        try (InputStream in = Files.newInputStream(truststore)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, "changeit".toCharArray());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An HTTP/2-preferring client that trusts only the server's CA. */
    public static HttpClient client(Path dataDir) {
        return HttpClient.newBuilder().sslContext(trusting(truststore(dataDir))).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }
}
