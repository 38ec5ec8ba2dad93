package dev.switchboard.testsupport;

import dev.switchboard.server.Main;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code switchboard serve} in its own JVM on free ports only (HTTP, https, WebRTC, a media range of its own), its
 * output collected line by line. For the tests that must signal or kill a real server process.
 */
public record ServerProcess(Process process, String baseUrl, List<String> output, Thread reader) implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Switchboard listening on (http://\\S+)");

    /** Starts a server on {@code dataDir}; {@code extraArgs} are more {@code serve} flags. */
    public static ServerProcess start(Path dataDir, String... extraArgs) throws Exception {
        return start(List.of(), dataDir, extraArgs);
    }

    /** The JVM options the Dockerfile ships (the recommended ones, {@code -Xmx256m}), read from it. */
    public static List<String> dockerfileJvmOptions() throws java.io.IOException {
        String options = java.nio.file.Files.readAllLines(Path.of("Dockerfile")).stream()
                .filter(l -> l.startsWith("ENV JDK_JAVA_OPTIONS=")).findFirst().orElseThrow()
                .replaceFirst("^ENV JDK_JAVA_OPTIONS=\"", "").replaceFirst("\"$", "");
        if (!options.contains("-Xmx256m")) {
            throw new IllegalStateException("the Dockerfile's JVM options no longer say -Xmx256m: " + options);
        }
        return List.of(options.split(" "));
    }

    /** The same in a JVM started with {@code jvmOptions} (e.g. the Dockerfile's). */
    public static ServerProcess start(List<String> jvmOptions, Path dataDir, String... extraArgs) throws Exception {
        Process p = new ProcessBuilder(command(jvmOptions, dataDir, extraArgs)).redirectErrorStream(true).start();
        List<String> output = new CopyOnWriteArrayList<>();
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    output.add(line);
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        url.complete(m.group(1));
                    }
                }
            } catch (Exception ignored) {
                // the process ended
            }
            url.completeExceptionally(new IllegalStateException("server exited:\n" + String.join("\n", output)));
        }, "server-process-output");
        reader.start();
        try {
            return new ServerProcess(p, url.get(60, TimeUnit.SECONDS), output, reader);
        } catch (Exception e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** What a {@code serve} that ends by itself (refused at start) printed, and its exit code. */
    public record Exited(int exitCode, String output) {
    }

    /** Runs {@code serve} on {@code dataDir} expecting it to end by itself within 60 s (e.g. refused at start). */
    public static Exited run(Path dataDir, String... extraArgs) throws Exception {
        Process p = new ProcessBuilder(command(List.of(), dataDir, extraArgs)).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("the server did not end by itself");
        }
        return new Exited(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static List<String> command(List<String> jvmOptions, Path dataDir, String... extraArgs) {
        int[] media = MediaPorts.nextRange(20);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve",
                "--port", "0", "--https-port", "0", "--webrtc-port", "0",
                "--data-dir", dataDir.toString(), "--media-ports", media[0] + "-" + media[1]));
        command.addAll(List.of(extraArgs));
        return command;
    }

    /** SIGKILL: no shutdown hook, no graceful end of calls; returns once the process and its output are gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the server did not die");
        }
        reader.join(5000);
    }

    /** SIGTERM (through the handle: {@code Process.destroy()} would also close our end of its output). */
    public void terminate() {
        process.toHandle().destroy();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        reader.join(5000);
    }
}
