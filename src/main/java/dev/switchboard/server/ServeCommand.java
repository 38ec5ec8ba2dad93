package dev.switchboard.server;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code switchboard serve}: runs the server until SIGTERM/SIGINT. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the server on its embedded defaults.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "HTTP bind address (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", defaultValue = "switchboard-data", description = "Directory for durable files such as signing keys (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--media-ports", defaultValue = "31000-31999", description = "UDP port range for media, LOW-HIGH (default: ${DEFAULT-VALUE}).")
    String mediaPorts;

    @Option(names = "--config", description = "Configuration file (tenants, apps, users); without it the development identities are used.")
    Path configFile;

    @Option(names = "--public-url", description = "Base URL clients use to reach this server (default: derived from host and port).")
    String publicUrl;

    @Option(names = "--log-format", defaultValue = "text", description = "Log output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            converter = LogFormatConverter.class)
    LogFormat logFormat;

    @Override
    public Integer call() throws Exception {
        logFormat.apply();
        String[] range = mediaPorts.split("-", 2);
        if (range.length != 2) {
            throw new IllegalArgumentException("--media-ports must look like LOW-HIGH, e.g. 31000-31999");
        }
        if (configFile != null && !Files.isRegularFile(configFile)) {
            throw new IllegalArgumentException("config file not found: " + configFile);
        }
        ServerConfig config = new ServerConfig(host, port, dataDir, Integer.parseInt(range[0].trim()),
                Integer.parseInt(range[1].trim()), configFile, publicUrl);
        SwitchboardServer server = new SwitchboardServer(config).start();
        System.out.println("Switchboard listening on " + server.baseUrl());
        System.out.println("  Graph API:  " + server.baseUrl() + "/v1.0/communications/calls");
        System.out.print(server.authority().describe());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "switchboard-shutdown"));
        stopped.await();
        return 0;
    }
}
