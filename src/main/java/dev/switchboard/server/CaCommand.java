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
 * would) and prints where its certificate is and how to trust it. {@code --install} adds it to the OS store
 * ({@link OsTrustStore}: Debian/Ubuntu/Alpine, Fedora/RHEL, openSUSE, macOS, Windows; needs root); the CA's private key
 * never leaves the data directory.
 */
@Command(name = "ca", mixinStandardHelpOptions = true, description = {
        "Show the local development CA that issues the https certificate, and how to trust it.",
        "Covers Node, Java, curl, browsers and the OS store."})
final class CaCommand implements Callable<Integer> {
    @Option(names = "--data-dir", description = "The server's data directory (default: switchboard-data, or SWITCHBOARD_DATA_DIR).")
    Path dataDir;

    @Option(names = "--install", description = "Also add the CA to the OS trust store (Debian/Ubuntu/Alpine, Fedora/RHEL, openSUSE, macOS, Windows; needs root/administrator).")
    boolean install;

    @Override
    public Integer call() throws Exception {
        Path dir = dataDir != null ? dataDir : Path.of(System.getenv().getOrDefault(SettingSources.envName("data-dir"), "switchboard-data"));
        LocalCa ca = LocalCa.loadOrCreate(dir, Clock.systemUTC());
        Path cert = ca.certificate().toAbsolutePath();
        Path store = ca.truststore().toAbsolutePath();
        System.out.print(instructions(cert, store, ca.caCertificate().getSubjectX500Principal().getName()));
        if (install) {
            return installIntoOs(cert);
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
                  OS store (any of below):            sudo switchboard ca --install
                  OS store, Debian/Ubuntu/Alpine:     sudo cp %1$s /usr/local/share/ca-certificates/switchboard-dev-ca.crt && sudo update-ca-certificates
                  OS store, Fedora/RHEL/CentOS:       sudo cp %1$s /etc/pki/ca-trust/source/anchors/switchboard-dev-ca.pem && sudo update-ca-trust extract
                  OS store, openSUSE/SLES:            sudo cp %1$s /etc/pki/trust/anchors/switchboard-dev-ca.pem && sudo update-ca-certificates
                  OS store, macOS:                    sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain %1$s
                  OS store, Windows:                  certutil -addstore -f Root %1$s
                """.formatted(cert, truststore, subject, LocalCa.TRUSTSTORE_PASSWORD);
    }

    private static int installIntoOs(Path cert) throws IOException, InterruptedException {
        java.util.Optional<OsTrustStore> store = OsTrustStore.ofThisMachine();
        if (store.isEmpty()) {
            System.err.println("switchboard: --install does not know the trust store of this system (" + System.getProperty("os.name")
                    + "); use the OS instructions above");
            return 2;
        }
        System.out.println("Installing into the " + store.get().platform() + " trust store: "
                + String.join(" && ", store.get().describe(cert)));
        return store.get().install(cert, System.out, System.err);
    }
}
