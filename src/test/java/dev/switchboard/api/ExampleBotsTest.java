package dev.switchboard.api;

import dev.switchboard.auth.DevIdentities;
import dev.switchboard.server.HttpsSettings;
import dev.switchboard.testsupport.LocalTls;
import dev.switchboard.testsupport.NpmPackages;
import dev.switchboard.testsupport.Prometheus;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.Test;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample bots of {@code examples/} run unchanged against a started server over https, as a user runs them:
 * {@code examples/js-bot} with {@code node} (its locked packages, {@code npm ci}) and {@code examples/java-bot}
 * compiled from its source against the SDK versions its pom names (the ones this build's tests use) and started in
 * its own JVM trusting the local CA's truststore. Each creates a group call and prints its id; alice joins through
 * the client API; the bot sees her in a verified roster notification, mutes her, sees her muted, hangs up, having
 * asked the server for one app token only.
 */
class ExampleBotsTest {
    private static final Path JS_BOT = Path.of("examples/js-bot");
    private static final Path JAVA_BOT = Path.of("examples/java-bot");
    private static final Pattern CALL = Pattern.compile("\\] call (\\S+)");
    private static final String CLIENT_CREDENTIAL_TOKENS = "switchboard_auth_tokens_issued_total{grant=\"client_credentials\"}";
    private static final String OFFER = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";

    @Test
    void theJavaScriptSampleBotMutesAParticipantAndVerifiesEveryNotification() throws Exception {
        NpmPackages.ensureInstalled(JS_BOT);
        try (TestServer server = https()) {
            ProcessBuilder node = new ProcessBuilder("node", "bot.js").directory(JS_BOT.toFile());
            node.environment().put("NODE_EXTRA_CA_CERTS", server.dataDir().resolve("tls/ca.pem").toAbsolutePath().toString());
            runAndJoin(server, node);
        }
    }

    @Test
    void theJavaSampleBotMutesAParticipantAndVerifiesEveryNotification() throws Exception {
        Path classes = Files.createDirectories(Path.of("target/example-java-bot"));
        List<String> sources;
        try (Stream<Path> files = Files.walk(JAVA_BOT.resolve("src/main/java"))) {
            sources = files.filter(p -> p.toString().endsWith(".java")).map(Path::toString).toList();
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "--release", "21", "-cp",
                System.getProperty("java.class.path")));
        args.addAll(sources);
        assertThat(javac.run(null, null, null, args.toArray(String[]::new))).as("examples/java-bot compiles").isZero();
        try (TestServer server = https()) {
            ProcessBuilder jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djavax.net.ssl.trustStore=" + LocalTls.truststore(server.dataDir()).toAbsolutePath(),
                    "-Djavax.net.ssl.trustStorePassword=changeit",
                    "-cp", classes.toAbsolutePath() + java.io.File.pathSeparator + System.getProperty("java.class.path"),
                    "example.CallingBot");
            runAndJoin(server, jvm);
        }
    }

    private static TestServer https() {
        return TestServer.start(cfg -> cfg.withHttps(new HttpsSettings(0, null, null, List.of())));
    }

    /** Starts the bot, lets alice join the call it prints, and checks it muted her and verified its notifications. */
    private static void runAndJoin(TestServer server, ProcessBuilder bot) throws Exception {
        Map<String, String> env = bot.environment();
        env.put("SWITCHBOARD_URL", "https://localhost:" + server.server().httpsPort());
        env.put("SWITCHBOARD_TENANT", DevIdentities.TENANT_ID);
        env.put("BOT_ID", DevIdentities.DEV_BOT_APP_ID);
        env.put("BOT_SECRET", DevIdentities.DEV_BOT_SECRET);
        env.put("INVITE_USER_IDS", DevIdentities.ALICE_ID + "," + DevIdentities.BOB_ID);
        env.put("TIMEOUT_SECONDS", "120");
        long tokensBefore = Prometheus.counter(server.baseUrl(), CLIENT_CREDENTIAL_TOKENS);
        Process p = bot.redirectErrorStream(true).start();
        StringBuffer out = new StringBuffer();
        CompletableFuture<String> callId = new CompletableFuture<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    out.append(line).append('\n');
                    Matcher m = CALL.matcher(line);
                    if (m.find()) {
                        callId.complete(m.group(1));
                    }
                }
            } catch (java.io.IOException e) {
                callId.completeExceptionally(e);
            }
            callId.completeExceptionally(new IllegalStateException("the bot ended without a call id"));
        });
        try {
            String id = callId.get(120, TimeUnit.SECONDS);
            ClientApi alice = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.aliceToken(server.baseUrl()));
            ClientApi.Joined joined = alice.join(id, OFFER);
            assertThat(p.waitFor(150, TimeUnit.SECONDS)).as("the bot finished:\n%s", out).isTrue();
            reader.join(5_000);
            assertThat(p.exitValue()).as("the bot's exit status:\n%s", out).isZero();
            assertThat(out.toString()).contains("] muted " + joined.participantId()).doesNotContain("refused a notification")
                    .as("the bot heard its call end before it left").contains("] terminated ");
            Matcher verified = Pattern.compile("notifications verified: (\\d+)").matcher(out);
            assertThat(verified.find()).as(out.toString()).isTrue();
            assertThat(Integer.parseInt(verified.group(1))).as("notifications the bot verified").isGreaterThan(0);
            // MSAL's token cache (or the bot's own, where msal4j's misses) serves every request after the first
            assertThat(Prometheus.counter(server.baseUrl(), CLIENT_CREDENTIAL_TOKENS) - tokensBefore)
                    .as("app tokens the bot asked for:\n%s", out).isEqualTo(1);
        } finally {
            p.destroyForcibly();
        }
    }
}
