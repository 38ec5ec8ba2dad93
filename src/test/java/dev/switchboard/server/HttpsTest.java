package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.LocalTls;
import dev.switchboard.testsupport.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The https listener with the local development CA, driven by real TLS clients (the JDK's, HTTP/2 and 1.1). */
class HttpsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TENANT = DevIdentities.TENANT_ID;
    static TestServer server;
    static HttpClient https;
    static String base;

    /**
     * The calls' webhook, listening until every server of the class has stopped: a server stopping with a live call
     * delivers its last notifications at once, where an address nobody listens on kept it retrying for its 10 s drain.
     */
    static dev.switchboard.tools.CallbackReceiver bot;

    @BeforeAll
    static void start() throws Exception {
        bot = new dev.switchboard.tools.CallbackReceiver();
        server = TestServer.start(cfg -> cfg.withHttps(new HttpsSettings(0, null, null, List.of())));
        https = LocalTls.client(server.dataDir());
        base = "https://localhost:" + server.server().httpsPort();
    }

    @AfterAll
    static void stop() {
        server.close();
        bot.close();
    }

    static String form(String... kv) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            b.append(b.isEmpty() ? "" : "&").append(kv[i]).append('=').append(URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    static HttpResponse<String> post(HttpClient client, String url, String contentType, String body, String... headers) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String token(HttpClient client, String baseUrl) throws Exception {
        HttpResponse<String> r = post(client, baseUrl + "/" + TENANT + "/oauth2/v2.0/token", "application/x-www-form-urlencoded",
                form("grant_type", "client_credentials", "client_id", DevIdentities.DEV_BOT_APP_ID,
                        "client_secret", DevIdentities.DEV_BOT_SECRET, "scope", "https://graph.microsoft.com/.default"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("access_token").asText();
    }

    static String callBody() {
        return """
                {"callbackUri":"%s","requestedModalities":["audio"],
                 "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},
                 "targets":[{"identity":{"user":{"id":"%s"}}},{"identity":{"user":{"id":"%s"}}}]}"""
                .formatted(bot.url(), DevIdentities.ALICE_ID, DevIdentities.BOB_ID);
    }

    @Test
    void openIdDocumentOverHttp2NamesTheHttpsAddressTheClientUsed() throws Exception {
        HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create(base + "/" + TENANT + "/v2.0/.well-known/openid-configuration"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        JsonNode doc = JSON.readTree(r.body());
        assertThat(doc.get("issuer").asText()).isEqualTo(base + "/" + TENANT + "/v2.0");
        assertThat(doc.get("authorization_endpoint").asText()).isEqualTo(base + "/" + TENANT + "/oauth2/v2.0/authorize");
        assertThat(doc.get("token_endpoint").asText()).isEqualTo(base + "/" + TENANT + "/oauth2/v2.0/token");
        assertThat(doc.get("device_authorization_endpoint").asText()).isEqualTo(base + "/" + TENANT + "/oauth2/v2.0/devicecode");
        assertThat(doc.get("end_session_endpoint").asText()).isEqualTo(base + "/" + TENANT + "/oauth2/v2.0/logout");
        assertThat(doc.get("jwks_uri").asText()).isEqualTo(base + "/" + TENANT + "/discovery/v2.0/keys");
        assertThat(doc.get("response_types_supported").toString()).contains("\"code\"");
        assertThat(doc.get("grant_types_supported").toString()).contains("authorization_code", "refresh_token",
                "urn:ietf:params:oauth:grant-type:device_code", "client_credentials");

        HttpResponse<String> plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
                URI.create(server.baseUrl() + "/" + TENANT + "/v2.0/.well-known/openid-configuration")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(plain.body()).get("issuer").asText()).isEqualTo(server.baseUrl() + "/" + TENANT + "/v2.0");
    }

    @Test
    void aTokenFromTheHttpsAuthorityCallsTheGraphApiAndLocationIsHttps() throws Exception {
        String token = token(https, base);
        assertThat(SignedJWT.parse(token).getJWTClaimsSet().getIssuer()).isEqualTo(base + "/" + TENANT + "/v2.0");
        HttpResponse<String> created = post(https, base + "/v1.0/communications/calls", "application/json", callBody(),
                "Authorization", "Bearer " + token);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JSON.readTree(created.body()).get("id").asText();
        assertThat(created.headers().firstValue("Location")).contains(base + "/v1.0/communications/calls/" + id);

        // the same token is good on the plain http listener too: both are this server's addresses
        HttpResponse<String> overHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
                URI.create(server.baseUrl() + "/v1.0/communications/calls/" + id)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(overHttp.statusCode()).isEqualTo(200);
    }

    @Test
    void overHttp2AUrlOrHeadersPastTheHttp11LimitAreGraphErrorsNotAClosedConnection() throws Exception {
        String token = token(https, base);
        String calls = base + "/v1.0/communications/calls/";
        h2Error(calls + "a".repeat(9_000), token, "", 414, "UriTooLong");
        h2Error(calls + "a".repeat(7_000), token, "", 431, "RequestHeaderFieldsTooLarge");
        h2Error(calls + "x", token, "b".repeat(20_000), 431, "RequestHeaderFieldsTooLarge");
        h2Error(calls + "a".repeat(6_000), token, "", 404, "itemNotFound"); // below the limit: the route answers
    }

    private static void h2Error(String url, String token, String extraHeader, int status, String code) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(20));
        if (!extraHeader.isEmpty()) {
            b.header("X-Large", extraHeader);
        }
        HttpResponse<String> r = https.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(r.headers().firstValue("request-id")).contains(error.get("innerError").get("request-id").asText());
    }

    @Test
    void keepAliveAnswers200WithNoBodyAndNoContentType() throws Exception {
        String token = token(https, base);
        String id = JSON.readTree(post(https, base + "/v1.0/communications/calls", "application/json", callBody(),
                "Authorization", "Bearer " + token).body()).get("id").asText();
        for (HttpClient.Version v : List.of(HttpClient.Version.HTTP_2, HttpClient.Version.HTTP_1_1)) {
            HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create(base + "/v1.0/communications/calls/" + id + "/keepAlive"))
                    .version(v).header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(v.name()).isEqualTo(200);
            assertThat(r.body()).as(v.name()).isEmpty();
            assertThat(r.headers().firstValue("Content-Type")).as(v.name()).isEmpty();
        }
    }

    @Test
    void tls12WithAnAeadSuiteIsAcceptedAndCbcOrTls11AreRefused() throws Exception {
        javax.net.ssl.SSLContext ssl = LocalTls.trusting(LocalTls.truststore(server.dataDir()));
        int port = server.server().httpsPort();
        try (SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket("localhost", port)) {
            s.setEnabledProtocols(new String[] {"TLSv1.2"});
            s.startHandshake();
            assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.2");
            assertThat(s.getSession().getCipherSuite()).contains("ECDHE").containsAnyOf("GCM", "CHACHA20");
        }
        try (SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket("localhost", port)) {
            s.setEnabledProtocols(new String[] {"TLSv1.2"});
            s.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"});
            assertThatThrownBy(s::startHandshake).isInstanceOf(SSLHandshakeException.class);
        }
        try (SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket("localhost", port)) {
            SSLParameters p = s.getSSLParameters();
            p.setProtocols(new String[] {"TLSv1.1"});
            s.setSSLParameters(p);
            assertThatThrownBy(s::startHandshake).isInstanceOf(javax.net.ssl.SSLException.class);
        }
    }

    @Test
    void theCertificateCoversLoopbackNamesAndIsIssuedByTheLocalCa() throws Exception {
        javax.net.ssl.SSLContext ssl = LocalTls.trusting(LocalTls.truststore(server.dataDir()));
        for (String host : List.of("localhost", "127.0.0.1")) {
            try (SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket(host, server.server().httpsPort())) {
                SSLParameters p = s.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS"); // host name checked against the SANs
                s.setSSLParameters(p);
                s.startHandshake();
                X509Certificate leaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
                assertThat(leaf.getIssuerX500Principal().getName()).contains("Switchboard development CA");
            }
        }
    }

    @Test
    void forwardedHeadersCountOnlyFromTrustedProxies(@TempDir Path unused) throws Exception {
        HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String path = "/" + TENANT + "/v2.0/.well-known/openid-configuration";
        HttpRequest forwarded = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "calls.example.com").build();
        assertThat(JSON.readTree(plain.send(forwarded, HttpResponse.BodyHandlers.ofString()).body()).get("issuer").asText())
                .as("not a trusted proxy").isEqualTo(server.baseUrl() + "/" + TENANT + "/v2.0");

        try (TestServer proxied = TestServer.start(cfg -> cfg.withHttps(new HttpsSettings(null, null, null, List.of("127.0.0.0/8"))))) {
            HttpRequest viaProxy = HttpRequest.newBuilder(URI.create(proxied.baseUrl() + path))
                    .header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "calls.example.com").build();
            assertThat(JSON.readTree(plain.send(viaProxy, HttpResponse.BodyHandlers.ofString()).body()).get("issuer").asText())
                    .isEqualTo("https://calls.example.com/" + TENANT + "/v2.0");
            // a token issued through the proxy is accepted by the server it came from
            HttpResponse<String> t = post(plain, proxied.baseUrl() + "/" + TENANT + "/oauth2/v2.0/token", "application/x-www-form-urlencoded",
                    form("grant_type", "client_credentials", "client_id", DevIdentities.DEV_BOT_APP_ID,
                            "client_secret", DevIdentities.DEV_BOT_SECRET, "scope", "https://graph.microsoft.com/.default"),
                    "X-Forwarded-Proto", "https", "X-Forwarded-Host", "calls.example.com");
            String token = JSON.readTree(t.body()).get("access_token").asText();
            assertThat(SignedJWT.parse(token).getJWTClaimsSet().getIssuer()).isEqualTo("https://calls.example.com/" + TENANT + "/v2.0");
            HttpResponse<String> created = post(plain, proxied.baseUrl() + "/v1.0/communications/calls", "application/json", callBody(),
                    "Authorization", "Bearer " + token, "X-Forwarded-Proto", "https", "X-Forwarded-Host", "calls.example.com");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(created.headers().firstValue("Location").orElseThrow()).startsWith("https://calls.example.com/v1.0/communications/calls/");
        }
    }
}
