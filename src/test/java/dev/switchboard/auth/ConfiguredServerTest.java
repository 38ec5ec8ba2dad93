package dev.switchboard.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.switchboard.server.ServerConfig;
import dev.switchboard.testsupport.Prometheus;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real servers started with a configuration file, and restarted on the same data directory. */
class ConfiguredServerTest {
    static final String TENANT = "11111111-1111-4111-8111-111111111111";
    static final String APP = "22222222-2222-4222-8222-222222222222";
    static final String USER = "44444444-4444-4444-8444-444444444444";

    @TempDir
    Path tmp;

    @Test
    void configFileReplacesTheDevIdentitiesAndAcceptsHashedSecrets() throws Exception {
        RSAKey extKey = JwtForge.freshKey("contoso-key");
        try (IssuerStub stub = new IssuerStub(List.of(extKey), "{base}/{tenantid}/v2.0")) {
            Path config = tmp.resolve("switchboard.json");
            Files.writeString(config, """
                    { "tenants": [ { "id": "%s", "displayName": "Contoso",
                        "apps": [ { "appId": "%s", "displayName": "Contoso Bot", "secretHash": "%s",
                                    "roles": ["Calls.Initiate.All"], "delegatedScopes": ["User.Read"] } ],
                        "users": [ { "id": "%s", "username": "dana@contoso.test", "displayName": "Dana", "passwordHash": "%s" } ] } ],
                      "trustedIssuers": [ { "openIdConfiguration": "%s" } ] }
                    """.formatted(TENANT, APP, SecretHash.pbkdf2("contoso-secret", 10_000), USER,
                    SecretHash.pbkdf2("dana-pw", 10_000), stub.openIdConfiguration()));
            try (TestServer server = TestServer.start(cfg -> cfg.withConfigFile(config))) {
                String base = server.baseUrl();
                Principal app = server.server().authenticator().authenticate("Bearer " + Tokens.appToken(base, TENANT, APP, "contoso-secret"));
                assertThat(app.appId()).isEqualTo(APP);
                assertThat(app.displayName()).isEqualTo("Contoso Bot");
                assertThat(app.roles()).containsExactly(CallsPermission.INITIATE);
                Principal user = server.server().authenticator().authenticate("Bearer " + Tokens.post(base, TENANT,
                                "grant_type=password&client_id=" + APP + "&client_secret=contoso-secret&username=dana%40contoso.test"
                                        + "&password=dana-pw&scope=" + Tokens.enc(Tokens.GRAPH_DEFAULT_SCOPE))
                        .body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1"));
                assertThat(user.userId()).isEqualTo(USER);

                assertThat(Tokens.post(base, TENANT, "grant_type=client_credentials&client_id=" + APP
                        + "&client_secret=wrong&scope=" + Tokens.enc(Tokens.GRAPH_DEFAULT_SCOPE)).statusCode()).isEqualTo(401);
                HttpResponse<String> devBot = Tokens.post(base, DevIdentities.TENANT_ID, "grant_type=client_credentials&client_id="
                        + DevIdentities.DEV_BOT_APP_ID + "&client_secret=" + DevIdentities.DEV_BOT_SECRET + "&scope=" + Tokens.enc(Tokens.GRAPH_DEFAULT_SCOPE));
                assertThat(devBot.statusCode()).isEqualTo(400);
                assertThat(new ObjectMapper().readTree(devBot.body()).get("error").asText()).isEqualTo("invalid_tenant");

                // a token of the configured outside issuer, checked by the same server's verifier
                String ext = "99999999-9999-4999-8999-999999999999";
                JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(stub.base() + "/" + ext + "/v2.0")
                        .claim("aud", "https://graph.microsoft.com").claim("tid", ext).claim("appid", "ext-app")
                        .claim("idtyp", "app").claim("roles", List.of("Calls.Initiate.All"))
                        .expirationTime(new Date(System.currentTimeMillis() + 600_000)).build();
                Principal external = server.server().authenticator().authenticate("Bearer " + JwtForge.rs256(extKey, "contoso-key", claims));
                assertThat(external.tenantId()).isEqualTo(ext);
                assertThat(external.appId()).isEqualTo("ext-app");

                assertThat(server.server().authority().describe()).contains("Contoso Bot").contains(APP)
                        .contains("dana@contoso.test").doesNotContain("contoso-secret").doesNotContain("dana-pw");
            }
        }
    }

    /**
     * An unknown client id or user name is refused after the same PBKDF2 work as a wrong secret of a known one, so the
     * answer's time does not tell which exist (the bodies are alike already). The work is counted, not timed
     * ({@code switchboard_auth_secret_hash_iterations_total}): a loaded machine cannot make this pass or fail. The app's
     * secret and the user's password have different iteration counts, so each decoy is seen to cost what its kind costs.
     */
    @Test
    void anUnknownClientOrUserIsRefusedAfterAsMuchWorkAsAWrongSecretOfAKnownOne() throws Exception {
        String plainApp = "33333333-3333-4333-8333-333333333333";
        int appIterations = 40_000;
        int userIterations = 70_000;
        Path config = tmp.resolve("switchboard.json");
        Files.writeString(config, """
                { "tenants": [ { "id": "%s",
                    "apps": [ { "appId": "%s", "secretHash": "%s", "roles": ["Calls.Initiate.All"] },
                              { "appId": "%s", "secret": "plain-secret", "delegatedScopes": ["User.Read"] } ],
                    "users": [ { "id": "%s", "username": "dana@contoso.test", "passwordHash": "%s" } ] } ] }
                """.formatted(TENANT, APP, SecretHash.pbkdf2("contoso-secret", appIterations), plainApp, USER,
                SecretHash.pbkdf2("dana-pw", userIterations)));
        try (TestServer server = TestServer.start(cfg -> cfg.withConfigFile(config))) {
            String scope = "&scope=" + Tokens.enc(Tokens.GRAPH_DEFAULT_SCOPE);
            String unknownApp = "55555555-5555-4555-8555-555555555555";
            assertThat(hashWork(server, 401, "grant_type=client_credentials&client_id=" + APP + "&client_secret=wrong" + scope))
                    .as("a wrong secret of a known client").isEqualTo(appIterations);
            assertThat(hashWork(server, 401, "grant_type=client_credentials&client_id=" + unknownApp + "&client_secret=wrong" + scope))
                    .as("an unknown client").isEqualTo(appIterations);

            // the client's plain secret costs no iterations; the password check is all the work
            String password = "grant_type=password&client_id=" + plainApp + "&client_secret=plain-secret" + scope + "&password=wrong&username=";
            assertThat(hashWork(server, 400, password + "dana%40contoso.test")).as("a wrong password of a known user").isEqualTo(userIterations);
            assertThat(hashWork(server, 400, password + "nobody%40contoso.test")).as("an unknown user").isEqualTo(userIterations);
            assertThat(hashWork(server, 200, password.replace("password=wrong", "password=dana-pw") + "dana%40contoso.test"))
                    .as("the right password").isEqualTo(userIterations);
        }
    }

    /** The PBKDF2 iterations the server ran answering {@code form} at the token endpoint with {@code status}. */
    private static long hashWork(TestServer server, int status, String form) throws Exception {
        String counter = "switchboard_auth_secret_hash_iterations_total";
        long before = Prometheus.sample(server.baseUrl(), counter);
        HttpResponse<String> answer = Tokens.post(server.baseUrl(), TENANT, form);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        return Prometheus.sample(server.baseUrl(), counter) - before;
    }

    @Test
    void devIdentitiesAreDescribedWithTheirSecrets() {
        try (TestServer server = TestServer.start()) {
            String text = server.server().authority().describe();
            assertThat(text).contains(DevIdentities.TENANT_ID, DevIdentities.OTHER_TENANT_ID, DevIdentities.DEV_BOT_APP_ID,
                    DevIdentities.DEV_BOT_SECRET, DevIdentities.P2P_BOT_SECRET, DevIdentities.OTHER_TENANT_BOT_SECRET,
                    DevIdentities.ALICE_USERNAME, DevIdentities.BOB_ID, DevIdentities.CAROL_ID,
                    server.baseUrl() + "/" + DevIdentities.TENANT_ID + "/oauth2/v2.0/token");
        }
    }

    /** The dashboard's development administrator (docs/admin-api.md: admin / admin), not "password=?". */
    @Test
    void theDevAdministratorIsDescribedWithItsPassword() {
        try (TestServer server = TestServer.start()) {
            assertThat(server.server().authority().describe())
                    .contains("user " + DevIdentities.ADMIN_ID + "  " + DevIdentities.ADMIN_USERNAME + "  password=" + DevIdentities.ADMIN_PASSWORD)
                    .doesNotContain("password=?");
        }
    }

    @Test
    void aBrokenConfigFileStopsTheStartWithItsReason() throws Exception {
        Path config = tmp.resolve("broken.json");
        Files.writeString(config, "{\"tenants\":[{\"id\":\"t1\",\"apps\":[{\"appId\":\"a1\"}]}]}");
        java.util.Set<Thread> before = serverThreads();
        assertThatThrownBy(() -> TestServer.start(cfg -> cfg.withConfigFile(config)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secret");
        // nothing the failed start had already opened keeps running
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> {
            java.util.Set<Thread> left = serverThreads();
            left.removeAll(before);
            assertThat(left).isEmpty();
        });
    }

    static java.util.Set<Thread> serverThreads() {
        java.util.Set<Thread> out = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && (t.getName().startsWith("switchboard-media-") || t.getName().equals("call-sweeper"))) {
                out.add(t);
            }
        }
        return out;
    }

