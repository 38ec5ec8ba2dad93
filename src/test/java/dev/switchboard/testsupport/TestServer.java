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
