package dev.switchboard.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** Private keys in PEM: PKCS#8 read by the JDK alone, the traditional OpenSSL forms still read (by Bouncy Castle). */
class PemTest {

    @Test
    void pkcs8KeysOfEachAlgorithmAreReadBackAsWritten(@TempDir Path dir) throws Exception {
        for (String algorithm : new String[] {"EC", "RSA", "Ed25519"}) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("RSA")) {
                generator.initialize(2048);
            }
            KeyPair pair = generator.generateKeyPair();
            Path file = dir.resolve(algorithm + ".pem");
            Pem.writePrivate(file, pair.getPrivate());
            assertThat(Pem.readPkcs8(Files.readString(file))).as(algorithm).isEqualTo(pair.getPrivate());
            assertThat(Pem.readPrivateKey(file)).as(algorithm).isEqualTo(pair.getPrivate());
        }
    }

    @Test
    void aTraditionalRsaKeyIsNotPkcs8ButIsStillRead(@TempDir Path dir) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        // PKCS#1 ("BEGIN RSA PRIVATE KEY", what `openssl genrsa -traditional` writes) is the PKCS#8 body's inner key
        byte[] pkcs1 = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded())
                .parsePrivateKey().toASN1Primitive().getEncoded();
        String pem = "-----BEGIN RSA PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(pkcs1)
                + "\n-----END RSA PRIVATE KEY-----\n";
        Path file = dir.resolve("rsa.pem");
        Files.writeString(file, pem);
        assertThat(Pem.readPkcs8(pem)).isNull();
        assertThat(Pem.readPrivateKey(file).getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
    }
}