    @Test
    void keysAndTokensSurviveAServerRestartOnTheSameDataDirectory() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        String publicUrl = "http://switchboard.restart.test";
        java.util.function.UnaryOperator<ServerConfig> sameDirAndUrl = cfg -> ServerConfig.defaults(data).withPort(0)
                .withMediaPorts(cfg.mediaPortLow(), cfg.mediaPortHigh()).withPublicUrl(publicUrl);
        String token;
        String jwks;
        try (TestServer first = TestServer.start(sameDirAndUrl)) {
            String realBase = "http://127.0.0.1:" + first.server().port();
            token = Tokens.devBotToken(realBase);
            jwks = first.server().authority().keys().jwksJson();
            assertThat(TokenEndpointHttpTest.claims(token).get("iss").asText()).isEqualTo(publicUrl + "/" + DevIdentities.TENANT_ID + "/v2.0");
        }
        assertThat(data.resolve("auth").resolve(SigningKeys.FILE_NAME)).exists();
        try (TestServer second = TestServer.start(sameDirAndUrl)) {
            assertThat(second.server().authority().keys().jwksJson()).isEqualTo(jwks);
            assertThat(second.server().authenticator().authenticate("Bearer " + token).appId()).isEqualTo(DevIdentities.DEV_BOT_APP_ID);
        }
    }
}
