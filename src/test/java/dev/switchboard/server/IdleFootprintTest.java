package dev.switchboard.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an idle {@code serve} does not load (docs/benchmarks.md, "Issue 17, memory footprint (session 6)"): logback's
 * XML configurator and the JDK's XML parser (logging is configured in code), and — on a restart, once the local CA and
 * its server certificate exist — Bouncy Castle (the WebRTC certificate is made on the first WebRTC leg, the stored
 * https key is read by the JDK). Runs {@code serve} twice on one data directory, in its own JVM.
 */
class IdleFootprintTest {

    @Test
    void anIdleServerRestartLoadsNoXmlParserAndNoBouncyCastle(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        List<String> first = classesLoadedAtStart(data, dir.resolve("first.log"));
        assertThat(first).noneMatch(c -> c.startsWith("com.sun.org.apache.xerces") || c.startsWith("ch.qos.logback.classic.joran"));

        List<String> restart = classesLoadedAtStart(data, dir.resolve("restart.log"));
        assertThat(restart).contains("dev.switchboard.server.TlsConnector", "dev.switchboard.media.webrtc.WebRtcGateway");
        assertThat(restart).noneMatch(c -> c.startsWith("com.sun.org.apache.xerces") || c.startsWith("ch.qos.logback.classic.joran"));
        // making the CA and its certificate takes Bouncy Castle; a restart that finds them touches only the few
        // classes the verifier resolves in LocalCa's signatures (an exception type, an interface)
        assertThat(first.stream().filter(c -> c.startsWith("org.bouncycastle.")).count()).isGreaterThan(100);
        assertThat(restart.stream().filter(c -> c.startsWith("org.bouncycastle.")).toList()).hasSizeLessThan(10)
                .noneMatch(c -> c.startsWith("org.bouncycastle.tls") || c.startsWith("org.bouncycastle.openssl")
                        || c.startsWith("org.bouncycastle.crypto") || c.startsWith("org.bouncycastle.math"));
    }

    /** Starts {@code serve} on free ports, waits for it to listen and log, stops it; the classes it had loaded. */
    private static List<String> classesLoadedAtStart(Path data, Path classLog) throws Exception {
        int[] media = dev.switchboard.testsupport.MediaPorts.nextRange(10);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + classLog, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--port", "0", "--https-port", "0", "--webrtc-port", "0", "--data-dir", data.toString(),
                "--media-ports", media[0] + "-" + media[1]));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> listening = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    output.add(line);
                    if (line.startsWith("Switchboard listening on")) {
                        listening.complete(null);
                    }
                }
            } catch (Exception ignored) {
                // the process ended
            }
            listening.completeExceptionally(new IllegalStateException("server exited:\n" + String.join("\n", output)));
        }, "idle-footprint-output");
        reader.start();
        try {
            listening.get(60, TimeUnit.SECONDS);
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
            p.destroyForcibly();
            reader.join(5000);
        }
        // the text log lines, configured in code: "HH:mm:ss.SSS LEVEL logger - message"
        assertThat(output).anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  d\\.s\\.m\\.w\\.WebRtcGateway - webrtc port open .*"));
        List<String> classes = new ArrayList<>();
        for (String line : Files.readAllLines(classLog)) {
            int at = line.indexOf("[class,load] ");
            if (at >= 0) {
                String rest = line.substring(at + "[class,load] ".length());
                int space = rest.indexOf(' ');
                classes.add(space < 0 ? rest : rest.substring(0, space));
            }
        }
        return classes;
    }
}
