package dev.switchboard.server;

import dev.switchboard.testsupport.Cli;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.ServerHttp;
import dev.switchboard.tools.Softphone;
import dev.switchboard.tools.ToneMeter;
import dev.switchboard.tools.ToneSource;
import dev.switchboard.tools.WavFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ParticipantCommandTest {
    static TestServer server;
    static CallbackReceiver bot;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
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

    static String groupCall() throws Exception {
        String body = """
                {"callbackUri":"%s","requestedModalities":["audio"],
                 "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},
                 "targets":[{"identity":{"user":{"id":"%s"}}},{"identity":{"user":{"id":"%s"}}}]}"""
                .formatted(bot.url(), DevIdentities.ALICE_ID, DevIdentities.BOB_ID);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                        + "/v1.0/communications/calls")).header("Authorization", "Bearer " + Tokens.devBotToken(server.baseUrl()))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return new ObjectMapper().readTree(r.body()).get("id").asText();
    }

    @Test
    void aParticipantSendsATonesHearsOthersShowsTheRosterAndLeaves(@TempDir Path dir) throws Exception {
        String callId = groupCall();
        ClientApi bob = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.bobToken(server.baseUrl()));
        try (Softphone bobPhone = new Softphone("127.0.0.1", AudioCodec.PCMU, new ToneSource(880, AudioCodec.MIX_RATE))) {
            ClientApi.Joined bobJoined = bob.join(callId, bobPhone.sdpOffer());
            bobPhone.start(bobJoined.sdpAnswer());
            Path heard = dir.resolve("heard.wav");
            Cli.Result r = run("participant", "--call", callId, "--user", "alice", "--tone", "660", "--duration", "2500ms",
                    "--record", heard.toString(), "--url", server.baseUrl());
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("joined call " + callId)
                    .containsPattern("roster #\\d+ .*Alice \\(you\\): unmuted")
                    .contains("Bob: unmuted")
                    .contains("level ")
                    .contains("left the call")
                    .contains("recorded");
            WavFiles.Pcm pcm = WavFiles.read(heard);
            assertThat(pcm.seconds()).isGreaterThan(1.0);
            assertThat(ToneMeter.verdict(ToneMeter.levelDbfs(pcm.samples(), pcm.sampleRate(), 880))).isEqualTo(ToneMeter.Verdict.PRESENT);
            assertThat(ToneMeter.verdict(ToneMeter.levelDbfs(pcm.samples(), pcm.sampleRate(), 660)))
                    .as("nobody hears themselves").isEqualTo(ToneMeter.Verdict.ABSENT);
            assertThat(ToneMeter.verdict(bobPhone.recording().levelSinceDbfs(660, 0))).as("bob heard alice").isEqualTo(ToneMeter.Verdict.PRESENT);
            await().atMost(Duration.ofSeconds(5)).until(() -> rosterSize(callId) == 2); // the bot and bob: alice left
        }
    }

    @Test
    void aCallThatEndsUnderTheParticipantIsReportedAndNotLeftAgain() throws Exception {
        String callId = groupCall();
        var running = java.util.concurrent.CompletableFuture.supplyAsync(() -> run("participant", "--call", callId,
                "--user", "alice", "--duration", "60s", "--url", server.baseUrl()));
        await().atMost(Duration.ofSeconds(30)).until(() -> rosterSize(callId) == 2); // the bot and alice
        // the bot hanging up leaves the conference to alice; an operator ends it for everyone (the admin API)
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> signIn = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/admin/v1/signin"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"admin\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        String admin = new ObjectMapper().readTree(signIn.body()).path("access_token").asText();
        HttpResponse<String> end = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/admin/v1/calls/"
                + callId + "/end")).header("Authorization", "Bearer " + admin).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(end.statusCode()).as(signIn.body() + " " + end.body()).isEqualTo(204);
        Cli.Result r = running.get(90, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("joined call " + callId).contains("call ended: ")
                .doesNotContain("leaving:").doesNotContain("left the call");
    }

    static int rosterSize(String callId) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                + "/v1.0/communications/calls/" + callId + "/participants")).header("Authorization", "Bearer "
                + Tokens.devBotToken(server.baseUrl())).build(), HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(r.body()).get("value").size();
    }

    @Test
    void aBadCallIdIsOneLineAndExit65() {
        Cli.Result r = run("participant", "--call", "no-such-call", "--user", "alice", "--duration", "1s", "--url", server.baseUrl());
        assertThat(r.code()).isEqualTo(65);
        assertThat(r.err().strip()).startsWith("switchboard: POST /client/v1/calls/no-such-call/participants answered 404")
                .doesNotContain("\n");
    }

    @Test
    void aMissingWavFileIsALocalProblem(@TempDir Path dir) {
        Cli.Result r = run("participant", "--call", "x", "--user", "alice", "--wav", dir.resolve("missing.wav").toString(),
                "--url", server.baseUrl());
        assertThat(r.code()).isEqualTo(74);
        assertThat(r.err().strip()).isEqualTo("switchboard: cannot read " + dir.resolve("missing.wav") + ": no such file");
    }

    @Test
    void aFileThatIsNotAWavSaysSo(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("notes.wav");
        java.nio.file.Files.writeString(text, "just some text, long enough to be read");
        Cli.Result r = run("participant", "--call", "x", "--user", "alice", "--wav", text.toString(), "--url", server.baseUrl());
        assertThat(r.code()).isEqualTo(74);
        assertThat(r.err()).contains("cannot read " + text + ": not a WAV file");
        Cli.Result dirAsWav = run("participant", "--call", "x", "--user", "alice", "--wav", dir.toString(), "--url", server.baseUrl());
        assertThat(dirAsWav.err()).contains("it is a directory");
    }

    @Test
    void anUnreachableServerIsExit69() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Cli.Result r = run("participant", "--call", "x", "--user", "alice", "--url", "http://127.0.0.1:" + port);
        assertThat(r.code()).isEqualTo(69);
    }

    @Test
    void badFlagsAreUsageErrors() {
        assertThat(run("participant", "--call", "x", "--user", "alice", "--duration", "soon").code()).isEqualTo(2);
        assertThat(run("participant", "--call", "x", "--user", "alice", "--tone", "440", "--wav", "a.wav").code()).isEqualTo(2);
        assertThat(run("participant", "--user", "alice").code()).isEqualTo(2);
        assertThat(run("participant", "--call", "x", "--user", "alice", "--codec", "g729").code()).isEqualTo(2);
    }
}
