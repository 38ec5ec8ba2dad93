package dev.switchboard.server;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {

    record Result(int code, String err) {
    }

    static Result run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int code = cl.execute(args);
        return new Result(code, err.toString());
    }

    @Test
    void unknownFlagIsOneClearLineAndExitCode2() {
        Result r = run("serve", "--bogus");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines().findFirst()).hasValue("switchboard: Unknown option: '--bogus'");
        assertThat(r.err()).contains("Try 'switchboard serve --help'.");
    }

    @Test
    void theTopLevelHelpShowsEveryCommandsSummaryAsAWholeSentence() {
        CommandLine cl = Main.commandLine();
        cl.getSubcommands().forEach((name, sub) -> {
            String summary = sub.getCommandSpec().usageMessage().description()[0];
            assertThat(summary).as(name + "'s summary in 'switchboard --help'").endsWith(".");
        });
        StringWriter help = new StringWriter();
        cl.usage(new PrintWriter(help));
        assertThat(help.toString().replaceAll("\\s+", " "))
                .contains("demo Run a real group call end to end and check that every mute really silences.");
    }

    /**
     * picocli starts a new line for each element of a description, so a sentence split over two elements is wrapped
     * raggedly in {@code --help} (as {@code --config}'s "…a \"server\" object with" / "these settings…" was): each
     * option's description is one paragraph, and each paragraph of a command's description
     * (but a command line's example) ends a sentence.
     */
    @Test
    void everyOptionsHelpIsOneParagraphAndEveryCommandParagraphEndsASentence() {
        Main.commandLine().getSubcommands().forEach((name, sub) -> {
            sub.getCommandSpec().options().forEach(option -> assertThat(option.description())
                    .as(name + " " + option.longestName() + "'s help").hasSizeLessThanOrEqualTo(1));
            for (String paragraph : sub.getCommandSpec().usageMessage().description()) {
                if (!paragraph.startsWith(" ") && !paragraph.contains(" --")) { // examples of command lines aside
                    assertThat(paragraph).as(name + "'s description").matches("(?s).*[.:]$");
                }
            }
        });
    }

    @Test
    void unknownCommandIsExitCode2() {
        assertThat(run("fly").code()).isEqualTo(2);
    }

    @Test
    void portInUseIsALocalProblem() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Result r = run("serve", "--port", Integer.toString(taken.getLocalPort()), "--https-port", "0",
                    "--webrtc-port", "-1", "--data-dir", Files.createTempDirectory("sb").toString());
            assertThat(r.code()).isEqualTo(74);
            assertThat(r.err()).contains("switchboard: cannot listen").contains(Integer.toString(taken.getLocalPort()));
            assertThat(Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                    .map(Thread::getName).filter(n -> n.startsWith("switchboard-media-")))
                    .as("the failed start released the media engine").isEmpty();
        }
    }

    @Test
    void webRtcPortInUseIsALocalProblemNamingItsOption() throws Exception {
        try (java.net.DatagramSocket taken = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Result r = run("serve", "--port", "0", "--https-port", "0", "--webrtc-port",
                    Integer.toString(taken.getLocalPort()), "--data-dir", Files.createTempDirectory("sb").toString());
            assertThat(r.code()).as(r.err()).isEqualTo(74);
            assertThat(r.err()).contains("switchboard: cannot listen: cannot bind the WebRTC port")
                    .contains(Integer.toString(taken.getLocalPort())).contains("--webrtc-port").doesNotContain("unexpected");
            assertThat(Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                    .map(Thread::getName).filter(n -> n.startsWith("switchboard-media-")))
                    .as("the failed start released the media engine").isEmpty();
        }
    }
}
