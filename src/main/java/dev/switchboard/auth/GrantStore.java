package dev.switchboard.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The delegated grants the embedded authority hands out for later redemption: one-time authorization codes (10 min)
 * and refresh tokens (rotated on each use, 24 h). In memory: a restart signs everyone out. Thread-safe.
 */
public final class GrantStore {
    static final Duration CODE_LIFETIME = Duration.ofMinutes(10);
    static final Duration REFRESH_LIFETIME = Duration.ofHours(24);
    private static final int MAX_ENTRIES = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a code was issued for. */
    public record Code(String tenantId, String clientId, String userId, String redirectUri, String codeChallenge,
                       Set<String> scopes, String nonce, Instant expiresAt) {
    }

    /** What a refresh token stands for. */
    public record Refresh(String tenantId, String clientId, String userId, Set<String> scopes, Instant expiresAt) {
    }

    static final Duration DEVICE_LIFETIME = Duration.ofMinutes(15);

    /** A device authorization: pending until a user approves it with the user code (then {@code userId} is set). */
    public record Device(String tenantId, String clientId, Set<String> scopes, String userCode, Instant expiresAt,
                         String userId) {
        Device approvedBy(String user) {
            return new Device(tenantId, clientId, scopes, userCode, expiresAt, user);
        }
    }

    private final Clock clock;
    private final Map<String, Device> devices = new ConcurrentHashMap<>();
    private final Map<String, String> deviceByUserCode = new ConcurrentHashMap<>();
    private final Map<String, Code> codes = new ConcurrentHashMap<>();
    private final Map<String, Refresh> refreshTokens = new ConcurrentHashMap<>();

    public GrantStore(Clock clock) {
        this.clock = clock;
    }

    public String issueCode(String tenantId, String clientId, String userId, String redirectUri, String codeChallenge,
                            Set<String> scopes, String nonce) {
        prune(codes);
        String code = random();
        codes.put(code, new Code(tenantId, clientId, userId, redirectUri, codeChallenge, Set.copyOf(scopes), nonce,
                clock.instant().plus(CODE_LIFETIME)));
        return code;
    }

    /** Removes and returns the code when it exists and has not expired: a code works once. */
    public Optional<Code> redeemCode(String code) {
        Code c = code == null ? null : codes.remove(code);
        return c == null || !c.expiresAt().isAfter(clock.instant()) ? Optional.empty() : Optional.of(c);
    }

    public String issueRefreshToken(String tenantId, String clientId, String userId, Set<String> scopes) {
        prune(refreshTokens);
        String token = random();
        refreshTokens.put(token, new Refresh(tenantId, clientId, userId, Set.copyOf(scopes), clock.instant().plus(REFRESH_LIFETIME)));
        return token;
    }

    /** Removes and returns the refresh token when it is valid (the caller issues its successor). */
    public Optional<Refresh> redeemRefreshToken(String token) {
        Refresh r = token == null ? null : refreshTokens.remove(token);
        return r == null || !r.expiresAt().isAfter(clock.instant()) ? Optional.empty() : Optional.of(r);
    }

    /** Starts a device authorization; returns the device code (the user code is in {@link #device}). */
    public String startDevice(String tenantId, String clientId, Set<String> scopes) {
        prune(devices);
        String deviceCode = random();
        String userCode = userCode();
        devices.put(deviceCode, new Device(tenantId, clientId, Set.copyOf(scopes), userCode, clock.instant().plus(DEVICE_LIFETIME), null));
        deviceByUserCode.put(userCode, deviceCode);
        return deviceCode;
    }

    public Optional<Device> device(String deviceCode) {
        Device d = deviceCode == null ? null : devices.get(deviceCode);
        if (d != null && !d.expiresAt().isAfter(clock.instant())) {
            devices.remove(deviceCode);
            deviceByUserCode.remove(d.userCode());
            return Optional.empty();
        }
        return Optional.ofNullable(d);
    }

    /** A signed-in user approves the device authorization of {@code userCode}; false when no such pending code. */
    public boolean approve(String userCode, String tenantId, String userId) {
        String deviceCode = userCode == null ? null : deviceByUserCode.remove(userCode.strip().toUpperCase(java.util.Locale.ROOT));
        if (deviceCode == null) {
            return false;
        }
        Device d = device(deviceCode).orElse(null);
        if (d == null || !d.tenantId().equals(tenantId) || d.userId() != null) {
            return false;
        }
        devices.put(deviceCode, d.approvedBy(userId));
        return true;
    }

    /** Ends an approved device authorization (its tokens are being issued): a device code works once. */
    public boolean finishDevice(String deviceCode, Device approved) {
        return devices.remove(deviceCode, approved);
    }

    private static String userCode() {
        String alphabet = "BCDFGHJKLMNPQRSTVWXZ";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private <T> void prune(Map<String, T> map) {
        if (map.size() < MAX_ENTRIES) {
            return;
        }
        Instant now = clock.instant();
        for (Iterator<Map.Entry<String, T>> it = map.entrySet().iterator(); it.hasNext(); ) {
            T v = it.next().getValue();
            Instant exp = v instanceof Code c ? c.expiresAt() : v instanceof Device d ? d.expiresAt() : ((Refresh) v).expiresAt();
            if (!exp.isAfter(now)) {
                it.remove();
            }
        }
        if (map.size() >= MAX_ENTRIES) {
            throw new OAuthError(503, "temporarily_unavailable", 50196, "Too many outstanding grants; try again later.");
        }
    }

    private static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
