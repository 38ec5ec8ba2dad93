package dev.switchboard.bench;

import dev.switchboard.auth.AppRegistration;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.auth.EmbeddedIssuer;
import dev.switchboard.auth.IdentityDirectory;
import dev.switchboard.auth.IssuerUrls;
import dev.switchboard.auth.Principal;
import dev.switchboard.auth.SigningKeys;
import dev.switchboard.auth.TokenIssuer;
import dev.switchboard.auth.TokenVerifier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Token issue and verification cost of the embedded authority (issue 2 target: verification under 50 µs per token
 * with cached keys). {@code verifyFull} parses and checks the RSA signature every time (verified-token memory off);
 * {@code verifyRemembered} is the steady state of a bot reusing its token for an hour.
 *
 * <p>Run: {@code bench/jmh TokenBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s}; {@link TokenCpuTime} reports the same operations in
 * thread CPU time, which a shared machine distorts far less than wall-clock averages.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TokenBenchmark {
    private static final String BASE = "http://127.0.0.1:8080";
    private static final int DISTINCT_TOKENS = 64;

    private Path dir;
    private TokenIssuer issuer;
    private TokenVerifier fullVerifier;
    private TokenVerifier rememberingVerifier;
    private AppRegistration devBot;
    private String[] headers;
    private String[] tokens;
    private int next;
    private java.security.interfaces.RSAPublicKey publicKey;
    private byte[][] signingInputs;
    private byte[][] signatures;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("token-bench");
        Clock clock = Clock.systemUTC();
        SigningKeys keys = new SigningKeys(dir, clock, Duration.ofMinutes(61), null);
        IdentityDirectory directory = DevIdentities.directory();
        IssuerUrls urls = new IssuerUrls(() -> BASE);
        issuer = new TokenIssuer(keys, urls, clock, Duration.ofHours(1));
        EmbeddedIssuer embedded = new EmbeddedIssuer(directory, urls, keys);
        fullVerifier = new TokenVerifier(List.of(embedded), clock, Duration.ofSeconds(60), 0);
        rememberingVerifier = new TokenVerifier(List.of(embedded), clock, Duration.ofSeconds(60), 10_000);
        devBot = directory.app(DevIdentities.TENANT_ID, DevIdentities.DEV_BOT_APP_ID).orElseThrow();
        tokens = new String[DISTINCT_TOKENS];
        headers = new String[DISTINCT_TOKENS];
        for (int i = 0; i < DISTINCT_TOKENS; i++) {
            tokens[i] = issuer.appToken(devBot).accessToken();
            headers[i] = "Bearer " + tokens[i];
        }
        publicKey = keys.publicKey(keys.active().kid()).orElseThrow();
        signingInputs = new byte[DISTINCT_TOKENS][];
        signatures = new byte[DISTINCT_TOKENS][];
        for (int i = 0; i < DISTINCT_TOKENS; i++) {
            int dot = tokens[i].lastIndexOf('.');
            signingInputs[i] = tokens[i].substring(0, dot).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            signatures[i] = java.util.Base64.getUrlDecoder().decode(tokens[i].substring(dot + 1));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private int nextIndex() {
        next = (next + 1) & (DISTINCT_TOKENS - 1);
        return next;
    }

    /** RS256 signing of a full app token (claims, header, signature). */
    @Benchmark
    public String issueAppToken() {
        return issuer.appToken(devBot).accessToken();
    }

    /** Full verification: base64url + JSON parse, every check, RSA-2048 signature verify with the cached public key. */
    @Benchmark
    public Principal verifyFull() {
        return fullVerifier.authenticate(headers[nextIndex()]);
    }

    /** The floor: only the JDK's RSA-2048 SHA256withRSA verification of the same tokens (no parsing, no checks). */
    @Benchmark
    public boolean rsaSignatureOnly() throws java.security.GeneralSecurityException {
        int i = nextIndex();
        java.security.Signature s = java.security.Signature.getInstance("SHA256withRSA");
        s.initVerify(publicKey);
        s.update(signingInputs[i]);
        return s.verify(signatures[i]);
    }

    /** A token seen before: lookup by its complete compact form, then exp/nbf and key-still-published checks. */
    @Benchmark
    public Principal verifyRemembered() {
        return rememberingVerifier.authenticate(headers[nextIndex()]);
    }
}
