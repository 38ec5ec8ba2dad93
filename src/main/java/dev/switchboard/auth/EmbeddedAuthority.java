package dev.switchboard.auth;

import dev.switchboard.error.RefusalLog;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The identity part of the server, built by hand: the directory (development identities or the configuration
 * file), the signing keys in the data directory, the issuer, the token endpoint, the verifier (embedded authority
 * plus configured external issuers) and the webhook callback signer. Thread-safe once constructed.
 */
public final class EmbeddedAuthority implements AutoCloseable {
    private final IdentityConfig config;
    private final boolean development;
    private final IssuerUrls urls;
    private final SigningKeys keys;
    private final TokenIssuer issuer;
    private final TokenEndpoint tokenEndpoint;
    private final TokenVerifier verifier;
    private final CallbackTokens callbackTokens;
    private final CallbackSigningKey callbackKey;
    private volatile String[] jwksCache;
    private final HttpClient http;
    private final AuthMetrics metrics;
    private final PublicOrigins origins;
    /** The INFO lines of refused token requests, bounded per tenant and error (docs/identity.md). */
    private final RefusalLog tokenRefusals = new RefusalLog(LoggerFactory.getLogger(IdentityRoutes.class), Level.INFO,
            "token request refused");

    /**
     * @param config      the identities and settings
     * @param development whether {@code config} is the embedded development default (changes only the banner)
     * @param dataDir     the server's data directory; keys live in {@code <dataDir>/auth}
     * @param baseUrl     the server's public base URL; may return null until the server is started
     * @param clock       the time source
     */
    public EmbeddedAuthority(IdentityConfig config, boolean development, Path dataDir, Supplier<String> baseUrl, Clock clock) {
        this(config, development, dataDir, baseUrl, clock, AuthMetrics.none());
    }

    /** As above, counting issued and refused tokens in {@code metrics}. */
    public EmbeddedAuthority(IdentityConfig config, boolean development, Path dataDir, Supplier<String> baseUrl, Clock clock,
                             AuthMetrics metrics) {
        this(config, development, dataDir, PublicOrigins.of(baseUrl), clock, metrics, CallbackAlgorithm.RS256);
    }

    /**
     * @param origins         the addresses clients reach the server by (token issuers and documents follow them)
     * @param callbackSigning how webhook callback tokens are signed
     */
    public EmbeddedAuthority(IdentityConfig config, boolean development, Path dataDir, PublicOrigins origins, Clock clock,
                             AuthMetrics metrics, CallbackAlgorithm callbackSigning) {
        this.config = config;
        this.origins = origins;
        this.metrics = metrics;
        metrics.hashing(config.directory());
        this.development = development;
        TokenSettings t = config.tokens();
        this.urls = new IssuerUrls(origins::fallback, origins::isOwn);
        this.keys = new SigningKeys(dataDir.resolve("auth"), clock, t.accessTokenLifetime().plus(t.clockSkew()), t.signingKeyMaxAge());
        this.issuer = new TokenIssuer(keys, urls, clock, t.accessTokenLifetime());
        SignInLimits limits = new SignInLimits(new SignInThrottle(clock), new UserSignInThrottle(clock),
                SignInLimits.clientLimit(clock), new PasswordSprayLimit(clock));
        metrics.guessing("admin_sign_in", limits.admins().refusals());
        metrics.guessing("user_sign_in", limits.users().refusals());
        metrics.guessing("client_secret", limits.clients().refusals());
        metrics.guessing("password_spray", limits.spray().refusals());
        this.tokenEndpoint = new TokenEndpoint(config.directory(), issuer, new GrantStore(clock), limits);
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        List<TrustedIssuer> trusted = new ArrayList<>();
        trusted.add(new EmbeddedIssuer(config.directory(), urls, keys));
        for (ExternalIssuerConfig e : config.externalIssuers()) {
            trusted.add(new ExternalIssuer(e, http, clock));
        }
        this.verifier = new TokenVerifier(trusted, clock, t.clockSkew(), t.verifiedTokenCache(), metrics);
        this.callbackKey = CallbackSigningKey.loadOrCreate(dataDir.resolve("auth"), callbackSigning);
        this.callbackTokens = new CallbackTokens(callbackKey, clock, t.callbackIssuer(), t.callbackTokenLifetime());
    }

    /**
     * The server's authority: the configuration file when given, the development identities otherwise.
     *
     * @param configFile null for the development identities
     */
    public static EmbeddedAuthority create(Path dataDir, Path configFile, Supplier<String> baseUrl) {
        return create(dataDir, configFile, baseUrl, null);
    }

    /** As above, with the identity counters registered in {@code registry} (null for none). */
    public static EmbeddedAuthority create(Path dataDir, Path configFile, Supplier<String> baseUrl, MeterRegistry registry) {
        return create(dataDir, configFile, PublicOrigins.of(baseUrl), registry, CallbackAlgorithm.RS256);
    }

