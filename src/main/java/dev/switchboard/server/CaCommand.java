package dev.switchboard.server;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code switchboard ca}: creates the local development CA in the data directory when missing (as {@code serve}
 * would) and prints where its certificate is and how to trust it. {@code --install} adds it to the OS store on
 * Debian/Ubuntu (needs root); the CA's private key never leaves the data directory.
 */
@Command(name = "ca", mixinStandardHelpOptions = true, description = {
        "Show the local development CA that issues the https certificate, and how to trust it.",
        "Covers Node, Java, curl, browsers and the OS store."})
final class CaCommand implements Callable<Integer> {
    private static final Path DEBIAN_STORE = Path.of("/usr/local/share/ca-certificates");

    @Option(names = "--data-dir", description = "The server's data directory (default: switchboard-data, or SWITCHBOARD_DATA_DIR).")
    Path dataDir;

    @Option(names = "--install", description = "Also add the CA to the OS trust store (Debian/Ubuntu: update-ca-certificates; needs root).")
    boolean install;

    @Override
    public Integer call() throws Exception {
        Path dir = dataDir != null ? dataDir : Path.of(System.getenv().getOrDefault(SettingSources.envName("data-dir"), "switchboard-data"));
        LocalCa ca = LocalCa.loadOrCreate(dir, Clock.systemUTC());
        Path cert = ca.certificate().toAbsolutePath();
        Path store = ca.truststore().toAbsolutePath();
        System.out.print(instructions(cert, store, ca.caCertificate().getSubjectX500Principal().getName()));
        if (install) {
            return installDebian(cert);
        }
        return 0;
    }

    static String instructions(Path cert, Path truststore, String subject) {
        return """
                Local development CA: %3$s
                  certificate: %1$s
                  Java truststore (PKCS#12, password %4$s): %2$s
                The CA's private key stays in the data directory; do not copy it anywhere.

                Trust it:
                  Node (MSAL, Graph client, fetch):  export NODE_EXTRA_CA_CERTS=%1$s
                  Java (msal4j, Graph SDK):           java -Djavax.net.ssl.trustStore=%2$s \\
                                                           -Djavax.net.ssl.trustStorePassword=%4$s -Djavax.net.ssl.trustStoreType=PKCS12 ...
                  curl:                               curl --cacert %1$s https://localhost:8443/...
                  .NET / OpenSSL tools:               SSL_CERT_FILE=%1$s (Linux), or the OS store below
                  Chrome/Chromium (Linux):            certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n switchboard-dev-ca -i %1$s
                  Firefox:                            Settings > Privacy & Security > Certificates > View Certificates > Authorities > Import
                  OS store, Debian/Ubuntu:            switchboard ca --install   (or: sudo cp %1$s /usr/local/share/ca-certificates/switchboard-dev-ca.crt && sudo update-ca-certificates)
                  OS store, macOS:                    sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain %1$s
                  OS store, Windows:                  certutil -addstore -f Root %1$s
                """.formatted(cert, truststore, subject, LocalCa.TRUSTSTORE_PASSWORD);
    }

    private static int installDebian(Path cert) throws IOException, InterruptedException {
        if (!Files.isDirectory(DEBIAN_STORE)) {
            System.err.println("switchboard: --install knows only the Debian/Ubuntu store (" + DEBIAN_STORE
                    + "); use the OS instructions above");
            return 2;
        }
        Files.copy(cert, DEBIAN_STORE.resolve("switchboard-dev-ca.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Process p = new ProcessBuilder(List.of("update-ca-certificates")).inheritIO().start();
        int rc = p.waitFor();
        if (rc != 0) {
            System.err.println("switchboard: update-ca-certificates failed (exit " + rc + ")");
            return 74;
        }
        System.out.println("Installed into the OS trust store: " + DEBIAN_STORE.resolve("switchboard-dev-ca.crt"));
        return 0;
    }
}
