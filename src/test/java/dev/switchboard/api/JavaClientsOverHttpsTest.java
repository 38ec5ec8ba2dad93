package dev.switchboard.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.Modality;
import com.microsoft.graph.models.ServiceHostedMediaConfig;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.auth.CallbackAlgorithm;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.server.HttpsSettings;
import dev.switchboard.testsupport.LocalTls;
import dev.switchboard.testsupport.TestServer;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * msal4j (confidential client, client credentials) and the Graph Java SDK over https, trusting only the local CA's
 * truststore; webhook callback tokens checked the way a Bot Framework bot does (RS256 key from the OpenID document).
 */
class JavaClientsOverHttpsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A bot's callback endpoint: records each POST's Authorization header. */
    record Callback(HttpServer server, LinkedBlockingQueue<String> authorizations) implements AutoCloseable {
        static Callback start() throws Exception {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            LinkedBlockingQueue<String> q = new LinkedBlockingQueue<>();
            s.createContext("/callback", ex -> {
                ex.getRequestBody().readAllBytes();
                q.add(ex.getRequestHeaders().getFirst("Authorization"));
                ex.sendResponseHeaders(202, -1);
                ex.close();
            });
            s.start();
            return new Callback(s, q);
        }

        String uri() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/callback";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    static X509TrustManager trustManager(java.nio.file.Path truststore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(truststore)) {
            ks.load(in, "changeit".toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return (X509TrustManager) tmf.getTrustManagers()[0];
    }

    static GraphServiceClient graph(String base, String token, SSLContext ssl, X509TrustManager tm) {
        AccessTokenProvider tokens = new AccessTokenProvider() {
            private final AllowedHostsValidator hosts = new AllowedHostsValidator("localhost");

            @Override
            public String getAuthorizationToken(URI uri, Map<String, Object> context) {
                return hosts.isUrlHostValid(uri) ? token : "";
            }

            @Override
            public AllowedHostsValidator getAllowedHostsValidator() {
                return hosts;
            }
        };
        OkHttpClient http = GraphClientFactory.create(GraphServiceClient.getGraphClientOptions())
                .sslSocketFactory(ssl.getSocketFactory(), tm).build();
        GraphServiceClient graph = new GraphServiceClient(new BaseBearerTokenAuthenticationProvider(tokens), http);
        graph.getRequestAdapter().setBaseUrl(base + "/v1.0");
        return graph;
    }

    @Test
    void msal4jClientCredentialsOverHttpsThenTheGraphSdkAndRs256CallbacksFromTheBotFrameworkDocument() throws Exception {
        try (Callback bot = Callback.start();
             TestServer server = TestServer.start(cfg -> cfg.withHttps(new HttpsSettings(0, null, null, List.of())))) {
            String base = "https://localhost:" + server.server().httpsPort();
            java.nio.file.Path truststore = LocalTls.truststore(server.dataDir());
            SSLContext ssl = LocalTls.trusting(truststore);

            ConfidentialClientApplication app = ConfidentialClientApplication.builder(DevIdentities.DEV_BOT_APP_ID,
                            ClientCredentialFactory.createFromSecret(DevIdentities.DEV_BOT_SECRET))
                    .authority(base + "/" + DevIdentities.TENANT_ID + "/")
                    .instanceDiscovery(false)
                    .sslSocketFactory(ssl.getSocketFactory())
                    .build();
            IAuthenticationResult result = app.acquireToken(ClientCredentialParameters.builder(
                    Set.of("https://graph.microsoft.com/.default")).build()).get(60, TimeUnit.SECONDS);
            assertThat(SignedJWT.parse(result.accessToken()).getJWTClaimsSet().getIssuer())
                    .isEqualTo(base + "/" + DevIdentities.TENANT_ID + "/v2.0");

            GraphServiceClient graph = graph(base, result.accessToken(), ssl, trustManager(truststore));
            Call call = new Call();
            call.setCallbackUri(bot.uri());
            call.setRequestedModalities(List.of(Modality.Audio));
            call.setMediaConfig(new ServiceHostedMediaConfig());
            call.setTargets(List.of(GraphSdk.target(DevIdentities.ALICE_ID), GraphSdk.target(DevIdentities.BOB_ID)));
            Call created = graph.communications().calls().post(call);
            assertThat(created.getId()).isNotBlank();
            assertThat(graph.communications().calls().byCallId(created.getId()).participants().get().getValue()).isNotEmpty();

            String authorization = bot.authorizations().poll(60, TimeUnit.SECONDS);
            assertThat(authorization).startsWith("Bearer ");
            SignedJWT jwt = SignedJWT.parse(authorization.substring(7));
            assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);

            HttpClient client = LocalTls.client(server.dataDir());
            var doc = JSON.readTree(client.send(HttpRequest.newBuilder(URI.create(base + "/botframework/v1/.well-known/openidconfiguration")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(doc.get("issuer").asText()).isEqualTo("https://api.botframework.com");
            assertThat(doc.get("id_token_signing_alg_values_supported").toString()).contains("RS256");
            JWKSet keys = JWKSet.parse(client.send(HttpRequest.newBuilder(URI.create(doc.get("jwks_uri").asText())).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            RSAKey key = (RSAKey) keys.getKeyByKeyId(jwt.getHeader().getKeyID());
            assertThat(key).as("the callback token's key is in the Bot Framework JWKS").isNotNull();
            assertThat(jwt.verify(new RSASSAVerifier(key))).isTrue();
            assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo("https://api.botframework.com");
            assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly(DevIdentities.DEV_BOT_APP_ID);
        }
    }

    @Test
    void es256CallbacksWhenConfigured() throws Exception {
        try (Callback bot = Callback.start();
             TestServer server = TestServer.start(cfg -> cfg.withCallbackSigning(CallbackAlgorithm.ES256))) {
            String token = dev.switchboard.testsupport.Tokens.devBotToken(server.baseUrl());
            HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                    HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1.0/communications/calls"))
                            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("""
                                    {"callbackUri":"%s","requestedModalities":["audio"],
                                     "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},
                                     "targets":[{"identity":{"user":{"id":"%s"}}},{"identity":{"user":{"id":"%s"}}}]}"""
                                    .formatted(bot.uri(), DevIdentities.ALICE_ID, DevIdentities.BOB_ID))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            SignedJWT jwt = SignedJWT.parse(bot.authorizations().poll(60, TimeUnit.SECONDS).substring(7));
            assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
            JWKSet keys = JWKSet.parse(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(server.baseUrl() + "/botframework/v1/.well-known/keys")).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(jwt.verify(new ECDSAVerifier((ECKey) keys.getKeyByKeyId(jwt.getHeader().getKeyID())))).isTrue();
        }
    }
}
