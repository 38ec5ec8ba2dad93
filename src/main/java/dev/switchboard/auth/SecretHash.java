package dev.switchboard.auth;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.concurrent.atomic.LongAdder;

/**
 * A client secret or password as the authority stores it: either plain (development identities, or a
 * configuration that gives {@code secret}/{@code password}) or hashed with PBKDF2-HMAC-SHA256 in the form
 * {@code pbkdf2-sha256$<iterations>$<base64 salt>$<base64 hash>} (standard base64 with padding; the hash is
 * 32 bytes). Comparison is constant-time. Immutable and thread-safe.
 */
public final class SecretHash {
    public static final String PBKDF2_PREFIX = "pbkdf2-sha256";
    /** The iteration count {@link #pbkdf2(String)} uses (OWASP 2023 recommendation for PBKDF2-HMAC-SHA256). */
    public static final int DEFAULT_ITERATIONS = 600_000;
    private static final int MIN_ITERATIONS = 1_000;
    private static final int MAX_ITERATIONS = 10_000_000;
    private static final int HASH_BYTES = 32;

    private final byte[] plain;
    private final byte[] salt;
    private final byte[] hash;
    private final int iterations;

    private SecretHash(byte[] plain, byte[] salt, byte[] hash, int iterations) {
        this.plain = plain;
        this.salt = salt;
        this.hash = hash;
        this.iterations = iterations;
    }

    public static SecretHash plain(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("a secret must not be empty");
        }
        return new SecretHash(secret.getBytes(StandardCharsets.UTF_8), null, null, 0);
    }

    /**
     * Parses {@code pbkdf2-sha256$<iterations>$<salt>$<hash>}.
     *
     * @throws IllegalArgumentException if it is not in that form
     */
    public static SecretHash parse(String encoded) {
        String[] parts = encoded == null ? new String[0] : encoded.split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(PBKDF2_PREFIX)) {
            throw new IllegalArgumentException("a hashed secret must look like " + PBKDF2_PREFIX + "$<iterations>$<base64 salt>$<base64 hash>");
        }
        int iterations;
        byte[] salt;
        byte[] hash;
        try {
            iterations = Integer.parseInt(parts[1]);
            salt = Base64.getDecoder().decode(parts[2]);
            hash = Base64.getDecoder().decode(parts[3]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a hashed secret has a bad iteration count or base64 salt/hash");
        }
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("a hashed secret's iteration count must be " + MIN_ITERATIONS + "-" + MAX_ITERATIONS);
        }
        if (salt.length < 8 || hash.length != HASH_BYTES) {
            throw new IllegalArgumentException("a hashed secret needs a salt of at least 8 bytes and a 32-byte hash");
        }
        return new SecretHash(null, salt, hash, iterations);
    }

    /**
     * A secret nothing matches that costs what checking the costliest of {@code stored} costs: hashed with their
     * highest iteration count when any is hashed, else plain. Checked in place of a secret that is not there (an
     * unknown client or user name), so a refusal takes as long for a name that does not exist as for a wrong secret.
     */
    static SecretHash decoyFor(Collection<SecretHash> stored) {
        byte[] random = new byte[HASH_BYTES];
        new SecureRandom().nextBytes(random);
        int iterations = 0;
        for (SecretHash s : stored) {
            if (s != null && s.isHashed()) {
                iterations = Math.max(iterations, s.iterations);
            }
        }
        if (iterations == 0) {
            return new SecretHash(Base64.getEncoder().encode(random), null, null, 0);
        }
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return new SecretHash(null, salt, random, iterations);
    }

    /** Hashes a secret with a fresh 16-byte salt and {@link #DEFAULT_ITERATIONS}; returns the encoded form. */
    public static String pbkdf2(String secret) {
        return pbkdf2(secret, DEFAULT_ITERATIONS);
    }

    public static String pbkdf2(String secret, int iterations) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder();
        return PBKDF2_PREFIX + "$" + iterations + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(derive(secret, salt, iterations));
    }

    /** @return whether {@code candidate} is this secret; false for null */
    public boolean matches(String candidate) {
        return matches(candidate, null);
    }

    /** As {@link #matches(String)}, adding the PBKDF2 iterations it runs (none for a plain secret) to {@code work}. */
    boolean matches(String candidate, LongAdder work) {
        if (candidate == null) {
            return false;
        }
        if (plain != null) {
            return MessageDigest.isEqual(plain, candidate.getBytes(StandardCharsets.UTF_8));
        }
        byte[] derived = derive(candidate, salt, iterations);
        if (work != null) {
            work.add(iterations);
        }
        return MessageDigest.isEqual(hash, derived);
    }

    public boolean isHashed() {
        return plain == null;
    }

    private static byte[] derive(String secret, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, iterations, HASH_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
        } finally {
            spec.clearPassword();
        }
    }

    @Override
    public String toString() {
        return isHashed() ? "SecretHash[pbkdf2-sha256]" : "SecretHash[plain]";
    }
}
