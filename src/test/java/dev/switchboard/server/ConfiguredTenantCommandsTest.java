package dev.switchboard.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.Cli;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The tools sign in as the identities of a configured tenant, not only as the development ones. */
class ConfiguredTenantCommandsTest {
    static final String TENANT = "contoso";
    static final String APP = "contoso-bot";
    static final String USER_ID = "dana-id";
    static TestServer server;
    static CallbackReceiver bot;

    @BeforeAll
    static void start() throws Exception {
        Path config = Files.createTempFile("switchboard", ".json");
        Files.writeString(config, """
                { "tenants": [ { "id": "%s",
                    "apps": [ { "appId": "%s", "secret": "contoso-secret", "delegatedScopes": ["User.Read", "Calls.JoinGroupCall"],
                                "roles": ["Calls.InitiateGroupCall.All", "Calls.JoinGroupCall.All"] } ],
                    "users": [ { "id": "%s", "username": "dana@contoso.test", "displayName": "Dana", "password": "dana-pw" },
                               { "id": "erin-id", "username": "erin@contoso.test", "password": "erin-pw" } ] } ] }
                """.formatted(TENANT, APP, USER_ID));
        server = TestServer.start(cfg -> cfg.withConfigFile(config));
        bot = new CallbackReceiver();
    }

    @AfterAll
    static void stop() {
        server.close();
        bot.close();
    }

    static Cli.Result run(String... args) {
        return Cli.run(Main::commandLine, args);
    }

    @Test
    void aParticipantOfAConfiguredTenantJoinsThroughItsOwnApp() throws Exception {
        String token = Tokens.appToken(server.baseUrl(), TENANT, APP, "contoso-secret");
        String body = """
                {"callbackUri":"%s","requestedModalities":["audio"],
                 "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},
                 "targets":[{"identity":{"user":{"id":"%s"}}},{"identity":{"user":{"id":"erin-id"}}}]}"""
                .formatted(bot.url(), USER_ID);
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                        + "/v1.0/communications/calls")).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String callId = new ObjectMapper().readTree(created.body()).get("id").asText();

        Cli.Result r = run("participant", "--call", callId, "--user", "dana@contoso.test", "--password", "dana-pw",
                "--tenant", TENANT, "--client-id", APP, "--secret", "contoso-secret", "--duration", "500ms",
                "--url", server.baseUrl());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("joined call " + callId).contains("Dana (you)");
    }

    @Test
    void aConfiguredAppNeedsItsTenantNamed() {
        Cli.Result r = run("token", "--app", APP, "--secret", "contoso-secret", "--url", server.baseUrl());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("switchboard: --tenant is required for app " + APP
                + " (only the development apps' tenants are known without it)");
        Cli.Result ok = run("token", "--app", APP, "--secret", "contoso-secret", "--tenant", TENANT, "--url", server.baseUrl());
        assertThat(ok.code()).as(ok.err()).isZero();
    }

    @Test
    void aConfiguredAppWithoutItsSecretIsBadUsageNotARefusal() {
        // no request is made: exit 2 (bad usage) as README's exit codes say, not 65 (the server refused)
        Cli.Result r = run("token", "--app", APP, "--tenant", TENANT, "--url", server.baseUrl());
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("switchboard: --secret is required for app " + APP);
    }

    @Test
    void theParticipantHelpSaysWhatTheDefaultsAre() {
        picocli.CommandLine cl = Main.commandLine();
        java.io.StringWriter help = new java.io.StringWriter();
        cl.setOut(new java.io.PrintWriter(help, true));
        assertThat(cl.execute("participant", "--help")).isZero();
        assertThat(help.toString()).contains("--client-id").contains("default: dev-bot").contains("--secret")
                .contains("published secret");
        assertThat(DevIdentities.DEV_BOT_APP_ID).isNotBlank();
    }
}
