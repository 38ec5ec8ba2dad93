package dev.switchboard.server;

import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Which certificate the https listener presents: the operator's PEM files, or one issued by the local development CA. */
final class ServerCertificates {
    private ServerCertificates() {
    }

    /**
     * @throws IllegalArgumentException when the operator's files cannot be read as a PEM chain and key
     */
    static LocalCa.ServerCertificate resolve(ServerConfig config) {
        HttpsSettings https = config.https();
        if (https.certFile() != null) {
            try {
                return new LocalCa.ServerCertificate(Pem.readCertificates(https.certFile()), Pem.readPrivateKey(https.keyFile()));
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot use --tls-cert " + https.certFile() + " / --tls-key "
                        + https.keyFile() + ": " + e.getMessage(), e);
            }
        }
        return LocalCa.loadOrCreate(config.dataDir(), Clock.systemUTC()).serverCertificate(names(config));
    }

    /** The names the local CA's certificate covers beyond localhost: the bind host and the public URL's host. */
    static List<String> names(ServerConfig config) {
        List<String> names = new ArrayList<>();
        names.add(config.host());
        if (config.publicBaseUrl() != null) {
            try {
                String h = URI.create(config.publicBaseUrl()).getHost();
                if (h != null) {
                    names.add(h);
                }
            } catch (IllegalArgumentException ignored) {
                // not a URL: nothing to add
            }
        }
        return names;
    }

}
