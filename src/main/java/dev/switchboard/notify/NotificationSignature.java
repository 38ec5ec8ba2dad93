package dev.switchboard.notify;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * The body signature of a webhook POST, header {@code X-Switchboard-Signature: kid=<kid>, v1=<base64 HMAC>}:
 * HMAC-SHA256 under the bot's {@link NotificationKey} over
 * {@code "v1\n" + X-Switchboard-Notification-Id + "\n" + X-Switchboard-Sequence + "\n" + body bytes}
 * (standard base64 with padding). It proves the exact body, and the id and sequence a receiver deduplicates and orders
 * by, came from the server, for this bot; the reused bearer token proves nothing about the body. One HMAC costs about
 * a microsecond, where a fresh RS256 token per POST cost about a millisecond. Stateless and thread-safe.
 */
public final class NotificationSignature {
    public static final String HEADER = "X-Switchboard-Signature";

    private NotificationSignature() {
    }

    /** The header value for one POST. */
    public static String header(NotificationKey key, String notificationId, long sequence, byte[] body) {
        return "kid=" + key.kid() + ", v1=" + Base64.getEncoder().encodeToString(
                mac(key.secret(), notificationId, Long.toString(sequence), body));
    }

    /** HMAC-SHA256 of the signed text; {@code sequence} exactly as the header carries it. */
    static byte[] mac(byte[] secret, String notificationId, String sequence, byte[] body) {
        return signedText(keyed(secret), notificationId, sequence, body);
    }

    private static byte[] signedText(Mac mac, String notificationId, String sequence, byte[] body) {
        mac.update(("v1\n" + notificationId + "\n" + sequence + "\n").getBytes(StandardCharsets.UTF_8));
        return mac.doFinal(body);
    }

    private static Mac keyed(byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    /**
     * Signs POSTs under one key, as {@link #header}: the keyed HMAC is made once and cloned per POST, so a POST pays
     * no provider lookup and no key setup (issue 17: {@code Mac.getInstance} + {@code init} were about half of the
     * signature's cost). Thread-safe: the prototype is never used itself, only cloned under its monitor.
     */
    static final class Signer {
        private final String prefix;
        private final Mac prototype;
        private final boolean cloneable;
        private final NotificationKey key;

        Signer(NotificationKey key) {
            this.key = key;
            this.prefix = "kid=" + key.kid() + ", v1=";
            this.prototype = keyed(key.secret());
            boolean ok;
            try {
                prototype.clone();
                ok = true;
            } catch (CloneNotSupportedException e) {
                ok = false; // another provider's HMAC: a fresh one per POST, as before
            }
            this.cloneable = ok;
        }

        /** The header value for one POST, byte for byte what {@link NotificationSignature#header} gives. */
        String header(String notificationId, long sequence, byte[] body) {
            Mac mac;
            if (cloneable) {
                try {
                    synchronized (prototype) {
                        mac = (Mac) prototype.clone();
                    }
                } catch (CloneNotSupportedException e) {
                    throw new IllegalStateException("HmacSHA256 stopped being cloneable", e);
                }
            } else {
                mac = keyed(key.secret());
            }
            return prefix + Base64.getEncoder().encodeToString(signedText(mac, notificationId, Long.toString(sequence), body));
        }
    }

    /** The key id a header names, or null when the header is missing or unreadable. */
    static String kid(String header) {
        return part(header, "kid");
    }

    /** Whether {@code header} carries a valid {@code v1} signature of the request under {@code secret}. */
    static boolean matches(String header, byte[] secret, String notificationId, String sequence, byte[] body) {
        String v1 = part(header, "v1");
        if (v1 == null || notificationId == null || sequence == null) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(v1);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(given, mac(secret, notificationId, sequence, body));
    }

    private static String part(String header, String name) {
        if (header == null) {
            return null;
        }
        for (String p : header.split(",")) {
            String s = p.trim();
            if (s.length() > name.length() + 1 && s.startsWith(name) && s.charAt(name.length()) == '=') {
                return s.substring(name.length() + 1);
            }
        }
        return null;
    }
}
