package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ServeCommandTest {

    record Run(int exitCode, String out, String err) {
    }

    /** {@code switchboard serve ARGS} in-process with this environment, through the real command line (exit codes and all). */
    static Run serve(Map<String, String> env, String... args) {
        CommandLine cl = Main.commandLine();
        ((ServeCommand) cl.getSubcommands().get("serve").getCommand()).environment = env;
        String[] all = new String[args.length + 1];
        all[0] = "serve";
        System.arraycopy(args, 0, all, 1, args.length);
        dev.switchboard.testsupport.Cli.Result r = dev.switchboard.testsupport.Cli.run(() -> cl, all);
        return new Run(r.code(), r.out(), r.err());
    }

    @Test
    void printConfigShowsEmbeddedDefaults() throws Exception {
        Run run = serve(Map.of(), "--print-config");
        assertThat(run.exitCode()).isZero();
        JsonNode cfg = new ObjectMapper().readTree(run.out());
        assertThat(cfg.get("host").asText()).isEqualTo("127.0.0.1");
        assertThat(cfg.get("port").asInt()).isEqualTo(8080);
        assertThat(cfg.get("mediaPorts").asText()).isEqualTo("31000-31999");
        assertThat(cfg.get("logFormat").asText()).isEqualTo("text");
        assertThat(cfg.get("webrtcPort").asInt()).isEqualTo(10000);
    }

    @Test
    void printedConfigPastesBackAsTheConfigFilesServerObject(@TempDir Path dir) throws Exception {
        Run first = serve(Map.of(), "--port", "9123", "--media-ports", "40000-40099", "--print-config");
        assertThat(first.exitCode()).isZero();
        JsonNode printed = new ObjectMapper().readTree(first.out());
        assertThat(printed.has("config")).as("the file is not a setting of itself").isFalse();
        printed.fields().forEachRemaining(e -> assertThat(e.getValue().isNull()).as(e.getKey()).isFalse());
        assertPastesBack(printed, first.out(), dir);
    }

    /** {@code out}, the printed config, pasted as a config file's server object, prints the same again. */
    private static void assertPastesBack(JsonNode printed, String out, Path dir) throws Exception {
        Path file = dir.resolve("switchboard.json");
        Files.writeString(file, "{\"server\":" + out + "}");
        Run second = serve(Map.of(), "--config", file.toString(), "--print-config");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(new ObjectMapper().readTree(second.out())).isEqualTo(printed);
    }

    @Test
    void printedCallingWebhooksPasteBackAsTheConfigFilesServerObject(@TempDir Path dir) throws Exception {
        String a = "00000000-0000-4000-8000-00000000b071=http://127.0.0.1:9000/a";
        String b = "00000000-0000-4000-8000-00000000b072=http://127.0.0.1:9000/b";
        Run first = serve(Map.of(), "--calling-webhook", a, "--calling-webhook", b, "--print-config");
        assertThat(first.exitCode()).as(first.err()).isZero();
        JsonNode printed = new ObjectMapper().readTree(first.out());
        assertThat(printed.get("callingWebhook").asText()).as("the flag's and the file's own form").isEqualTo(a + "," + b);
        assertPastesBack(printed, first.out(), dir);
    }

    @Test
    void aCallingWebhookOfAnUnknownAppOrARefusedUrlIsBadUsageInOneLine() {
        // checked before anything listens: exit 2 and the reason, not "unexpected error: java.lang.…" and exit 70
        Run unknown = serve(Map.of(), "--port", "0", "--https-port", "off", "--webrtc-port", "-1",
                "--calling-webhook", "11111111-1111-4111-8111-111111111111=http://127.0.0.1:9000/a");
        assertThat(unknown.exitCode()).as(unknown.err()).isEqualTo(2);
        assertThat(unknown.err().strip()).isEqualTo("switchboard: calling webhook for app 11111111-1111-4111-8111-111111111111:"
                + " no tenant registers this app");
        Run refused = serve(Map.of(), "--port", "0", "--https-port", "off", "--webrtc-port", "-1",
                "--calling-webhook", "00000000-0000-4000-8000-00000000b071=http://8.8.8.8/calling");
        assertThat(refused.exitCode()).as(refused.err()).isEqualTo(2);
        assertThat(refused.err().strip()).startsWith("switchboard: calling webhook of app 00000000-0000-4000-8000-00000000b071:")
                .contains("https").doesNotContain("Exception").hasLineCount(1);
    }

    @Test
    void theWebRtcPortIsASettingLikeTheOthers() throws Exception {
        assertThat(new ObjectMapper().readTree(serve(Map.of(), "--webrtc-port", "0", "--print-config").out()).get("webrtcPort").asInt()).isZero();
        assertThat(new ObjectMapper().readTree(serve(Map.of("SWITCHBOARD_WEBRTC_PORT", "-1"), "--print-config").out()).get("webrtcPort").asInt()).isEqualTo(-1);
        assertThat(serve(Map.of(), "--webrtc-port", "70000", "--print-config").exitCode()).isEqualTo(2);
    }

    @Test
    void flagBeatsEnvironmentBeatsConfigFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("switchboard.json");
        Files.writeString(file, "{\"server\":{\"port\":9001,\"mediaPorts\":\"40000-40099\",\"host\":\"127.0.0.2\"}}");
        Run run = serve(Map.of("SWITCHBOARD_PORT", "9002", "SWITCHBOARD_LOG_FORMAT", "json"),
                "--config", file.toString(), "--host", "127.0.0.3", "--print-config");
        assertThat(run.exitCode()).isZero();
        JsonNode cfg = new ObjectMapper().readTree(run.out());
        assertThat(cfg.get("host").asText()).isEqualTo("127.0.0.3");
        assertThat(cfg.get("port").asInt()).isEqualTo(9002);
        assertThat(cfg.get("mediaPorts").asText()).isEqualTo("40000-40099");
        assertThat(cfg.get("logFormat").asText()).isEqualTo("json");
    }

    @Test
    void aWildcardHostNeedsAMediaAddress() throws Exception {
        ServeCommandTest.Run refused = serve(Map.of(), "--host", "0.0.0.0", "--print-config");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("--media-address");
        JsonNode cfg = new ObjectMapper().readTree(serve(Map.of("SWITCHBOARD_MEDIA_ADDRESS", "127.0.0.1"),
                "--host", "0.0.0.0", "--dev-identities", "--print-config").out());
        assertThat(cfg.get("host").asText()).isEqualTo("0.0.0.0");
        assertThat(cfg.get("mediaAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(new ObjectMapper().readTree(serve(Map.of(), "--print-config").out()).get("mediaAddress").asText())
                .isEqualTo("127.0.0.1");
    }

    @Test
    void callbackExemptionsComeFromFlagOrEnvironment() throws Exception {
        JsonNode byDefault = new ObjectMapper().readTree(serve(Map.of(), "--print-config").out());
        assertThat(byDefault.get("callbackAllow").asText()).isEqualTo("localhost,127.0.0.0/8,::1/128");
        JsonNode fromEnv = new ObjectMapper().readTree(serve(Map.of("SWITCHBOARD_CALLBACK_ALLOW", "bot.internal, 10.0.0.0/8"),
                "--print-config").out());
        assertThat(fromEnv.get("callbackAllow").asText()).isEqualTo("bot.internal,10.0.0.0/8");
    }

    @Test
    void theHttpsCallbackSigningAndRingingSettingsAreSettingsLikeTheOthers(@TempDir Path dir) throws Exception {
        JsonNode byDefault = new ObjectMapper().readTree(serve(Map.of(), "--print-config").out());
        assertThat(byDefault.get("httpsPort").asInt()).as("serve listens for https by default").isEqualTo(8443);
        assertThat(byDefault.has("tlsCert")).as("an unset setting is left out").isFalse();
        assertThat(byDefault.has("tlsKey")).isFalse();
        assertThat(byDefault.get("trustedProxies").asText()).isEmpty();
        assertThat(byDefault.get("callbackSigning").asText()).isEqualTo("rs256");
        assertThat(byDefault.get("ringingTimeout").asText()).isEqualTo("60000ms");

        JsonNode off = new ObjectMapper().readTree(serve(Map.of("SWITCHBOARD_HTTPS_PORT", "off"), "--print-config").out());
        assertThat(off.get("httpsPort").asText()).isEqualTo("off");
        Path file = dir.resolve("switchboard.json");
        Files.writeString(file, "{\"server\":{\"httpsPort\":9443,\"trustedProxies\":\"10.0.0.0/8\",\"callbackSigning\":\"ES256\","
                + "\"ringingTimeout\":\"30\"}}");
        JsonNode fromFile = new ObjectMapper().readTree(serve(Map.of(), "--config", file.toString(), "--print-config").out());
        assertThat(fromFile.get("httpsPort").asInt()).isEqualTo(9443);
        assertThat(fromFile.get("trustedProxies").asText()).isEqualTo("10.0.0.0/8");
        assertThat(fromFile.get("callbackSigning").asText()).isEqualTo("es256");
        assertThat(fromFile.get("ringingTimeout").asText()).isEqualTo("30000ms");

        assertThat(serve(Map.of(), "--https-port", "soon", "--print-config").err()).contains("--https-port").contains("'soon' is not a port");
        assertThat(serve(Map.of(), "--callback-signing", "hs256", "--print-config").err()).contains("expected rs256 or es256");
        Run halfPair = serve(Map.of(), "--tls-cert", dir.resolve("c.pem").toString(), "--print-config");
        assertThat(halfPair.exitCode()).isEqualTo(2);
        assertThat(halfPair.err()).contains("--tls-cert and --tls-key go together");
        Run badProxy = serve(Map.of(), "--trusted-proxies", "not an address", "--print-config");
        assertThat(badProxy.exitCode()).isEqualTo(2);
    }

    @Test
    void theMixDepthIsASettingLikeTheOthersAndRefusesANegativeDepth() throws Exception {
        assertThat(new ObjectMapper().readTree(serve(Map.of(), "--print-config").out()).get("mixDepth").asInt()).isEqualTo(5);
        assertThat(new ObjectMapper().readTree(serve(Map.of(), "--mix-depth", "0", "--print-config").out()).get("mixDepth").asInt()).isZero();
        assertThat(new ObjectMapper().readTree(serve(Map.of("SWITCHBOARD_MIX_DEPTH", "3"), "--print-config").out())
                .get("mixDepth").asInt()).isEqualTo(3);
        Run negative = serve(Map.of(), "--mix-depth", "-1", "--print-config");
        assertThat(negative.exitCode()).isEqualTo(2);
        assertThat(negative.err()).contains("the mix depth must be 0 (everyone) to 1000, was -1");
        assertThat(serve(Map.of(), "--mix-depth", "loud", "--print-config").exitCode()).isEqualTo(2);
    }

    @Test
    void theMediaTimeoutIsSixtySecondsADurationOrOff() throws Exception {
        assertThat(new ObjectMapper().readTree(serve(Map.of(), "--print-config").out()).get("mediaTimeout").asText())
                .isEqualTo("60000ms");
        assertThat(new ObjectMapper().readTree(serve(Map.of(), "--media-timeout", "off", "--print-config").out())
                .get("mediaTimeout").asText()).isEqualTo("off");
        assertThat(new ObjectMapper().readTree(serve(Map.of("SWITCHBOARD_MEDIA_TIMEOUT", "2m"), "--print-config").out())
                .get("mediaTimeout").asText()).isEqualTo("120000ms");
        Run bad = serve(Map.of(), "--media-timeout", "soon", "--print-config");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("'soon' is not off or a positive duration");
    }

    @Test
    void theMostLiveCallsIsAutoOrANumber() throws Exception {
        assertThat(new ObjectMapper().readTree(serve(Map.of(), "--print-config").out()).get("maxCalls").asText()).isEqualTo("auto");
        assertThat(new ObjectMapper().readTree(serve(Map.of(), "--max-calls", "250", "--print-config").out())
                .get("maxCalls").asText()).isEqualTo("250");
        for (String bad : List.of("0", "-1", "many", "1e3", "")) {
            Run refused = serve(Map.of(), "--max-calls", bad, "--print-config");
            assertThat(refused.exitCode()).as(bad).isEqualTo(2);
            assertThat(refused.err()).as(bad).contains("must be auto or a number of calls, at least 1");
        }
    }

    @Test
    void theMostLiveCallsOfATenantIsOffOrANumber() throws Exception {
        assertThat(new ObjectMapper().readTree(serve(Map.of(), "--print-config").out()).get("maxCallsPerTenant").asText())
                .isEqualTo("off");
        assertThat(new ObjectMapper().readTree(serve(Map.of("SWITCHBOARD_MAX_CALLS_PER_TENANT", "40"), "--print-config").out())
                .get("maxCallsPerTenant").asText()).isEqualTo("40");
        for (String bad : List.of("0", "-1", "auto", "")) {
            Run refused = serve(Map.of(), "--max-calls-per-tenant", bad, "--print-config");
            assertThat(refused.exitCode()).as(bad).isEqualTo(2);
            assertThat(refused.err()).as(bad).contains("must be off or a number of calls, at least 1");
        }
    }

    @Test
    void thePromptMemoryIsAutoOrASizeAndPrintsBackAsItWasGiven() throws Exception {
        assertThat(new ObjectMapper().readTree(serve(Map.of(), "--print-config").out()).get("promptMemory").asText()).isEqualTo("auto");
        assertThat(new ObjectMapper().readTree(serve(Map.of(), "--prompt-memory", "256mib", "--print-config").out())
                .get("promptMemory").asText()).isEqualTo("256MiB");
        assertThat(new ObjectMapper().readTree(serve(Map.of("SWITCHBOARD_PROMPT_MEMORY", "1g"), "--print-config").out())
                .get("promptMemory").asText()).isEqualTo("1GiB");
        assertThat(new ObjectMapper().readTree(serve(Map.of(), "--prompt-memory", "1572864", "--print-config").out())
                .get("promptMemory").asText()).isEqualTo("1536KiB");
        for (String bad : List.of("lots", "-5MiB", "12 bananas", "99999999999999GiB", "")) {
            Run refused = serve(Map.of(), "--prompt-memory", bad, "--print-config");
            assertThat(refused.exitCode()).as(bad).isEqualTo(2);
            assertThat(refused.err()).as(bad).contains("must be auto or a size such as 64MiB");
        }
        Run tiny = serve(Map.of(), "--prompt-memory", "100KiB", "--print-config");
        assertThat(tiny.exitCode()).isEqualTo(2);
        assertThat(tiny.err()).contains("at least 1MiB");
    }

    @Test
    void theRecordingStorageIsAutoOrASizeFromFlagOrEnvironment() throws Exception {
        assertThat(new ObjectMapper().readTree(serve(Map.of(), "--print-config").out()).get("recordingStorage").asText())
                .isEqualTo("auto");
        assertThat(new ObjectMapper().readTree(serve(Map.of(), "--recording-storage", "4gib", "--print-config").out())
                .get("recordingStorage").asText()).isEqualTo("4GiB");
        assertThat(new ObjectMapper().readTree(serve(Map.of("SWITCHBOARD_RECORDING_STORAGE", "64m"), "--print-config").out())
                .get("recordingStorage").asText()).isEqualTo("64MiB");
        Run refused = serve(Map.of(), "--recording-storage", "plenty", "--print-config");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("--recording-storage").contains("must be auto or a size such as 64MiB");
    }

    @Test
    void theHeaderTimeoutComesFromFlagOrEnvironmentAndDefaultsToTenSeconds() throws Exception {
        assertThat(new ObjectMapper().readTree(serve(Map.of(), "--print-config").out()).get("headerTimeout").asText())
                .isEqualTo("10000ms");
        assertThat(new ObjectMapper().readTree(serve(Map.of(), "--header-timeout", "500ms", "--print-config").out())
                .get("headerTimeout").asText()).isEqualTo("500ms");
        assertThat(new ObjectMapper().readTree(serve(Map.of("SWITCHBOARD_HEADER_TIMEOUT", "3"), "--print-config").out())
                .get("headerTimeout").asText()).isEqualTo("3000ms");
        // minutes and hours, as participant --duration reads them
        assertThat(new ObjectMapper().readTree(serve(Map.of(), "--terminated-retention", "5m", "--drain-timeout", "1.5m",
                "--print-config").out()).get("terminatedRetention").asText()).isEqualTo("300000ms");
        assertThat(new ObjectMapper().readTree(serve(Map.of(), "--drain-timeout", "1h", "--print-config").out())
                .get("drainTimeout").asText()).isEqualTo("3600000ms");
        Run bad = serve(Map.of(), "--header-timeout", "0s", "--print-config");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--header-timeout").contains("'0s' is not a positive duration");
    }

    /**
     * docs/operations.md says its table holds every option of {@code serve} with its environment variable and config
     * key: each option {@code serve --help} shows (help and version aside) has its row, naming its variable and, for
     * a setting {@code --print-config} prints, its key (14 were missing before session 24).
     */
    @Test
    void everyServeOptionHasItsRowInTheOperationsTable() throws Exception {
        java.util.List<String> rows = Files.readAllLines(Path.of("docs/operations.md")).stream()
                .filter(line -> line.startsWith("| `--")).toList();
        JsonNode printed = new ObjectMapper().readTree(serve(Map.of(), "--print-config").out());
        for (picocli.CommandLine.Model.OptionSpec option : Main.commandLine().getSubcommands().get("serve").getCommandSpec().options()) {
            String flag = option.longestName();
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            String row = rows.stream().filter(r -> r.substring(0, r.indexOf(" | ")).matches(".*`" + flag + "`.*")).findFirst()
                    .orElseThrow(() -> new AssertionError("docs/operations.md has no row for " + flag));
            if (!flag.equals("--print-config") && !flag.equals("--config")) {
                assertThat(row).as(flag).contains("SWITCHBOARD_" + flag.substring(2).toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
            }
            printed.fieldNames().forEachRemaining(key -> {
                String asFlag = "--" + key.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
                if (asFlag.equals(flag)) {
                    assertThat(row).as(flag + "'s config key").contains("`" + key + "`");
                }
            });
        }
    }

    /** The production value docs/operations.md and docs/roster-stream.md give; the tests of quiet streams run shorter. */
    @Test
    void theWebsocketIdleTimeoutComesFromFlagOrEnvironmentAndDefaultsToThirtySeconds() throws Exception {
        assertThat(HttpSettings.DEFAULTS.websocketIdleTimeout()).isEqualTo(java.time.Duration.ofSeconds(30));
        assertThat(HttpSettings.DEFAULTS.websocketPingPeriod()).isEqualTo(java.time.Duration.ofSeconds(15));
        assertThat(new ObjectMapper().readTree(serve(Map.of(), "--print-config").out()).get("websocketIdleTimeout").asText())
                .isEqualTo("30000ms");
        assertThat(new ObjectMapper().readTree(serve(Map.of("SWITCHBOARD_WEBSOCKET_IDLE_TIMEOUT", "2s"), "--print-config")
                .out()).get("websocketIdleTimeout").asText()).isEqualTo("2000ms");
        Run bad = serve(Map.of(), "--websocket-idle-timeout", "500ms", "--print-config");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--websocket-idle-timeout").contains("at least 1s");
    }

    @Test
    void badSettingsGiveOneClearLineAndUsageExitCode(@TempDir Path dir) throws Exception {
        assertThat(serve(Map.of(), "--port", "70000", "--print-config").err()).contains("--port").contains("'70000' is not a port");
        assertThat(serve(Map.of(), "--media-ports", "9000", "--print-config").exitCode()).isEqualTo(2);
        Run missing = serve(Map.of(), "--config", dir.resolve("missing.json").toString());
        assertThat(missing.err()).contains("config file not found");
        assertThat(missing.exitCode()).as("a missing file is a local problem, as documented").isEqualTo(74);
        assertThat(missing.err().strip().lines()).hasSize(1);
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{not json");
        assertThat(serve(Map.of(), "--config", bad.toString(), "--print-config").err()).contains("is not valid JSON");
        assertThat(serve(Map.of(), "--bogus").exitCode()).isEqualTo(2);
        assertThat(serve(Map.of("SWITCHBOARD_LOG_FORMAT", "xml"), "--print-config").err()).contains("expected text or json");
    }

    @Test
    void anUnknownServerKeyInTheConfigFileIsAnErrorNamingItAndTheClosestKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("switchboard.json");
        Files.writeString(file, "{\"server\":{\"prot\":9001}}");
        Run run = serve(Map.of(), "--config", file.toString(), "--print-config");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("unknown key 'prot'").contains("did you mean 'port'?");
        assertThat(run.err().strip().lines()).hasSize(1);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void anIdentityTypoNamesTheClosestKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("switchboard.json");
        Files.writeString(file, "{\"tenants\":[{\"id\":\"t1\",\"aps\":[]}]}");
        Run run = serve(Map.of(), "--config", file.toString(), "--print-config");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("unknown key 'aps'").contains("did you mean 'apps'?");
    }

    @Test
    void everySettingComesFromTheFileTypedOnce(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("switchboard.json");
        Files.writeString(file, """
                {"server":{"host":"127.0.0.1","port":9100,"dataDir":"d","mediaPorts":"40000-40010","mediaAddress":"127.0.0.1",
                 "publicUrl":"https://calls.example.test/","callbackAllow":"bot.test","logFormat":"JSON","devIdentities":true}}""");
        Run fromFile = serve(Map.of("SWITCHBOARD_CONFIG", file.toString()), "--print-config");
        assertThat(fromFile.err()).contains("settings read from " + file);
        JsonNode cfg = new ObjectMapper().readTree(fromFile.out());
        assertThat(cfg.get("port").asInt()).isEqualTo(9100);
        assertThat(cfg.get("dataDir").asText()).isEqualTo("d");
        assertThat(cfg.get("mediaPorts").asText()).isEqualTo("40000-40010");
        assertThat(cfg.get("publicUrl").asText()).isEqualTo("https://calls.example.test");
        assertThat(cfg.get("callbackAllow").asText()).isEqualTo("bot.test");
        assertThat(cfg.get("logFormat").asText()).isEqualTo("json");
        assertThat(cfg.get("devIdentities").asBoolean()).isTrue();
        assertThat(cfg.has("config")).isFalse();
        Files.writeString(file, "{\"server\":{\"port\":\"eighty\"}}");
        Run bad = serve(Map.of(), "--config", file.toString(), "--print-config");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--port").contains("'eighty' is not a port");
    }

    @Test
    void theDevelopmentIdentitiesAreRefusedOnANonLoopbackAddress(@TempDir Path dir) throws Exception {
        Run refused = serve(Map.of(), "--host", "0.0.0.0", "--media-address", "192.0.2.10", "--print-config");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("refusing to serve the development identities").contains("--dev-identities")
                .contains("--config");
        JsonNode allowed = new ObjectMapper().readTree(serve(Map.of("SWITCHBOARD_DEV_IDENTITIES", "true"),
                "--host", "0.0.0.0", "--media-address", "192.0.2.10", "--print-config").out());
        assertThat(allowed.get("publicUrl").asText()).as("a usable URL, not 0.0.0.0").isEqualTo("http://192.0.2.10:8080");
        Path file = dir.resolve("own.json");
        Files.writeString(file, "{\"tenants\":[{\"id\":\"t1\",\"apps\":[{\"appId\":\"a1\",\"secret\":\"s\"}]}]}");
        assertThat(serve(Map.of(), "--host", "0.0.0.0", "--media-address", "192.0.2.10", "--config", file.toString(),
                "--print-config").exitCode()).as("own identities may be served anywhere").isZero();
        assertThat(serve(Map.of(), "--host", "localhost", "--print-config").exitCode()).isZero();
    }

    @Test
    void theOpusEncoderIsAPresetWithOverridesAndBadValuesAreUsageErrors() throws Exception {
        assertThat(opus()).isEqualTo(dev.switchboard.media.codec.OpusEncoderSettings.SWITCHBOARD);
        assertThat(opus("--opus-preset", "janus")).isEqualTo(dev.switchboard.media.codec.OpusEncoderSettings.JANUS);
        assertThat(opus("--opus-preset", "janus", "--opus-complexity", "2", "--opus-bitrate", "40000",
                "--opus-bandwidth", "superwideband", "--opus-application", "audio"))
                .isEqualTo(new dev.switchboard.media.codec.OpusEncoderSettings(2, 40_000,
                        dev.switchboard.media.codec.OpusEncoderSettings.Bandwidth.SUPERWIDEBAND,
                        dev.switchboard.media.codec.OpusEncoderSettings.Application.AUDIO));
        assertThat(opus("--opus-bitrate", "auto").bitrate()).isEqualTo(dev.switchboard.media.codec.OpusEncoderSettings.AUTO_BITRATE);
        JsonNode printed = new ObjectMapper().readTree(serve(Map.of("SWITCHBOARD_OPUS_PRESET", "janus"), "--opus-complexity", "6",
                "--print-config").out());
        assertThat(printed.get("opusPreset").asText()).isEqualTo("janus");
        assertThat(printed.get("opusComplexity").asInt()).isEqualTo(6);
        assertThat(printed.has("opusBitrate")).as("an unset override is left out").isFalse();
        assertThat(serve(Map.of(), "--opus-complexity", "11", "--print-config").exitCode()).isEqualTo(2);
        assertThat(serve(Map.of(), "--opus-bitrate", "1000", "--print-config").exitCode()).isEqualTo(2);
        assertThat(serve(Map.of(), "--opus-bandwidth", "ultra", "--print-config").exitCode()).isEqualTo(2);
        assertThat(serve(Map.of(), "--opus-preset", "libopus", "--print-config").exitCode()).isEqualTo(2);
    }

    @Test
    void theOpusLibraryIsAutoByDefaultAndComesFromTheFlagTheEnvironmentOrTheConfigFile(@TempDir Path dir) throws Exception {
        assertThat(opusLibrary()).isEqualTo(dev.switchboard.media.codec.OpusLibrary.AUTO);
        assertThat(opusLibrary("--opus-library", "concentus")).isEqualTo(dev.switchboard.media.codec.OpusLibrary.CONCENTUS);
        assertThat(opusLibrary("--opus-library", "LibOpus")).isEqualTo(dev.switchboard.media.codec.OpusLibrary.LIBOPUS);
        assertThat(new ObjectMapper().readTree(serve(Map.of("SWITCHBOARD_OPUS_LIBRARY", "concentus"), "--print-config").out())
                .get("opusLibrary").asText()).isEqualTo("concentus");
        Path file = dir.resolve("opus.json");
        Files.writeString(file, "{\"server\":{\"opusLibrary\":\"concentus\"}}");
        assertThat(new ObjectMapper().readTree(serve(Map.of(), "--config", file.toString(), "--print-config").out())
                .get("opusLibrary").asText()).isEqualTo("concentus");
        assertThat(serve(Map.of(), "--opus-library", "ffmpeg", "--print-config").exitCode()).isEqualTo(2);
    }

    private static dev.switchboard.media.codec.OpusLibrary opusLibrary(String... args) {
        CommandLine cl = Main.commandLine();
        CommandLine serve = cl.getSubcommands().get("serve");
        ((ServeCommand) serve.getCommand()).environment = Map.of();
        String[] all = new String[args.length + 1];
        all[0] = "serve";
        System.arraycopy(args, 0, all, 1, args.length);
        cl.parseArgs(all);
        return ((ServeCommand) serve.getCommand()).config().opus().library();
    }

    /** The Opus encoder settings {@code serve ARGS} would run with. */
    private static dev.switchboard.media.codec.OpusEncoderSettings opus(String... args) {
        CommandLine cl = Main.commandLine();
        CommandLine serve = cl.getSubcommands().get("serve");
        ((ServeCommand) serve.getCommand()).environment = Map.of();
        String[] all = new String[args.length + 1];
        all[0] = "serve";
        System.arraycopy(args, 0, all, 1, args.length);
        cl.parseArgs(all);
        return ((ServeCommand) serve.getCommand()).config().opus().encoder();
    }

    /**
     * Behind a {@code --public-url} the banner and the log still say where the server is really bound: an operator
     * checking a proxy's upstream needs the port (with {@code --port 0}, the one picked).
     */
    @Test
    void behindAPublicUrlTheBannerAndTheLogSayWhereTheServerIsBound(@TempDir Path dir) throws Exception {
        try (dev.switchboard.testsupport.ServerProcess server = dev.switchboard.testsupport.ServerProcess.start(dir,
                "--public-url", "http://calls.example.test")) {
            assertThat(server.baseUrl()).isEqualTo("http://calls.example.test");
            String banner = server.output().stream().filter(l -> l.startsWith("Switchboard listening on")).findFirst()
                    .orElseThrow();
            assertThat(banner).matches("Switchboard listening on http://calls\\.example\\.test.* \\(bound to 127\\.0\\.0\\.1:[1-9][0-9]*\\)");
            String port = banner.replaceAll(".*:([0-9]+)\\)$", "$1");
            assertThat(server.output()).anyMatch(l -> l.contains("switchboard listening url=http://calls.example.test")
                    && l.contains("bound=127.0.0.1:" + port + " "));
        }
    }
}