    /** The server's authority, reached at {@code origins}, signing callbacks with {@code callbackSigning}. */
    public static EmbeddedAuthority create(Path dataDir, Path configFile, PublicOrigins origins, MeterRegistry registry,
                                           CallbackAlgorithm callbackSigning) {
        AuthMetrics metrics = registry == null ? AuthMetrics.none() : new AuthMetrics(registry);
        IdentityConfig config = configFile == null ? IdentityConfig.development() : IdentityConfig.load(configFile);
        return new EmbeddedAuthority(config, configFile == null, dataDir, origins, Clock.systemUTC(), metrics, callbackSigning);
    }

    /** The addresses clients reach the server by. */
    public PublicOrigins origins() {
        return origins;
    }

    /** The JWKS of the Bot Framework-style OpenID document: the key that signs webhook callback tokens. */
    public String callbackJwksJson() {
        return new com.nimbusds.jose.jwk.JWKSet(callbackKey.publicJwk()).toString();
    }

    public CallbackSigningKey callbackKey() {
        return callbackKey;
    }

    AuthMetrics metrics() {
        return metrics;
    }

    public BearerAuthenticator authenticator() {
        return verifier;
    }

    public TokenVerifier verifier() {
        return verifier;
    }

    public CallbackTokens callbackSigner() {
        return callbackTokens;
    }

    public TokenIssuer issuer() {
        return issuer;
    }

    public TokenEndpoint tokenEndpoint() {
        return tokenEndpoint;
    }

    public SigningKeys keys() {
        return keys;
    }

    /**
     * The JWKS every tenant publishes: the RSA keys that verify access tokens and the EC key of callback tokens.
     * Any thread; recomposed only when the RSA key set changed.
     */
    public String jwksJson() {
        String rsa = keys.jwksJson();
        String[] cached = jwksCache;
        if (cached != null && cached[0].equals(rsa)) {
            return cached[1];
        }
        try {
            java.util.List<com.nimbusds.jose.jwk.JWK> all = new java.util.ArrayList<>(com.nimbusds.jose.jwk.JWKSet.parse(rsa).getKeys());
            all.add(callbackKey.publicJwk());
            String composed = new com.nimbusds.jose.jwk.JWKSet(all).toString();
            jwksCache = new String[] {rsa, composed};
            return composed;
        } catch (java.text.ParseException e) {
            throw new IllegalStateException("the signing keys' JWKS does not parse", e);
        }
    }

    public IssuerUrls urls() {
        return urls;
    }

    public IdentityDirectory directory() {
        return config.directory();
    }

    public IdentityConfig config() {
        return config;
    }

    /** A human-readable list of the identities (secrets shown only for the development identities). */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append(development ? "Development identities (no --config given; do not expose this server):\n"
                : "Identities from the configuration file:\n");
        for (TenantEntry t : config.directory().tenants()) {
            b.append("  tenant ").append(t.id()).append("  (").append(t.displayName()).append(")\n");
            b.append("    token endpoint ").append(safeUrl(() -> urls.tokenEndpoint(t.id()))).append('\n');
            for (AppRegistration a : t.apps()) {
                b.append("    app  ").append(a.appId()).append("  ").append(a.displayName());
                if (a.publicClient()) {
                    b.append("  (public client: authorization code + PKCE, device code)");
                } else if (development) {
                    b.append("  secret=").append(devSecret(a.appId()));
                }
                b.append("  roles=").append(String.join(",", new TreeSet<>(a.roles()))).append('\n');
            }
            for (UserAccount u : t.users()) {
                b.append("    user ").append(u.userId()).append("  ").append(u.username());
                if (development) {
                    b.append("  password=").append(devPassword(u.username()));
                }
                b.append('\n');
            }
        }
        for (ExternalIssuerConfig e : config.externalIssuers()) {
            b.append("  trusted issuer ").append(e.issuer() != null ? e.issuer() : e.openIdConfiguration()).append('\n');
        }
        return b.toString();
    }

    private static String safeUrl(Supplier<String> url) {
        try {
            return url.get();
        } catch (IllegalStateException e) {
            return "(after start)";
        }
    }

    private static String devSecret(String appId) {
        return switch (appId) {
            case DevIdentities.DEV_BOT_APP_ID -> DevIdentities.DEV_BOT_SECRET;
            case DevIdentities.P2P_BOT_APP_ID -> DevIdentities.P2P_BOT_SECRET;
            case DevIdentities.OTHER_TENANT_BOT_APP_ID -> DevIdentities.OTHER_TENANT_BOT_SECRET;
            default -> "?";
        };
    }

    private static String devPassword(String username) {
        return switch (username) {
            case DevIdentities.ALICE_USERNAME -> DevIdentities.ALICE_PASSWORD;
            case DevIdentities.BOB_USERNAME -> DevIdentities.BOB_PASSWORD;
            case DevIdentities.CAROL_USERNAME -> DevIdentities.CAROL_PASSWORD;
            case DevIdentities.ADMIN_USERNAME -> DevIdentities.ADMIN_PASSWORD;
            default -> "?";
        };
    }

    /** Where refused token requests are logged, a few lines a minute per tenant and error at most. */
    RefusalLog tokenRefusals() {
        return tokenRefusals;
    }

    @Override
    public void close() {
        tokenEndpoint.signInLimits().flush();
        tokenRefusals.flush();
        http.close();
    }
}
