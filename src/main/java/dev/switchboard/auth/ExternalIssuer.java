package dev.switchboard.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An outside issuer (e.g. real Entra ID) trusted by its OpenID configuration or JWKS URL. Its keys are downloaded
 * on first use and cached; an unknown {@code kid} triggers a new download at most once per
 * {@link ExternalIssuerConfig#minRefreshInterval()}, and a key set older than {@link ExternalIssuerConfig#maxKeyAge()}
 * is downloaded again on the next lookup. A failed download keeps the keys already known. Only RSA signing keys
 * usable for RS256 are taken. Thread-safe; downloads are serialized and happen on the verifying thread (bounded by
 * the HTTP timeouts); a refresh of a merely stale key set never makes another thread wait.
 */
public final class ExternalIssuer implements TrustedIssuer {
    private static final Logger log = LoggerFactory.getLogger(ExternalIssuer.class);
    private static final ObjectMapper JSON = AuthJson.JSON;
    private static final String TENANT_PLACEHOLDER = "{tenantid}";
    private static final int MAX_DOCUMENT_BYTES = 512 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final ExternalIssuerConfig config;
    private final HttpClient http;
    private final Clock clock;
    private final ReentrantLock downloadLock = new ReentrantLock();
    private volatile String issuer;
    private volatile URI jwksUri;
    private volatile Map<String, RSAPublicKey> keys = Map.of();
    private volatile Instant keysFetchedAt;
    private volatile Instant lastAttempt;

    /** @param http shared client (HTTP/1.1, with a connect timeout); owned by the caller */
    public ExternalIssuer(ExternalIssuerConfig config, HttpClient http, Clock clock) {
        this.config = config;
        this.http = http;
        this.clock = clock;
        this.issuer = config.issuer();
        this.jwksUri = config.jwksUri();
    }

    @Override
    public Match match(String iss, String tid) {
        String expected = issuer();
        if (expected == null) {
            return Match.NOT_MINE;
        }
        if (expected.contains(TENANT_PLACEHOLDER)) {
            int at = expected.indexOf(TENANT_PLACEHOLDER);
            String prefix = expected.substring(0, at);
            String suffix = expected.substring(at + TENANT_PLACEHOLDER.length());
            if (!iss.startsWith(prefix) || !iss.endsWith(suffix) || iss.length() <= prefix.length() + suffix.length()) {
                return Match.NOT_MINE;
            }
            String issTenant = iss.substring(prefix.length(), iss.length() - suffix.length());
            if (issTenant.contains("/")) {
                return Match.NOT_MINE;
            }
            return issTenant.equals(tid) && (config.tenantId() == null || config.tenantId().equals(tid)) ? Match.ACCEPTED : Match.TENANT_MISMATCH;
        }
        if (!expected.equals(iss)) {
            return Match.NOT_MINE;
        }
        if (tid == null) {
            return Match.TENANT_MISMATCH;
        }
        if (config.tenantId() != null) {
            return config.tenantId().equals(tid) ? Match.ACCEPTED : Match.TENANT_MISMATCH;
        }
        for (String segment : URI.create(iss).getPath().split("/")) {
            if (segment.equals(tid)) {
                return Match.ACCEPTED;
            }
        }
        return Match.TENANT_MISMATCH;
    }

    @Override
    public RSAPublicKey key(String kid) {
        Instant fetched = keysFetchedAt;
        if (fetched == null) {
            download(null, true);
        } else if (fetched.plus(config.maxKeyAge()).isBefore(clock.instant())) {
            download(fetched, false);   // stale but usable: never wait behind another thread's download
        }
        RSAPublicKey key = keys.get(kid);
        if (key == null) {
            download(keysFetchedAt, true);
            key = keys.get(kid);
        }
        return key;
    }

    @Override
    public boolean stillPublishes(String kid) {
        Instant fetched = keysFetchedAt;
        if (fetched != null && fetched.plus(config.maxKeyAge()).isBefore(clock.instant())) {
            download(fetched, false);
        }
        return keys.containsKey(kid);
    }

    /** The issuer value in use (from the configuration, or from the OpenID configuration once downloaded); may be null. */
    public String issuer() {
        String i = issuer;
        if (i == null) {
            download(keysFetchedAt, true);
            i = issuer;
        }
        return i;
    }

    /** How many keys are cached now. */
    public int cachedKeyCount() {
        return keys.size();
    }

    /**
     * Downloads metadata and keys unless another thread did since {@code seen}, or the last attempt is more recent
     * than the minimum refresh interval.
     */
    private void download(Instant seen, boolean wait) {
        if (wait) {
            downloadLock.lock();
        } else if (!downloadLock.tryLock()) {
            return;
        }
        try {
            Instant fetched = keysFetchedAt;
            if (fetched != null && !fetched.equals(seen)) {
                return;
            }
            Instant now = clock.instant();
            Instant last = lastAttempt;
            if (last != null && last.plus(config.minRefreshInterval()).isAfter(now)) {
                return;
            }
            lastAttempt = now;
            try {
                if (config.openIdConfiguration() != null && (issuer == null || jwksUri == null)) {
                    JsonNode meta = JSON.readTree(get(config.openIdConfiguration()));
                    if (issuer == null) {
                        issuer = requiredText(meta, "issuer");
                    }
                    if (jwksUri == null) {
                        jwksUri = URI.create(requiredText(meta, "jwks_uri"));
                    }
                }
                Map<String, RSAPublicKey> next = parseKeys(get(jwksUri));
                keys = Map.copyOf(next);
                keysFetchedAt = now;
                log.info("trusted issuer keys downloaded issuer={} keys={}", issuer, next.size());
            } catch (IOException | RuntimeException | ParseException e) {
                log.warn("trusted issuer keys download failed issuer={} url={} error={}", issuer,
                        jwksUri != null ? jwksUri : config.openIdConfiguration(), e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } finally {
            downloadLock.unlock();
        }
    }

    private String get(URI uri) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            byte[] body = in.readNBytes(MAX_DOCUMENT_BYTES + 1);
            if (r.statusCode() != 200) {
                throw new IOException("HTTP " + r.statusCode() + " from " + uri);
            }
            if (body.length > MAX_DOCUMENT_BYTES) {
                throw new IOException("document too large at " + uri);
            }
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    static Map<String, RSAPublicKey> parseKeys(String jwks) throws ParseException {
        Map<String, RSAPublicKey> out = new HashMap<>();
        for (JWK jwk : JWKSet.parse(jwks).getKeys()) {
            if (!(jwk instanceof RSAKey rsa) || jwk.getKeyID() == null) {
                continue;
            }
            if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
                continue;
            }
            if (jwk.getAlgorithm() != null && !JWSAlgorithm.RS256.equals(jwk.getAlgorithm())) {
                continue;
            }
            try {
                RSAPublicKey key = rsa.toRSAPublicKey();
                if (key.getModulus().bitLength() >= 2048) {
                    out.put(jwk.getKeyID(), key);
                }
            } catch (JOSEException e) {
                // skip unusable key
            }
        }
        return out;
    }

    private static String requiredText(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalStateException("OpenID configuration has no " + field);
        }
        return v.asText();
    }
}
