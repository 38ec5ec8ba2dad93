package dev.switchboard.server;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.tools.Demo;
import dev.switchboard.tools.ToolException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * {@code switchboard demo}: a real group call in which a mute really silences someone. Starts a server in this
 * process on free ports (or uses {@code --url}), runs {@link Demo}, exits 0 only if every step behaved.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run a real group call end to end and check that every mute really silences.",
                "A Graph bot with real RTP audio and two participants; mutes and unmutes, with the roster notifications"
                        + " the bot receives and the tone levels each listener measures. Exit 0 only if every step behaved.",
                "The in-process server's log shows warnings and errors only (on stderr)."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--url", description = "Use a running server instead of starting one in this process.")
    String url;

    @Mixin
    CodecOption codec;

    @Option(names = "--inbound", description = "Instead: alice calls the Dev Bot, which answers (docs/inbound-calls.md).")
    boolean inbound;

    @Option(names = "--hold", description = "After the mute steps, keep the call up for a person to join with the printed "
            + "join link (a browser page) until Enter is pressed (or Ctrl-C).")
    boolean hold;

    @Override
    public Integer call() throws Exception {
        AudioCodec audio = codec.codec();
        if (inbound) {
            return inbound(audio);
        }
        if (url != null) {
            return verdict(demo(url, audio).run());
        }
        Path dataDir = Files.createTempDirectory("switchboard-demo");
        int low = 20000 + 2 * ThreadLocalRandom.current().nextInt(0, 10000);
        ServerConfig config = ServerConfig.defaults(dataDir).withPort(0).withMediaPorts(low, low + 99);
        config = config.withMedia(config.media().withWebRtcPort(0)); // browsers may join through the join link
        try (LogFormat.Quiet quiet = LogFormat.warningsOnly();
             SwitchboardServer server = new SwitchboardServer(config).start()) {
            return verdict(demo(server.baseUrl(), audio).run());
        } finally {
            deleteTree(dataDir);
        }
    }

    /** alice calls the Dev Bot of an in-process server whose calling webhook is this process's receiver. */
    private int inbound(AudioCodec audio) throws Exception {
        if (url != null) {
            throw new ToolException(ToolException.USAGE, "--inbound runs its own server (the bot's calling webhook is in "
                    + "this process); leave out --url");
        }
        Path dataDir = Files.createTempDirectory("switchboard-demo");
        int low = 20000 + 2 * ThreadLocalRandom.current().nextInt(0, 10000);
        try (dev.switchboard.tools.CallbackReceiver webhook = new dev.switchboard.tools.CallbackReceiver()) {
            ServerConfig config = ServerConfig.defaults(dataDir).withPort(0).withMediaPorts(low, low + 99)
                    .withInbound(InboundSettings.DEFAULTS.withWebhook(dev.switchboard.auth.DevIdentities.DEV_BOT_APP_ID,
                            webhook.url()));
            try (LogFormat.Quiet quiet = LogFormat.warningsOnly();
                 SwitchboardServer server = new SwitchboardServer(config).start()) {
                return verdict(new dev.switchboard.tools.InboundDemo(server.baseUrl(), audio, webhook, System.out).run());
            }
        } finally {
            deleteTree(dataDir);
        }
    }

    private Demo demo(String baseUrl, AudioCodec audio) {
        Demo demo = new Demo(baseUrl, audio, System.out);
        return hold ? demo.holdAfterwards(link -> awaitEnter()) : demo;
    }

    /** Waits for a line on standard input; without one (input closed), until the process is stopped. */
    private static void awaitEnter() {
        System.out.println("   press Enter to end the call");
        System.out.flush();
        try {
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                    java.nio.charset.StandardCharsets.UTF_8));
            if (in.readLine() == null) {
                Thread.sleep(Long.MAX_VALUE);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int verdict(List<String> failures) {
        if (!failures.isEmpty()) {
            throw new ToolException(ToolException.CHECK_FAILED, "demo failed: " + String.join("; ", failures));
        }
        return 0;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
