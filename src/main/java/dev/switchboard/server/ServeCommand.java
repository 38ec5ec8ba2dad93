package dev.switchboard.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.notify.CallbackUriPolicy;
import dev.switchboard.tools.ToolException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code switchboard serve}: runs the server until SIGTERM/SIGINT. Each setting comes from its flag, else the
 * environment variable {@code SWITCHBOARD_<FLAG>}, else the config file's {@code "server"} object, else the default
 * ({@link SettingSources}); the result is one {@link ServerConfig}, built once.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, defaultValueProvider = SettingSources.class,
        description = {"Run the server (embedded defaults: loopback HTTP on 8080, in-memory state, embedded authority).",
                "It also listens for HTTPS on 8443 with a certificate of the local development CA (--https-port off: none).",
                "Every setting may also come from an environment variable SWITCHBOARD_<FLAG> (such as SWITCHBOARD_PORT)"
                        + " or from the \"server\" object of the --config file (e.g. \"mediaPorts\": \"31000-31999\")."})
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HttpSettings.Options http;

    @Mixin
    HttpsSettings.Options https;

    @Mixin
    StorageSettings.Options storage;

    @Mixin
    MediaSettings.Options media;

    @Mixin
    IdentitySettings.Options identity;

    @Mixin
    CallbackSettings.Options callbacks;

    @Mixin
    CallOptions calls;

    @Mixin
    LogSettings.Options log;

    @Mixin
    RosterStreamOptions roster;

    @Mixin
    InboundSettings.Options inbound;

    @Mixin
    ClusterSettings.Options cluster;

    @Mixin
    OpusSettings.Options opus;

    @Mixin
    GraphRequestOptions graphRequests;

    @Option(names = "--print-config", description = "Print the resolved settings as JSON (the form of the config file's \"server\" object) and exit.")
    boolean printConfig;

    Map<String, String> environment = System.getenv();

    private ConfigFile file;
    private boolean fileRead;

    @Override
    public Integer call() throws Exception {
        ServerConfig config = config();
        if (printConfig) {
            if (configFile() != null) {
                spec.commandLine().getErr().println("switchboard: settings read from " + configFile().path());
            }
            System.out.println(describe(config));
            return 0;
        }
        checkCallingWebhooks(config);
        config.log().format().apply();
        try {
            dev.switchboard.media.codec.OpusCodecs.select(config.opus().library()); // --opus-library libopus without it
        } catch (IllegalStateException e) {
            throw new ToolException(ToolException.USAGE, e.getMessage());
        }
        SwitchboardServer server = new SwitchboardServer(config).start();
        System.out.println("Switchboard listening on " + server.baseUrl()
                + (server.httpsBaseUrl() != null ? " and " + server.httpsBaseUrl() : "")
                + (config.publicBaseUrl() != null ? " (bound to " + server.boundAddress() + ")" : ""));
        String api = server.httpsBaseUrl() != null ? server.httpsBaseUrl() : server.baseUrl();
        System.out.println("  Graph API:  " + api + "/v1.0/communications/calls");
        System.out.println("  Opus:       " + dev.switchboard.media.codec.OpusCodecs.current().describe());
        if (server.httpsBaseUrl() != null && config.https().certFile() == null) {
            System.out.println("  https certificate from the local development CA: run 'switchboard ca' to trust it");
        }
        System.out.print(server.authority().describe());
        CountDownLatch stop = new CountDownLatch(1);
        TerminationSignals.onTermination(stop::countDown);
        stop.await();
        if (config.cluster().enabled()) {
            System.out.println("Switchboard draining: no new calls here; live calls have up to "
                    + config.cluster().drainTimeout().toSeconds() + " s to end ...");
            server.drainCalls();
        }
        System.out.println("Switchboard stopping: ending live calls, delivering their notifications ...");
        server.close();
        System.out.println("Switchboard stopped.");
        return 0;
    }

    /** The one typed configuration, from the parsed options; usage errors (exit 2) for what does not fit together. */
    ServerConfig config() {
        ConfigFile configFile = configFile();
        ServerConfig config;
        try {
            config = new ServerConfig(http.settings(), https.settings(), storage.settings(), media.settings(),
                    identity.settings(configFile), callbacks.settings(), calls.settings(), log.settings(), roster.settings(),
                    inbound.settings(configFile), cluster.settings(), opus.settings(),
                    graphRequests.settings());
        } catch (IllegalArgumentException e) {
            throw new ToolException(ToolException.USAGE, e.getMessage());
        }
        if (ServerConfig.isWildcard(config.advertisedMediaAddress())) {
            throw new ToolException(ToolException.USAGE, "media legs must advertise an address participants can reach: "
                    + "with --host " + config.host() + " give --media-address (e.g. this machine's IP)");
        }
        if (config.identity().development() && !config.identity().devIdentities() && !ServerConfig.isLoopback(config.host())) {
            throw new ToolException(ToolException.USAGE, "refusing to serve the development identities, whose secrets are "
                    + "published, on --host " + config.host() + ": give --config with your own tenants, "
                    + "or --dev-identities to allow them anyway");
        }
        return config;
    }

    /** Before anything listens: each calling webhook names a registered app and passes the callbackUri rules (exit 2). */
    private static void checkCallingWebhooks(ServerConfig config) {
        try {
            config.inbound().bots(config.identity().identities().directory(),
                    new CallbackUriPolicy(config.notifierSettings())); // as the server will
        } catch (IllegalArgumentException e) {
            throw new ToolException(ToolException.USAGE, e.getMessage());
        }
    }

    /**
     * The configuration file ({@code --config}, else {@code SWITCHBOARD_CONFIG}), read once and checked against the
     * settings' names; null when there is none. Called while options are parsed, so errors are parameter errors.
     */
    ConfigFile configFile() {
        if (!fileRead) {
            Path path = identity.configFile;
            String fromEnv = environment.get(SettingSources.envName("config"));
            if (path == null && fromEnv != null && !fromEnv.isBlank()) {
                path = Path.of(fromEnv.trim());
            }
            try {
                file = path == null ? null : ConfigFile.read(path, SettingSources.serverKeys(spec));
            } catch (ToolException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage(), e);
            }
            fileRead = true;
        }
        return file;
    }

    /** The settings as JSON in the config file's {@code "server"} form, with derived values filled in. */
    private String describe(ServerConfig config) {
        ObjectNode o = CliJson.JSON.createObjectNode();
        for (OptionSpec option : SettingSources.settings(spec)) {
            String flag = SettingSources.flagName(option);
            Object value = option.getValue();
            if ("config".equals(flag) || (value == null && option.defaultValue() == null)) {
                continue; // the file is not a setting of itself; an unset option is left out, so the output pastes back
            }
            String key = SettingSources.jsonName(flag);
            switch (value) {
                case null -> o.put(key, "off"); // a setting with a default that was turned off (--https-port off)
                case Integer i -> o.put(key, i);
                case Boolean b -> o.put(key, b);
                case Enum<?> e -> o.put(key, e.name().toLowerCase(Locale.ROOT));
                case java.time.Duration d -> o.put(key, d.toMillis() + "ms");
                // a repeatable flag (--calling-webhook): comma-separated, as the file and the variable write it
                case java.util.Collection<?> many -> o.put(key, many.stream().map(String::valueOf)
                        .collect(java.util.stream.Collectors.joining(",")));
                default -> o.put(key, value.toString());
            }
        }
        o.put("mediaAddress", config.advertisedMediaAddress());
        o.put("publicUrl", config.port() == 0 ? config.publicBaseUrl() : config.baseUrl(config.port()));
        return o.toPrettyString();
    }
}
