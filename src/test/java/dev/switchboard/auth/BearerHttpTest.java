package dev.switchboard.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.switchboard.auth.DevIdentities.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every token failure of the issue over HTTP: 401, {@code WWW-Authenticate: Bearer error="invalid_token"}, a Graph
 * error body with code InvalidAuthenticationToken and a message that says what was wrong, never the token.
 */
class BearerHttpTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static TestServer server;
    static ProbeApi probe;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        probe = new ProbeApi(server.server().authenticator());
    }

    @AfterAll
    static void stop() {
        probe.close();
        server.close();
    }

    static HttpResponse<String> post(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(probe.base() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static RSAKey serverKey() {
        return server.server().authority().keys().active().key();
    }

    static JWTClaimsSet.Builder claims() {
        return JwtForge.appClaims(server.baseUrl(), TENANT_ID, DEV_BOT_APP_ID, Instant.now());
    }

    static String signed(JWTClaimsSet.Builder c) throws Exception {
        return JwtForge.rs256(serverKey(), serverKey().getKeyID(), c.build());
    }

    @Test
    void everyBadTokenIs401WithWhatWasWrong() throws Exception {
        Instant now = Instant.now();
        String good = Tokens.p2pBotToken(server.baseUrl());
        Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("expired", new String[] {"Bearer " + signed(claims().issueTime(Date.from(now.minusSeconds(7200)))
                .notBeforeTime(Date.from(now.minusSeconds(7200))).expirationTime(Date.from(now.minusSeconds(3600)))), "expired"});
        cases.put("not yet valid", new String[] {"Bearer " + signed(claims().notBeforeTime(Date.from(now.plusSeconds(900)))), "not yet valid"});
        cases.put("wrong aud", new String[] {"Bearer " + signed(claims().claim("aud", "api://my-bot")), "audience"});
        cases.put("wrong iss", new String[] {"Bearer " + signed(claims().issuer("https://login.microsoftonline.com/" + TENANT_ID + "/v2.0")), "issuer"});
        cases.put("tid mismatch", new String[] {"Bearer " + signed(claims().claim("tid", OTHER_TENANT_ID)), "tenant"});
        cases.put("unknown kid", new String[] {"Bearer " + JwtForge.rs256(JwtForge.freshKey("k"), "k", claims().build()), "signing key"});
        cases.put("tampered payload", new String[] {"Bearer " + JwtForge.withPayload(good,
                JwtForge.payloadJson(good).replace("\"Calls.Initiate.All\"", "\"Calls.Initiate.All\",\"Calls.AccessMedia.All\"")), "signature"});
        cases.put("alg none", new String[] {"Bearer " + JwtForge.unsigned(serverKey().getKeyID(), claims().build()), "alg none"});
        cases.put("HS256 confusion", new String[] {"Bearer " + JwtForge.hs256WithPublicKey(serverKey().toPublicJWK(), claims().build()), "RS256"});
        cases.put("RS384", new String[] {"Bearer " + JwtForge.withAlg(serverKey(), JWSAlgorithm.RS384, claims().build()), "RS256"});
        cases.put("garbage", new String[] {"Bearer eyJhbGciOiJSUzI1NiJ9.bm9wZQ.bm9wZQ", "malformed"});
        cases.put("missing header", new String[] {null, "no Authorization header"});
        cases.put("wrong scheme", new String[] {"Basic " + java.util.Base64.getEncoder().encodeToString("a:b".getBytes()), "Bearer scheme"});
        cases.put("empty bearer", new String[] {"Bearer ", "empty"});

        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            String auth = c.getValue()[0];
            HttpResponse<String> r = post(ProbeApi.CALLS_PATH, auth);
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).as(c.getKey()).startsWith("Bearer error=\"invalid_token\"");
            assertThat(r.headers().firstValue("content-type").orElse("")).as(c.getKey()).startsWith("application/json");
            JsonNode error = JSON.readTree(r.body()).get("error");
            assertThat(error.get("code").asText()).as(c.getKey()).isEqualTo("InvalidAuthenticationToken");
            assertThat(error.get("message").asText()).as(c.getKey()).containsIgnoringCase(c.getValue()[1]);
            assertThat(error.at("/innerError/request-id").asText()).as(c.getKey()).isNotBlank();
            if (auth != null && auth.length() > 20) {
                String token = auth.substring(auth.indexOf(' ') + 1);
                assertThat(r.body()).as(c.getKey()).doesNotContain(token);
                String signature = token.substring(token.lastIndexOf('.') + 1);
                if (signature.length() > 8) {
                    assertThat(r.body()).as(c.getKey()).doesNotContain(signature);
                }
                assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).doesNotContain(token);
            }
            assertThat(r.body()).as(c.getKey()).doesNotContain("Exception").doesNotContain("at dev.");
        }
        assertThat(probe.seen.get()).isNull();

        var registry = server.server().metrics();
        for (String reason : java.util.List.of("expired", "not_yet_valid", "audience", "issuer", "tenant", "unknown_key",
                "signature", "algorithm", "malformed", "missing", "scheme")) {
            assertThat(registry.get("switchboard.auth.bearer.rejected").tag("reason", reason).counter().count())
                    .as(reason).isGreaterThanOrEqualTo(1.0);
        }
        assertThat(registry.scrape()).contains("switchboard_auth_bearer_rejected_total{reason=\"expired\"}");
        assertThat(registry.get("switchboard.auth.tokens.issued").tag("grant", "client_credentials").counter().count())
                .isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void goodAppTokenPassesTheCallsRoute() throws Exception {
        HttpResponse<String> r = post(ProbeApi.CALLS_PATH, "Bearer " + Tokens.devBotToken(server.baseUrl()));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("clientContext").asText()).isEqualTo(DEV_BOT_APP_ID);
    }

    @Test
    void userTokenWhereAnAppIsNeededIs403() throws Exception {
        HttpResponse<String> r = post(ProbeApi.CALLS_PATH, "Bearer " + Tokens.bobToken(server.baseUrl()));
        assertThat(r.statusCode()).isEqualTo(403);
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("Forbidden");
        assertThat(error.get("message").asText()).contains("Delegated permissions are not supported");
    }

    @Test
    void appTokenWhereAUserIsNeededIs403AndUserTokenPasses() throws Exception {
        HttpResponse<String> r = post(ProbeApi.CLIENT_PATH, "Bearer " + Tokens.devBotToken(server.baseUrl()));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(r.body()).at("/error/message").asText()).contains("Application tokens are not accepted");
        HttpResponse<String> ok = post(ProbeApi.CLIENT_PATH, "Bearer " + Tokens.carolToken(server.baseUrl()));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ok.body()).get("userId").asText()).isEqualTo(CAROL_ID);
    }
}
