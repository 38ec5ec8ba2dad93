package dev.switchboard.server;

import dev.switchboard.testsupport.Cli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class TokenCommandTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Cli.Result run(String... args) {
        return Cli.run(Main::commandLine, args);
    }

    static JsonNode claims(String jwt) throws Exception {
        return new ObjectMapper().readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    @Test
    void devBotTokenByShortName() throws Exception {
        Cli.Result r = run("token", "--app", "dev-bot", "--url", server.baseUrl());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode claims = claims(r.out().strip());
        assertThat(claims.get("appid").asText()).isEqualTo(DevIdentities.DEV_BOT_APP_ID);
        assertThat(claims.get("idtyp").asText()).isEqualTo("app");
        assertThat(claims.get("tid").asText()).isEqualTo(DevIdentities.TENANT_ID);
    }

    @Test
    void userTokenDecoded() throws Exception {
        Cli.Result r = run("token", "--user", "alice", "--url", server.baseUrl(), "--decode");
        assertThat(r.code()).as(r.err()).isZero();
        String token = r.out().lines().findFirst().orElseThrow();
        assertThat(claims(token).get("oid").asText()).isEqualTo(DevIdentities.ALICE_ID);
        assertThat(r.out()).contains("\"alg\" : \"RS256\"").contains("\"idtyp\" : \"user\"");
    }

    @Test
    void otherTenantBotGetsItsOwnTenant() throws Exception {
        Cli.Result r = run("token", "--app", "other-tenant-bot", "--url", server.baseUrl());
        assertThat(claims(r.out().strip()).get("tid").asText()).isEqualTo(DevIdentities.OTHER_TENANT_ID);
    }

    @Test
    void aDevelopmentAppNamedByItsIdGetsItsOwnTenant() throws Exception {
        Cli.Result r = run("token", "--app", DevIdentities.OTHER_TENANT_BOT_APP_ID, "--url", server.baseUrl());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(claims(r.out().strip()).get("tid").asText()).isEqualTo(DevIdentities.OTHER_TENANT_ID);
    }

    @Test
    void wrongSecretIsRefusedInOneLine() {
        Cli.Result r = run("token", "--app", "dev-bot", "--secret", "nope", "--url", server.baseUrl());
        assertThat(r.code()).isEqualTo(65);
        assertThat(r.err()).startsWith("switchboard: POST ").contains("invalid_client");
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void unknownAppNeedsASecret() {
        Cli.Result r = run("token", "--app", "some-app-id", "--url", server.baseUrl());
        assertThat(r.code()).as("bad usage: no request is made").isEqualTo(2);
        assertThat(r.err()).contains("--secret is required");
    }

    @Test
    void unreachableServerIsExit69() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Cli.Result r = run("token", "--app", "dev-bot", "--url", "http://127.0.0.1:" + port);
        assertThat(r.code()).isEqualTo(69);
        assertThat(r.err()).contains("cannot reach the server");
    }

    @Test
    void appOrUserIsRequired() {
        assertThat(run("token").code()).isEqualTo(2);
        assertThat(run("token", "--app", "dev-bot", "--user", "alice").code()).isEqualTo(2);
    }
}
