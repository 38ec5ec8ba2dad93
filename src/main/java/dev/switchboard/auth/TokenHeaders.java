package dev.switchboard.auth;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;

import java.text.ParseException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parsed JWS headers by their encoded segment. An issuer signs every token with the same few headers (one per
 * signing key: {@code {"alg":"RS256","kid":…,"typ":"JWT"}}), so {@link TokenVerifier} parses each of them once.
 * Only headers of tokens that passed full verification are remembered ({@link #remember}), so a stranger cannot fill
 * this with headers of its own; at most {@link #LIMIT} entries (cleared when full: key rotation only adds a few).
 * Thread-safe: request threads (docs/concurrency.md).
 */
final class TokenHeaders {
    static final int LIMIT = 64;

    private final ConcurrentHashMap<String, JWSHeader> parsed = new ConcurrentHashMap<>();

    /** The header of the segment: remembered, or parsed now. */
    JWSHeader parse(String segment) throws ParseException {
        JWSHeader known = parsed.get(segment);
        return known != null ? known : JWSHeader.parse(new Base64URL(segment));
    }

    /** Keeps the header of a verified token. */
    void remember(String segment, JWSHeader header) {
        if (parsed.containsKey(segment)) {
            return;
        }
        if (parsed.size() >= LIMIT) {
            parsed.clear();
        }
        parsed.put(segment, header);
    }
}
