package dev.switchboard.testsupport;

import dev.switchboard.server.ServerConfig;
import dev.switchboard.server.SwitchboardServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A real server on a free port with a throw-away data directory; close it to stop it and delete the directory. */
public final class TestServer implements AutoCloseable {
    private final Path dataDir;
    private final SwitchboardServer server;

    private TestServer(Path dataDir, SwitchboardServer server) {
        this.dataDir = dataDir;
        this.server = server;
    }

    public static TestServer start() {
        return start(cfg -> cfg);
    }

    /** Starts a server from the test defaults (port 0, a media range picked for this JVM), adjusted by {@code tweak}. */
    public static TestServer start(java.util.function.UnaryOperator<ServerConfig> tweak) {
        return start(tweak, SwitchboardServer::new);
    }

    /** Starts a server on the test defaults with the given media engine and notification sink (e.g. recording fakes). */
    public static TestServer start(dev.switchboard.media.MediaEngine mediaEngine, dev.switchboard.notify.NotificationSink sink) {
        return start(cfg -> cfg, config -> new SwitchboardServer(config, mediaEngine, sink));
    }

    private static TestServer start(java.util.function.UnaryOperator<ServerConfig> tweak,
                                    java.util.function.Function<ServerConfig, SwitchboardServer> build) {
        try {
            Path dir = Files.createTempDirectory("switchboard-test");
            int[] media = MediaPorts.nextRange(200);
            ServerConfig config = tweak.apply(ServerConfig.defaults(dir).withPort(0).withMediaPorts(media[0], media[1]));
            return new TestServer(dir, build.apply(config).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public SwitchboardServer server() {
        return server;
    }

    /**
     * Creates a service-hosted group call of alice and bob over plain HTTP with the bot's token (201 asserted), as
     * the browser tests need one: returns its id.
     */
    public String groupCall(String callbackUri, String botToken) throws IOException, InterruptedException {
        String body = """
                {"callbackUri":"%s","requestedModalities":["audio"],
                 "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},
                 "targets":[{"identity":{"user":{"id":"%s"}}},{"identity":{"user":{"id":"%s"}}}]}"""
                .formatted(callbackUri, dev.switchboard.auth.DevIdentities.ALICE_ID, dev.switchboard.auth.DevIdentities.BOB_ID);
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create(baseUrl() + "/v1.0/communications/calls"))
                .header("Authorization", "Bearer " + botToken).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        org.assertj.core.api.Assertions.assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).get("id").asText();
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        server.close();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
