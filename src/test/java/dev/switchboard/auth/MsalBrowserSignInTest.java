package dev.switchboard.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.media.webrtc.Chromium;
import dev.switchboard.media.webrtc.ChromiumWebRtcTest;
import dev.switchboard.server.HttpsSettings;
import dev.switchboard.testsupport.NpmPackages;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * MSAL Browser (the locked {@code @azure/msal-browser} of {@code compat/js}, served by this test: no CDN, no network)
 * in Debian's headless Chromium signs alice in with the authorization code + PKCE flow by redirect, against the
 * embedded authority over https with only {@code authority} and {@code knownAuthorities} set; the page then joins a
 * group call through the client API with her token (a cross-origin fetch, CORS preflight included) and Graph shows
 * her in the roster. The browser trusts exactly the server's leaf key ({@code --ignore-certificate-errors-spki-list}),
 * not every certificate. Skipped without Chromium (fails under CI); needs {@code compat/js}'s {@code npm ci}.
 */
class MsalBrowserSignInTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Path MSAL = Path.of("compat/js/node_modules/@azure/msal-browser/lib/msal-browser.min.js");

    @Test
    void msalBrowserSignsAliceInWithPkceAndThePageJoinsACallWithHerToken() throws Exception {
        Chromium.requireOrSkip();
        NpmPackages.ensureInstalled(Path.of("compat/js"));
        assertThat(MSAL).as("msal-browser from compat/js's lockfile").isRegularFile();
        Path dir = Files.createDirectories(Path.of("target/msal-browser"));
        Path wav = dir.resolve("tone.wav");
        ChromiumWebRtcTest.writeTone(wav, 440, 1);
        byte[] page;
        try (InputStream in = getClass().getResourceAsStream("/msal/spa.html")) {
            page = in.readAllBytes();
        }
        HttpServer site = staticSite(page, Files.readAllBytes(MSAL));
        try (CallbackReceiver bot = new CallbackReceiver();
             TestServer server = TestServer.start(cfg -> cfg.withHttps(new HttpsSettings(0, null, null, List.of()))
                     .withMedia(cfg.media().withWebRtcPort(0)));
             Chromium chromium = new Chromium(wav.toAbsolutePath(), dir,
                     List.of("--ignore-certificate-errors-spki-list=" + leafSpkiHash(server.dataDir())))) {
            String https = "https://localhost:" + server.server().httpsPort();
            String authority = https + "/" + DevIdentities.TENANT_ID;
            String origin = "http://localhost:" + site.getAddress().getPort();
            String callId = server.groupCall(bot.url(), Tokens.devBotToken(server.baseUrl()));

            chromium.open(origin + "/?authority=" + URLEncoder.encode(authority, StandardCharsets.UTF_8)
                    + "&clientId=" + DevIdentities.DEV_SPA_APP_ID);
            assertThat(ready(chromium)).isEqualTo("ready");
            chromium.execute("window.signIn(); return 1;");
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> chromium.execute("return location.href;").asText().startsWith(authority + "/oauth2/v2.0/authorize?"));
            String asked = chromium.execute("return location.href;").asText();
            assertThat(asked).contains("code_challenge_method=S256", "code_challenge=", "response_type=code",
                    "client_id=" + DevIdentities.DEV_SPA_APP_ID);
            chromium.execute("document.getElementById('username').value = arguments[0];"
                    + "document.getElementById('password').value = arguments[1];"
                    + "document.getElementById('submit').click(); return 1;", DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> chromium.execute("return location.origin;").asText().equals(origin));
            assertThat(ready(chromium)).as("msal: %s", chromium.execute("return window.failure || null;")).isEqualTo("signed-in");
            chromium.screenshot(dir.resolve("signed-in.png"));

            JsonNode signedIn = chromium.execute("return window.signedIn;");
            assertThat(signedIn.path("username").asText()).isEqualTo(DevIdentities.ALICE_USERNAME);
            assertThat(signedIn.path("idTokenTid").asText()).isEqualTo(DevIdentities.TENANT_ID);
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(signedIn.path("accessToken").asText().split("\\.")[1]));
            assertThat(claims.path("oid").asText()).isEqualTo(DevIdentities.ALICE_ID);
            assertThat(claims.path("azp").asText(claims.path("appid").asText())).isEqualTo(DevIdentities.DEV_SPA_APP_ID);
            assertThat(claims.path("scp").asText()).contains("Calls.JoinGroupCall");
            assertThat(claims.path("iss").asText()).startsWith("https://localhost:");

            JsonNode joined = chromium.executeAsync("const done = arguments[arguments.length - 1];"
                    + "window.joinCall(arguments[0], arguments[1]).then(done, e => done({error: String(e)}));", https, callId);
            assertThat(joined.path("status").asInt()).as(joined.toString()).isEqualTo(201);
            assertThat(joined.path("silentSameToken").asBoolean()).as("acquireTokenSilent answers from MSAL's cache").isTrue();
            assertThat(joined.path("location").asText()).as("Location exposed to the page").startsWith("/client/v1/calls/" + callId + "/participants/");
            assertThat(joined.path("body").asText()).contains("a=ice-lite");

            HttpResponse<String> roster = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                            + "/v1.0/communications/calls/" + callId + "/participants"))
                    .header("Authorization", "Bearer " + Tokens.devBotToken(server.baseUrl())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(roster.statusCode()).isEqualTo(200);
            assertThat(roster.body()).contains(DevIdentities.ALICE_ID);
        } finally {
            site.stop(0);
        }
    }

    private static String ready(Chromium chromium) throws Exception {
        return chromium.executeAsync("const done = arguments[arguments.length - 1]; window.ready.then(done, e => done('ERR ' + e));").asText();
    }

    /** The page's origin: the SPA and the locked msal-browser bundle, nothing else. */
    private static HttpServer staticSite(byte[] page, byte[] msal) throws java.io.IOException {
        HttpServer site = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        site.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            byte[] body = path.equals("/") ? page : path.equals("/msal-browser.min.js") ? msal : null;
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.getResponseHeaders().set("Content-Type", path.equals("/") ? "text/html; charset=utf-8" : "text/javascript");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        site.start();
        return site;
    }

    /** Base64 SHA-256 of the served leaf certificate's SubjectPublicKeyInfo, as Chromium's SPKI allow-list wants it. */
    private static String leafSpkiHash(Path dataDir) throws Exception {
        X509Certificate leaf;
        try (InputStream in = Files.newInputStream(dataDir.resolve("tls/localhost.pem"))) {
            leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(leaf.getPublicKey().getEncoded()));
    }

}
