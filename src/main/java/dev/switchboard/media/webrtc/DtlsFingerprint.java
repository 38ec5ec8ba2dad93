package dev.switchboard.media.webrtc;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A certificate fingerprint as SDP carries it ({@code a=fingerprint:sha-256 AB:CD:…}, RFC 8122), used to bind the
 * DTLS peer's self-signed certificate to the signalled offer.
 *
 * @param algorithm the hash function's SDP name: {@code sha-1}, {@code sha-224}, {@code sha-256}, {@code sha-384}
 *                  or {@code sha-512} (RFC 8122 §5 forbids md2/md5)
 * @param value     the digest of the certificate's DER encoding
 */
public record DtlsFingerprint(String algorithm, byte[] value) {
    private static final HexFormat COLONS = HexFormat.ofDelimiter(":").withUpperCase();

    public DtlsFingerprint {
        algorithm = algorithm.toLowerCase(Locale.ROOT);
        javaName(algorithm);
        value = value.clone();
    }

    /**
     * Parses the attribute value {@code <hash-func> <hex:hex:…>}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static DtlsFingerprint parse(String attribute) {
        String[] p = attribute.trim().split("\\s+");
        if (p.length != 2) {
            throw new IllegalArgumentException("a fingerprint is '<hash> <hex:hex:...>'");
        }
        byte[] value;
        try {
            value = COLONS.parseHex(p[1].toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the fingerprint is not colon-separated hex", e);
        }
        DtlsFingerprint f = new DtlsFingerprint(p[0], value);
        if (value.length != digest(f.algorithm).getDigestLength()) {
            throw new IllegalArgumentException("the fingerprint's length does not fit " + f.algorithm);
        }
        return f;
    }

    /** The fingerprint of a DER-encoded certificate under {@code algorithm}. */
    public static DtlsFingerprint of(String algorithm, byte[] der) {
        return new DtlsFingerprint(algorithm, digest(algorithm.toLowerCase(Locale.ROOT)).digest(der));
    }

    /** True if {@code der} hashes to this fingerprint (constant time). */
    public boolean matches(byte[] der) {
        return MessageDigest.isEqual(digest(algorithm).digest(der), value);
    }

    /** The SDP attribute value, e.g. {@code sha-256 AB:CD:…}. */
    public String toSdp() {
        return algorithm + " " + COLONS.formatHex(value);
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DtlsFingerprint f && f.algorithm.equals(algorithm) && MessageDigest.isEqual(f.value, value);
    }

    @Override
    public int hashCode() {
        return algorithm.hashCode() * 31 + java.util.Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return toSdp();
    }

    private static String javaName(String sdpName) {
        return switch (sdpName) {
            case "sha-1" -> "SHA-1";
            case "sha-224" -> "SHA-224";
            case "sha-256" -> "SHA-256";
            case "sha-384" -> "SHA-384";
            case "sha-512" -> "SHA-512";
            default -> throw new IllegalArgumentException("unsupported fingerprint hash: " + sdpName);
        };
    }

    private static MessageDigest digest(String sdpName) {
        try {
            return MessageDigest.getInstance(javaName(sdpName));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
