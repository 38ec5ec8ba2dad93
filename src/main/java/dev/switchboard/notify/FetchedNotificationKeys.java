package dev.switchboard.notify;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** {@link NotificationKeys#fetchedFrom}: a per-tenant cache of the keys the key endpoint gave this app. Thread-safe. */
final class FetchedNotificationKeys implements NotificationKeys {
    private static final long REFETCH_GAP_NANOS = Duration.ofSeconds(10).toNanos();

    private record Fetched(Map<String, byte[]> keys, long atNanos) {
    }

    private final URI baseUrl;
    private final Function<String, String> appToken;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ConcurrentHashMap<String, Fetched> byTenant = new ConcurrentHashMap<>();

    FetchedNotificationKeys(URI baseUrl, Function<String, String> appToken) {
        String base = Objects.requireNonNull(baseUrl, "baseUrl").toString();
        this.baseUrl = URI.create(base.endsWith("/") ? base : base + "/");
        this.appToken = Objects.requireNonNull(appToken, "appToken");
    }

    @Override
    public byte[] secret(String tenantId, String kid) throws NotificationVerificationException {
        Fetched f = byTenant.get(tenantId);
        if (f != null && (f.keys.containsKey(kid) || System.nanoTime() - f.atNanos < REFETCH_GAP_NANOS)) {
            return f.keys.get(kid);
        }
        synchronized (this) {
            f = byTenant.get(tenantId);
            if (f == null || (!f.keys.containsKey(kid) && System.nanoTime() - f.atNanos >= REFETCH_GAP_NANOS)) {
                f = new Fetched(fetch(tenantId), System.nanoTime());
                byTenant.put(tenantId, f);
            }
        }
        return f.keys.get(kid);
    }

    private Map<String, byte[]> fetch(String tenantId) throws NotificationVerificationException {
        URI uri = baseUrl.resolve(URLEncoder.encode(tenantId, StandardCharsets.UTF_8) + "/switchboard/v1/notification-keys");
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                    .header("Authorization", "Bearer " + appToken.apply(tenantId)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new NotificationVerificationException("notification key endpoint answered " + r.statusCode());
            }
            Map<String, byte[]> keys = new ConcurrentHashMap<>();
            for (JWK k : JWKSet.parse(r.body()).getKeys()) {
                if (k instanceof OctetSequenceKey oct && k.getKeyID() != null) {
                    keys.put(k.getKeyID(), oct.toByteArray());
                }
            }
            return Map.copyOf(keys);
        } catch (IOException | ParseException e) {
            throw new NotificationVerificationException("notification keys could not be fetched: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotificationVerificationException("interrupted while fetching notification keys", e);
        }
    }
}
