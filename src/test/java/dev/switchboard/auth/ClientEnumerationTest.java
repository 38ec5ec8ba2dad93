package dev.switchboard.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testsupport.Prometheus;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No grant or sign-in page tells which confidential client ids exist (docs/identity.md, "Choices"): over real HTTP, a
 * request naming an unknown client id gets the same status, error, AADSTS code and description (the id aside) as one
 * naming a confidential client without its secret or with a wrong one, after the same PBKDF2 work, on every grant
 * (authorization code, refresh token, device code), on the device-code start and on the authorize page. Public
 * clients, whose ids are public by nature, keep their specific answers.
 */
class ClientEnumerationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TENANT = "11111111-1111-4111-8111-111111111111";
    private static final String CONFIDENTIAL = "22222222-2222-4222-8222-222222222222";
    /** The development directory's public client (a configured app always has a secret). */
    private static final String PUBLIC = DevIdentities.DEV_SPA_APP_ID;
    private static final String UNKNOWN = "55555555-5555-4555-8555-555555555555";
    private static final String REDIRECT = "http://localhost:4000/back";
    private static final int ITERATIONS = 40_000;

    @TempDir
    Path tmp;

    private TestServer start() throws Exception {
        Path config = tmp.resolve("switchboard.json");
        Files.writeString(config, """
                { "tenants": [ { "id": "%s",
                    "apps": [ { "appId": "%s", "secretHash": "%s", "delegatedScopes": ["User.Read"], "redirectUris": ["%s"] } ],
                    "users": [ { "id": "44444444-4444-4444-8444-444444444444", "username": "dana@contoso.test", "password": "dana-pw" } ] } ] }
                """.formatted(TENANT, CONFIDENTIAL, SecretHash.pbkdf2("contoso-secret", ITERATIONS), REDIRECT));
        return TestServer.start(cfg -> cfg.withConfigFile(config));
    }

    /** Each grant's form, without the client's id and secret. */
    private static final List<String> GRANTS = List.of(
            "grant_type=authorization_code&code=abc&redirect_uri=" + Tokens.enc(REDIRECT) + "&scope=User.Read",
            "grant_type=refresh_token&refresh_token=abc&scope=User.Read",
            "grant_type=" + Tokens.enc(TokenEndpoint.DEVICE_CODE_GRANT) + "&device_code=abc");

    @Test
    void everyGrantAnswersAnUnknownClientIdAsItAnswersAConfidentialOne() throws Exception {
        try (TestServer server = start()) {
            for (String grant : GRANTS) {
                for (String secret : new String[] {"", "&client_secret=wrong"}) {
                    Answer known = token(server, grant + "&client_id=" + CONFIDENTIAL + secret);
                    Answer unknown = token(server, grant + "&client_id=" + UNKNOWN + secret);
                    assertThat(known.status).as(grant + secret + ": " + known.body).isEqualTo(401);
                    assertThat(unknown.sameAs(known, UNKNOWN, CONFIDENTIAL)).as(grant + secret + "\n" + known.body + "\n" + unknown.body).isTrue();
                    long work = secret.isEmpty() ? 0 : ITERATIONS;
                    assertThat(known.hashWork).as(grant + secret + " for the confidential client").isEqualTo(work);
                    assertThat(unknown.hashWork).as(grant + secret + " for an unknown client").isEqualTo(work);
                }
            }
            // the device-code start (its own endpoint)
            for (String secret : new String[] {"", "&client_secret=wrong"}) {
                Answer known = post(server, "devicecode", "scope=User.Read&client_id=" + CONFIDENTIAL + secret);
                Answer unknown = post(server, "devicecode", "scope=User.Read&client_id=" + UNKNOWN + secret);
                assertThat(known.status).as(known.body).isEqualTo(401);
                assertThat(unknown.sameAs(known, UNKNOWN, CONFIDENTIAL)).as(known.body + "\n" + unknown.body).isTrue();
            }
            // the missing secret's description says what a developer needs, naming the id
            Answer missing = token(server, GRANTS.get(1) + "&client_id=" + UNKNOWN);
            assertThat(JSON.readTree(missing.body).path("error_codes").path(0).asInt()).isEqualTo(7000218);
            assertThat(JSON.readTree(missing.body).path("error_description").asText()).contains("client_secret", "public client", UNKNOWN);

            // the confidential client with its right secret gets past the client to the grant's own check
            Answer rightSecret = token(server, GRANTS.get(1) + "&client_id=" + CONFIDENTIAL + "&client_secret=contoso-secret");
            assertThat(rightSecret.status).as(rightSecret.body).isEqualTo(400);
            assertThat(JSON.readTree(rightSecret.body).path("error").asText()).isEqualTo("invalid_grant");
        }
        try (TestServer server = TestServer.start()) {
            // a public client is still known by its id alone: past the client, the grant's own check answers
            Answer publicClient = post(server, DevIdentities.TENANT_ID, "token", GRANTS.get(1) + "&client_id=" + PUBLIC);
            assertThat(publicClient.status).as(publicClient.body).isEqualTo(400);
            assertThat(JSON.readTree(publicClient.body).path("error").asText()).isEqualTo("invalid_grant");
        }
    }

    @Test
    void theAuthorizePageAnswersAnUnknownClientIdAsAConfidentialOneWithAForeignRedirect() throws Exception {
        try (TestServer server = start()) {
            String elsewhere = "http://localhost:4000/elsewhere";
            HttpResponse<String> known = authorize(server, CONFIDENTIAL, elsewhere);
            HttpResponse<String> unknown = authorize(server, UNKNOWN, elsewhere);
            assertThat(known.statusCode()).isEqualTo(400);
            assertThat(unknown.statusCode()).isEqualTo(400);
            assertThat(unknown.body().replace(UNKNOWN, "ID")).isEqualTo(known.body().replace(CONFIDENTIAL, "ID"));
            assertThat(known.body()).contains("AADSTS700016", "redirect URIs");

            // with its own redirect URI the confidential client gets the sign-in page
            assertThat(authorize(server, CONFIDENTIAL, REDIRECT).statusCode()).isEqualTo(200);
        }
        try (TestServer server = TestServer.start()) {
            // a public client's id is public: its wrong redirect URI is named as such
            HttpResponse<String> publicClient = authorize(server, DevIdentities.TENANT_ID, PUBLIC, "https://elsewhere.example/back");
            assertThat(publicClient.statusCode()).isEqualTo(400);
            assertThat(publicClient.body()).contains("AADSTS50011").doesNotContain("AADSTS700016");
        }
    }

    private record Answer(int status, String body, long hashWork) {
        /** The same status and body, with each answer's own client id read as the same. */
        boolean sameAs(Answer other, String myId, String otherId) throws Exception {
            JsonNode mine = JSON.readTree(body.replace(myId, "ID"));
            JsonNode theirs = JSON.readTree(other.body.replace(otherId, "ID"));
            for (String volatileField : List.of("timestamp", "trace_id", "correlation_id")) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) mine).remove(volatileField);
                ((com.fasterxml.jackson.databind.node.ObjectNode) theirs).remove(volatileField);
            }
            return status == other.status && mine.equals(theirs);
        }
    }

    private static Answer token(TestServer server, String form) throws Exception {
        return post(server, TENANT, "token", form);
    }

    private static Answer post(TestServer server, String endpoint, String form) throws Exception {
        return post(server, TENANT, endpoint, form);
    }

    private static Answer post(TestServer server, String tenant, String endpoint, String form) throws Exception {
        String counter = "switchboard_auth_secret_hash_iterations_total";
        long before = Prometheus.sample(server.baseUrl(), counter);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/" + tenant + "/oauth2/v2.0/" + endpoint))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
                .build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body(), Prometheus.sample(server.baseUrl(), counter) - before);
    }

    private static HttpResponse<String> authorize(TestServer server, String clientId, String redirect) throws Exception {
        return authorize(server, TENANT, clientId, redirect);
    }

    private static HttpResponse<String> authorize(TestServer server, String tenant, String clientId, String redirect)
            throws Exception {
        String query = "client_id=" + clientId + "&redirect_uri=" + Tokens.enc(redirect) + "&response_type=code&scope=User.Read"
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256";
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/" + tenant + "/oauth2/v2.0/authorize?" + query)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
