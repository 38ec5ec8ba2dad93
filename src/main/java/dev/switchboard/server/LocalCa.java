package dev.switchboard.server;

import dev.switchboard.error.DataFileException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The local development certificate authority (the mkcert pattern), kept in {@code <data-dir>/tls}:
 * {@code ca.pem} (the certificate to trust), {@code ca-key.pem} (owner-only; never leaves the directory),
 * {@code ca-truststore.p12} (the CA certificate as a PKCS#12 truststore for Java, password {@value #TRUSTSTORE_PASSWORD})
 * and the server's leaf, {@code localhost.pem} + {@code localhost-key.pem}. The leaf (EC P-256) names
 * {@code localhost}, {@code 127.0.0.1}, {@code ::1} and the configured host names; it is reissued when a name is
 * missing, when it is not signed by this CA, or within {@link #RENEW_BEFORE} of expiry. Called once at start or by
 * {@code switchboard ca}; not thread-safe, and two processes on one data directory should not create it at once.
 */
public final class LocalCa {
    private static final Logger log = LoggerFactory.getLogger(LocalCa.class);
    public static final String TRUSTSTORE_PASSWORD = "changeit";
    static final Duration CA_LIFETIME = Duration.ofDays(3650);
    static final Duration LEAF_LIFETIME = Duration.ofDays(365);
    static final Duration RENEW_BEFORE = Duration.ofDays(30);
    private static final Set<String> ALWAYS = Set.of("localhost", "127.0.0.1", "::1");

    private final Path dir;
    private final Clock clock;
    private final X509Certificate caCert;
    private final PrivateKey caKey;

    private LocalCa(Path dir, Clock clock, X509Certificate caCert, PrivateKey caKey) {
        this.dir = dir;
        this.clock = clock;
        this.caCert = caCert;
        this.caKey = caKey;
    }

    /** Loads the CA from {@code <dataDir>/tls}, creating it (and the truststore) on first use. */
    public static LocalCa loadOrCreate(Path dataDir, Clock clock) {
        Path dir = dataDir.resolve("tls");
        try {
            Path cert = dir.resolve("ca.pem");
            Path key = dir.resolve("ca-key.pem");
            if (Files.exists(cert) && Files.exists(key)) {
                LocalCa ca = new LocalCa(dir, clock, readCaCertificate(cert), readCaKey(key));
                if (!ca.truststoreHoldsTheCa()) { // made from ca.pem: missing or damaged, it is written again
                    ca.writeTruststore();
                }
                return ca;
            }
            Files.createDirectories(dir);
            KeyPair pair = newKeyPair();
            Instant now = clock.instant();
            X500Name name = new X500Name("CN=Switchboard development CA " + now.getEpochSecond() + ",O=Switchboard development CA");
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(CA_LIFETIME)), name, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate caCert = sign(b, pair.getPrivate());
            Pem.writePrivate(key, pair.getPrivate());
            Pem.writeCertificates(cert, List.of(caCert));
            LocalCa ca = new LocalCa(dir, clock, caCert, pair.getPrivate());
            ca.writeTruststore();
            log.info("local development CA created cert={}", cert);
            return ca;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the local CA in " + dir, e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot create or load the local CA in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static X509Certificate readCaCertificate(Path cert) {
        try {
            return Pem.readCertificates(cert).get(0);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw unusableCa(cert, e);
        }
    }

    private static PrivateKey readCaKey(Path key) {
        try {
            return Pem.readPrivateKey(key);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw unusableCa(key, e);
        }
    }

    /** The CA is what clients trust: never replaced behind their back, so its damage stops the start. */
    private static DataFileException unusableCa(Path file, Exception e) {
        return new DataFileException(file, "cannot be read as the local development CA (" + e.getMessage() + ")",
                "restore it from a backup, or move the directory " + file.getParent() + " away to make a new CA "
                        + "(clients must then trust the new ca.pem: switchboard ca --install; docs/https.md)");
    }

    public Path certificate() {
        return dir.resolve("ca.pem");
    }

    public Path truststore() {
        return dir.resolve("ca-truststore.p12");
    }

    public X509Certificate caCertificate() {
        return caCert;
    }

    /**
     * The server certificate for {@code names} (plus {@code localhost}, {@code 127.0.0.1}, {@code ::1}), reusing the
     * stored one while it is still good, otherwise issuing and storing a new one.
     */
    public ServerCertificate serverCertificate(Collection<String> names) {
        Set<String> wanted = new LinkedHashSet<>(ALWAYS);
        for (String n : names) {
            if (n != null && !n.isBlank() && !isWildcard(n)) {
                wanted.add(n.startsWith("[") ? n.substring(1, n.length() - 1) : n);
            }
        }
        Path certFile = dir.resolve("localhost.pem");
        Path keyFile = dir.resolve("localhost-key.pem");
        try {
            if (Files.exists(certFile) && Files.exists(keyFile)) {
                try {
                    List<X509Certificate> chain = Pem.readCertificates(certFile);
                    if (stillGood(chain.get(0), wanted)) {
                        return new ServerCertificate(chain, Pem.readPrivateKey(keyFile));
                    }
                } catch (IOException | GeneralSecurityException | RuntimeException e) { // the CA issues another
                    log.warn("server certificate unreadable, issuing a new one file={} error={}", certFile, e.getMessage());
                }
            }
            KeyPair pair = newKeyPair();
            X509Certificate leaf = issueLeaf(pair, wanted);
            Pem.writePrivate(keyFile, pair.getPrivate());
            Pem.writeCertificates(certFile, List.of(leaf, caCert));
            log.info("server certificate issued by the local CA names={} notAfter={}", wanted, leaf.getNotAfter().toInstant());
            return new ServerCertificate(List.of(leaf, caCert), pair.getPrivate());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the server certificate in " + dir, e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue the server certificate: " + e.getMessage(), e);
        }
    }

    private boolean stillGood(X509Certificate leaf, Set<String> wanted) throws GeneralSecurityException {
        try {
            leaf.verify(caCert.getPublicKey());
        } catch (GeneralSecurityException e) {
            return false;
        }
        if (leaf.getNotAfter().toInstant().isBefore(clock.instant().plus(RENEW_BEFORE))) {
            return false;
        }
        Set<String> present = new LinkedHashSet<>();
        Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
        if (sans != null) {
            for (List<?> san : sans) {
                present.add(normalize(String.valueOf(san.get(1))));
            }
        }
        for (String w : wanted) {
            if (!present.contains(normalize(w))) {
                return false;
            }
        }
        return true;
    }

    private X509Certificate issueLeaf(KeyPair pair, Set<String> names) throws GeneralSecurityException, OperatorCreationException, IOException {
        Instant now = clock.instant();
        List<GeneralName> sans = new ArrayList<>();
        for (String n : names) {
            sans.add(isIpLiteral(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
        }
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(LEAF_LIFETIME)), new X500Name("CN=" + names.iterator().next() + ",O=Switchboard development certificate"),
                pair.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)))
                .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert))
                .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
        return sign(b, caKey);
    }

    private boolean truststoreHoldsTheCa() {
        if (!Files.exists(truststore())) {
            return false;
        }
        try (var in = Files.newInputStream(truststore())) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, TRUSTSTORE_PASSWORD.toCharArray());
            if (caCert.equals(ks.getCertificate("switchboard-dev-ca"))) {
                return true;
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            log.debug("truststore unreadable file={} error={}", truststore(), e.toString());
        }
        log.warn("local CA truststore damaged or not of this CA, writing it again file={}", truststore());
        return false;
    }

    private void writeTruststore() throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("switchboard-dev-ca", caCert);
        Path tmp = Files.createTempFile(dir, "truststore", ".tmp");
        try {
            try (var out = Files.newOutputStream(tmp)) {
                ks.store(out, TRUSTSTORE_PASSWORD.toCharArray());
            }
            Files.move(tmp, truststore(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(127, new SecureRandom());
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    static boolean isIpLiteral(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }

    /** SANs come back from the JDK as text: IPv6 in full form, DNS names as given. */
    private static String normalize(String name) {
        if (isIpLiteral(name)) {
            try {
                return InetAddress.getByName(name).getHostAddress();
            } catch (UnknownHostException e) {
                return name;
            }
        }
        return name.toLowerCase(java.util.Locale.ROOT);
    }

    /** A certificate chain (leaf first) and the leaf's private key. */
    public record ServerCertificate(List<X509Certificate> chain, PrivateKey key) {
        public ServerCertificate {
            chain = List.copyOf(chain);
        }
    }
}
