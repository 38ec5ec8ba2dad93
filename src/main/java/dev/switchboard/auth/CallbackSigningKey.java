package dev.switchboard.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.switchboard.error.DataFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;

/**
 * The key that signs webhook callback tokens: RSA 2048 for RS256 (as Graph's, the default) in
 * {@code <data-dir>/auth/callback-signing-rsa-key.json}, or EC P-256 for ES256 in
 * {@code <data-dir>/auth/callback-signing-key.json} (created on first start, owner-only, survives restarts). It is
 * published in every tenant's JWKS next to the access-token keys and in the Bot Framework-style JWKS. Callback tokens
 * are reused per bot (the body is signed with an HMAC key derived from this key), so the algorithm no longer decides
 * how many notifications a core can send. Thread-safe.
 */
public final class CallbackSigningKey {
    private static final Logger log = LoggerFactory.getLogger(CallbackSigningKey.class);
    static final String FILE_NAME = "callback-signing-key.json";
    static final String RSA_FILE_NAME = "callback-signing-rsa-key.json";

    private final JWK key;
    private final JWSAlgorithm algorithm;
    private final JWSSigner signer;

    private CallbackSigningKey(JWK key, JWSAlgorithm algorithm) {
        this.key = key;
        this.algorithm = algorithm;
        try {
            this.signer = key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key);
        } catch (JOSEException e) {
            throw new IllegalStateException("unusable callback signing key", e);
        }
    }

    /** The ES256 key: loads it from {@code dir}, or creates and stores a new one. A corrupt file stops the start. */
    public static CallbackSigningKey loadOrCreate(Path dir) {
        return loadOrCreate(dir, CallbackAlgorithm.ES256);
    }

    /** The key for {@code algorithm}: loads it from {@code dir}, or creates and stores a new one. */
    public static CallbackSigningKey loadOrCreate(Path dir, CallbackAlgorithm algorithm) {
        boolean rsa = algorithm == CallbackAlgorithm.RS256;
        Path file = dir.resolve(rsa ? RSA_FILE_NAME : FILE_NAME);
        JWSAlgorithm alg = rsa ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256;
        try {
            if (Files.exists(file)) {
                JWK loaded = JWK.parse(Files.readString(file));
                boolean fits = rsa ? loaded instanceof RSAKey r && r.size() >= 2048
                        : loaded instanceof ECKey ec && Curve.P_256.equals(ec.getCurve());
                if (!loaded.isPrivate() || !fits) {
                    throw corrupt(file, "holds no private " + (rsa ? "RSA 2048" : "P-256") + " key");
                }
                return new CallbackSigningKey(loaded, alg);
            }
            Files.createDirectories(dir);
            JWK created = rsa
                    ? new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(alg).keyIDFromThumbprint(true).generate()
                    : new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(alg).keyIDFromThumbprint(true).generate();
            write(file, created.toJSONString());
            log.info("callback signing key created kid={} alg={} file={}", created.getKeyID(), alg, file);
            return new CallbackSigningKey(created, alg);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the callback signing key " + file, e);
        } catch (ParseException | JOSEException e) {
            throw corrupt(file, "is not a valid key (" + e.getMessage() + ")");
        }
    }

    private static DataFileException corrupt(Path file, String problem) {
        return new DataFileException(file, "is corrupt: it " + problem, "restore it from a backup, or move it away to "
                + "start with a new callback signing key (bots that cached the old public key fetch the JWKS again)");
    }

    JWSSigner signer() {
        return signer;
    }

    /** The private key's PKCS#8 encoding: the secret notification keys are derived from. Never log it. */
    byte[] privateKeyBytes() {
        try {
            return (key instanceof RSAKey rsa ? rsa.toPrivateKey() : ((ECKey) key).toPrivateKey()).getEncoded();
        } catch (JOSEException e) {
            throw new IllegalStateException("unusable callback signing key", e);
        }
    }

    public JWSAlgorithm algorithm() {
        return algorithm;
    }

    public String kid() {
        return key.getKeyID();
    }

    /** The public half, for the JWKS. */
    public JWK publicJwk() {
        return key.toPublicJWK();
    }

    private static void write(Path file, String json) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            DurableFiles.write(tmp, json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file);
            }
            DurableFiles.forceDirectory(file.getParent());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
