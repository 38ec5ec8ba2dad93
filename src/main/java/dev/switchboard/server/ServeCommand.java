package dev.switchboard.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * {@code switchboard serve}: runs the server until SIGTERM/SIGINT. Each setting comes from its flag, else the
 * environment variable {@code SWITCHBOARD_<FLAG>}, else the config file's {@code "server"} object, else the default.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = {
        "Run the server (embedded defaults: loopback HTTP on 8080, in-memory state, embedded authority).",
        "Every setting may also come from an environment variable SWITCHBOARD_<FLAG> (e.g. SWITCHBOARD_PORT)",
        "or from the \"server\" object of the --config file (e.g. \"mediaPorts\": \"31000-31999\")."})
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--host", description = "HTTP bind address (default: 127.0.0.1).")
    String host;

    @Option(names = "--port", description = "HTTP port; 0 picks a free one, printed at start (default: 8080).")
    String port;

    @Option(names = "--data-dir", description = "Directory for durable files such as signing keys (default: switchboard-data).")
    String dataDir;

    @Option(names = "--media-ports", description = "UDP port range for media legs, LOW-HIGH (default: 31000-31999).")
    String mediaPorts;

    @Option(names = "--config", description = "Configuration file (JSON: tenants, apps, users, \"server\" settings); without it the development identities are used.")
    Path configFile;

    @Option(names = "--public-url", description = "Base URL clients use to reach this server (default: derived from host and port).")
    String publicUrl;

    @Option(names = "--media-address", description = "The address written into SDP answers for media (default: --host); required when --host is 0.0.0.0.")
    String mediaAddress;

    @Option(names = "--callback-allow", description = "Comma-separated hosts, IPs or CIDR ranges a bot's callbackUri may use over http or on private addresses (default: localhost,127.0.0.0/8,::1/128).")
    String callbackAllow;

    @Option(names = "--media-allow", description = "Comma-separated IPs or CIDR ranges an SDP offer's media address may name besides the joining client's own address (default: 127.0.0.0/8,::1/128).")
    String mediaAllow;

    @Option(names = "--log-format", description = "Log output: text or json (default: text).")
    String logFormat;

    @Option(names = "--print-config", description = "Print the resolved settings as JSON and exit.")
    boolean printConfig;

    Map<String, String> environment = System.getenv();

    @Override
    public Integer call() throws Exception {
        if (configFile == null && environment.get(SettingSources.envName("config")) != null) {
            configFile = Path.of(environment.get(SettingSources.envName("config")));
        }
        if (configFile != null && !Files.isRegularFile(configFile)) {
            throw new ParameterException(spec.commandLine(), "config file not found: " + configFile);
        }
        SettingSources sources;
        try {
            sources = SettingSources.of(environment, configFile);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (configFile != null) {
            try {
                dev.switchboard.auth.IdentityConfig.load(configFile);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        ServerConfig config = resolve(sources);
        LogFormat format = setting("log-format", logFormat, sources, "text", v -> new LogFormatConverter().convert(v));
        if (printConfig) {
            System.out.println(describe(config, format));
            return 0;
        }
        format.apply();
        SwitchboardServer server = new SwitchboardServer(config).start();
        System.out.println("Switchboard listening on " + server.baseUrl());
        System.out.println("  Graph API:  " + server.baseUrl() + "/v1.0/communications/calls");
        System.out.print(server.authority().describe());
        CountDownLatch stop = new CountDownLatch(1);
        TerminationSignals.onTermination(stop::countDown);
        stop.await();
        System.out.println("Switchboard stopping: ending live calls, delivering their notifications ...");
        server.close();
        System.out.println("Switchboard stopped.");
        return 0;
    }

    private ServerConfig resolve(SettingSources sources) {
        String resolvedHost = setting("host", host, sources, "127.0.0.1", Function.identity());
        int resolvedPort = setting("port", port, sources, Integer.toString(ServerConfig.DEFAULT_PORT), ServeCommand::parsePort);
        Path resolvedDataDir = setting("data-dir", dataDir, sources, "switchboard-data", Path::of);
        int[] range = setting("media-ports", mediaPorts, sources,
                ServerConfig.DEFAULT_MEDIA_PORT_LOW + "-" + ServerConfig.DEFAULT_MEDIA_PORT_HIGH, ServeCommand::parseRange);
        String resolvedPublicUrl = setting("public-url", publicUrl, sources, null, Function.identity());
        java.util.Set<String> allowed = setting("callback-allow", callbackAllow, sources, null, ServeCommand::parseHostList);
        String resolvedMediaAddress = setting("media-address", mediaAddress, sources, null, Function.identity());
        String resolvedMediaAllow = setting("media-allow", mediaAllow, sources, null, Function.identity());
        if (resolvedMediaAllow != null) {
            try {
                dev.switchboard.media.MediaAllowList.parse(resolvedMediaAllow);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--media-allow: " + e.getMessage());
            }
        }
        if (isWildcard(resolvedMediaAddress != null ? resolvedMediaAddress : resolvedHost)) {
            throw new ParameterException(spec.commandLine(), "media legs must advertise an address participants can reach: "
                    + "with --host " + resolvedHost + " give --media-address (e.g. this machine's IP)");
        }
        try {
            return new ServerConfig(resolvedHost, resolvedPort, resolvedDataDir, range[0], range[1], configFile,
                    resolvedPublicUrl, allowed, resolvedMediaAddress, resolvedMediaAllow);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private <T> T setting(String flag, String fromFlag, SettingSources sources, String fallback, Function<String, T> parse) {
        String raw = fromFlag != null ? fromFlag : sources.lookup(flag).orElse(fallback);
        if (raw == null) {
            return null;
        }
        try {
            return parse.apply(raw);
        } catch (RuntimeException e) {
            throw new ParameterException(spec.commandLine(), "invalid --" + flag + " '" + raw + "': " + e.getMessage());
        }
    }

    private static int parsePort(String value) {
        int p = Integer.parseInt(value.trim());
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("must be 0-65535");
        }
        return p;
    }

    private static boolean isWildcard(String address) {
        try {
            return java.net.InetAddress.getByName(address).isAnyLocalAddress();
        } catch (java.net.UnknownHostException e) {
            return false; // reported where the address is used
        }
    }

    private static java.util.Set<String> parseHostList(String value) {
        java.util.Set<String> hosts = new java.util.LinkedHashSet<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                hosts.add(part.trim());
            }
        }
        return hosts;
    }

    private static int[] parseRange(String value) {
        String[] parts = value.split("-", 2);
        if (parts.length != 2) {
            throw new IllegalArgumentException("must look like LOW-HIGH, e.g. 31000-31999");
        }
        return new int[] {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
    }

    private static String describe(ServerConfig config, LogFormat format) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("host", config.host());
        o.put("port", config.port());
        o.put("dataDir", config.dataDir().toString());
        o.put("mediaPorts", config.mediaPortLow() + "-" + config.mediaPortHigh());
        o.put("mediaAddress", config.advertisedMediaAddress());
        o.put("mediaAllow", config.mediaAllow() == null ? dev.switchboard.media.MediaAllowList.DEFAULT : config.mediaAllow());
        o.put("config", config.configFile() == null ? null : config.configFile().toString());
        o.put("publicUrl", config.publicBaseUrl());
        o.put("callbackAllow", config.callbackAllowedHosts() == null ? "localhost,127.0.0.0/8,::1/128"
                : String.join(",", new java.util.TreeSet<>(config.callbackAllowedHosts())));
        o.put("logFormat", format.name().toLowerCase(java.util.Locale.ROOT));
        return o.toPrettyString();
    }
}
