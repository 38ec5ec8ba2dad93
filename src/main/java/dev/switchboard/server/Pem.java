package dev.switchboard.server;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** PEM files: certificate chains and private keys (PKCS#8, or the traditional EC/RSA forms OpenSSL writes). */
final class Pem {
    private Pem() {
    }

    /** @throws GeneralSecurityException when the file holds no certificate */
    static List<X509Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                chain.add((X509Certificate) c);
            }
        }
        if (chain.isEmpty()) {
            throw new GeneralSecurityException(file + " holds no PEM certificate");
        }
        return chain;
    }

    /** @throws GeneralSecurityException when the file holds no private key */
    static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
        PrivateKey pkcs8 = readPkcs8(Files.readString(file));
        if (pkcs8 != null) {
            return pkcs8;
        }
        return readWithBouncyCastle(file);
    }

    /**
     * The first {@code PRIVATE KEY} (PKCS#8) block's EC, RSA or EdDSA key, read by the JDK alone, or null when there
     * is none (the local CA writes this form: a restart then loads no Bouncy Castle class for https).
     */
    static PrivateKey readPkcs8(String pem) throws GeneralSecurityException {
        String begin = "-----BEGIN PRIVATE KEY-----";
        int from = pem.indexOf(begin);
        int to = from < 0 ? -1 : pem.indexOf("-----END PRIVATE KEY-----", from);
        if (to < 0) {
            return null;
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("bad base64 in a PEM private key", e);
        }
        for (String algorithm : new String[] {"EC", "RSA", "Ed25519", "Ed448"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (java.security.spec.InvalidKeySpecException e) {
                // another algorithm's key
            }
        }
        return null;
    }

    private static PrivateKey readWithBouncyCastle(Path file) throws IOException, GeneralSecurityException {
        try (Reader r = Files.newBufferedReader(file); PEMParser parser = new PEMParser(r)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
            }
        }
        throw new GeneralSecurityException(file + " holds no unencrypted PEM private key");
    }

    static void writeCertificates(Path file, List<X509Certificate> chain) throws IOException, GeneralSecurityException {
        StringBuilder b = new StringBuilder();
        for (X509Certificate c : chain) {
            b.append(block("CERTIFICATE", c.getEncoded()));
        }
        write(file, b.toString(), false);
    }

    /** Written owner-only, atomically. */
    static void writePrivate(Path file, PrivateKey key) throws IOException {
        write(file, block("PRIVATE KEY", key.getEncoded()), true);
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void write(Path file, String text, boolean secret) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            Files.writeString(tmp, text);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
