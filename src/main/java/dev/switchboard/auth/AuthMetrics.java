package dev.switchboard.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.EnumMap;
import java.util.Map;

/**
 * The identity part's counters: {@code switchboard.auth.tokens.issued{grant}},
 * {@code switchboard.auth.token.requests.refused{error}} (OAuth error of the token endpoint) and
 * {@code switchboard.auth.bearer.rejected{reason}} (bearer tokens refused by the verifier), and
 * {@code switchboard.auth.secret.hash.iterations} (PBKDF2 work checking secrets). Thread-safe.
 */
public final class AuthMetrics {
    private static final AuthMetrics NONE = new AuthMetrics(null);
    private final MeterRegistry registry;
    private final Map<TokenVerifier.Reason, Counter> rejected = new EnumMap<>(TokenVerifier.Reason.class);

    /** @param registry where to register; null counts nothing */
    public AuthMetrics(MeterRegistry registry) {
        this.registry = registry;
        if (registry != null) {
            for (TokenVerifier.Reason r : TokenVerifier.Reason.values()) {
                rejected.put(r, Counter.builder("switchboard.auth.bearer.rejected")
                        .description("Bearer tokens refused, by reason").tag("reason", r.name().toLowerCase(java.util.Locale.ROOT))
                        .register(registry));
            }
        }
    }

    /** Counts {@code switchboard.auth.secret.hash.iterations}: the PBKDF2 work of checking secrets in {@code directory}. */
    void hashing(IdentityDirectory directory) {
        if (registry != null) {
            FunctionCounter.builder("switchboard.auth.secret.hash.iterations", directory, IdentityDirectory::hashIterations)
                    .description("PBKDF2 iterations run checking client secrets and passwords, decoys for unknown names included")
                    .register(registry);
        }
    }

    /** Counts {@code switchboard.guesses.refused{limit}}: the refusals of a guessing limit. */
    void guessing(String limit, dev.switchboard.error.RefusalLog refusals) {
        if (registry != null) {
            FunctionCounter.builder("switchboard.guesses.refused", refusals, dev.switchboard.error.RefusalLog::refused)
                    .description("Attempts refused by a guessing limit, whether their log line was written or summarised")
                    .tag("limit", limit).register(registry);
        }
    }

    public static AuthMetrics none() {
        return NONE;
    }

    void rejected(TokenVerifier.Reason reason) {
        Counter c = rejected.get(reason);
        if (c != null) {
            c.increment();
        }
    }

    void issued(String grantType) {
        if (registry != null) {
            registry.counter("switchboard.auth.tokens.issued", "grant", grantType).increment();
        }
    }

    void refused(String oauthError) {
        if (registry != null) {
            registry.counter("switchboard.auth.token.requests.refused", "error", oauthError).increment();
        }
    }
}
