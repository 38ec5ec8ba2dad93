package dev.switchboard.server;

import dev.switchboard.testsupport.Cli;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's demo, run as a user runs it: a real in-process server, real RTP, real webhooks. */
class DemoCommandTest {

    static Cli.Result run(String... args) {
        return Cli.run(Main::commandLine, args);
    }

    @Test
    void theInboundDemoCallsTheBotWhichAnswers() {
        Cli.Result r = run("demo", "--inbound");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("Inbound demo passed: every step behaved.")
                .contains("state=incoming direction=incoming")
                .contains("ok   alice hears the bot (440 Hz)")
                .contains("ok   the bot hears alice (660 Hz)")
                .contains("every signature verified")
                .doesNotContain("FAIL");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pcmu", "opus"})
    void theDemoPassesEveryStep(String codec) {
        java.io.PrintStream oldErr = System.err;
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        Cli.Result r;
        System.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            r = run("demo", "--codec", codec);
        } finally {
            System.setErr(oldErr);
        }
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(log.toString(java.nio.charset.StandardCharsets.UTF_8))
                .as("the server's informational log stays out of the demo's narrative").doesNotContain(" INFO ");
        assertThat(r.out()).doesNotContain(" INFO ");
        assertThat(r.out()).contains("Demo passed: every step behaved.")
                .contains("ok   bob does not hear the bot (440 Hz)")
                .contains("ok   bob does not hear alice (660 Hz)")
                .contains("ok   alice stays muted after her own unmute")
                .contains("Dev Bot muted(server)")
                .doesNotContain("FAIL");
    }

    @Test
    void anUnreachableServerIsOneLineAndExit69() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Cli.Result r = run("demo", "--url", "http://127.0.0.1:" + port);
        assertThat(r.code()).isEqualTo(69);
        assertThat(r.err()).startsWith("switchboard: cannot reach the server");
    }

    @Test
    void aBadCodecIsUsageError() {
        Cli.Result r = run("demo", "--codec", "g729");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--codec must be pcmu, pcma or opus");
    }
}
