package dev.switchboard.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's, {@value #BINARY}) on a free loopback port, with its files in a directory of
 * the test's. {@link #stop()} and {@link #restart()} for the outage tests; close to end it.
 */
public final class RedisServer implements AutoCloseable {
    public static final String BINARY = "/usr/bin/redis-server";
    private final Path dir;
    private final int port;
    /** The command line, or null for a plain redis-server on {@link #port}. */
    private final List<String> command;
    private Process process;

    private RedisServer(Path dir, int port) {
        this(dir, port, null);
    }

    private RedisServer(Path dir, int port, List<String> command) {
        this.dir = dir;
        this.port = port;
        this.command = command;
    }

    public static boolean available() {
        return Files.isExecutable(Path.of(BINARY));
    }

    /** Skips the test without redis-server; under CI (CI=true, where run-tests installs it) fails it instead. */
    public static void requireOrSkip() {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            org.assertj.core.api.Assertions.assertThat(available()).as("redis-server at " + BINARY + " (CI)").isTrue();
        } else {
            org.assertj.core.api.Assumptions.assumeThat(available()).as("redis-server at " + BINARY).isTrue();
        }
    }

    /** Starts redis-server (no persistence: a restart loses every key, the harder case for the nodes). */
    public static RedisServer start(Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RedisServer r = new RedisServer(dir, port);
        r.launch();
        return r;
    }

    /**
     * Starts a Redis Sentinel (redis-server in sentinel mode, its config file in {@code dir}) on a free port watching
     * {@code primary} under {@code primaryName}; returns once it answers and knows the primary.
     */
    public static RedisServer sentinel(Path dir, RedisServer primary, String primaryName) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.createDirectories(dir);
        Path conf = dir.resolve("sentinel.conf");
        Files.writeString(conf, "port " + port + "\nbind 127.0.0.1\nprotected-mode no\ndir " + dir + "\n"
                + "sentinel monitor " + primaryName + " 127.0.0.1 " + primary.port() + " 1\n"
                + "sentinel down-after-milliseconds " + primaryName + " 5000\n");
        RedisServer r = new RedisServer(dir, port, List.of(BINARY, conf.toString(), "--sentinel"));
        r.launch();
        return r;
    }

    private void launch() throws Exception {
        Files.createDirectories(dir);
        process = new ProcessBuilder(command != null ? command : List.of(BINARY, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "no"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write("PING\r\n".getBytes());
                byte[] buf = new byte[7];
                if (s.getInputStream().read(buf) > 0) {
                    return;
                }
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("redis-server did not start: " + Files.readString(dir.resolve("redis.log")));
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Kills it (SIGKILL: an outage, not a shutdown). */
    public void stop() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Starts it again on the same port, empty. */
    public void restart() throws Exception {
        launch();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            stop();
        }
    }
}
