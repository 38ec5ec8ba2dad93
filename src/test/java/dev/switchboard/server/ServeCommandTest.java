package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ServeCommandTest {

    record Run(int exitCode, String out, String err) {
    }

    static Run serve(Map<String, String> env, String... args) {
        ServeCommand command = new ServeCommand();
        command.environment = env;
        CommandLine cl = new CommandLine(command);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        java.io.PrintStream oldOut = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured, true));
        try {
            int code = cl.execute(args);
            return new Run(code, captured + out.toString(), err.toString());
        } finally {
            System.setOut(oldOut);
        }
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
                "--host", "0.0.0.0", "--print-config").out());
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
        assertThat(fromEnv.get("callbackAllow").asText()).isEqualTo("10.0.0.0/8,bot.internal");
    }

    @Test
    void theHeaderTimeoutComesFromFlagOrEnvironmentAndDefaultsToTenSeconds() throws Exception {
        assertThat(new ObjectMapper().readTree(serve(Map.of(), "--print-config").out()).get("headerTimeout").asText())
                .isEqualTo("10000ms");
        assertThat(new ObjectMapper().readTree(serve(Map.of(), "--header-timeout", "500ms", "--print-config").out())
                .get("headerTimeout").asText()).isEqualTo("500ms");
        assertThat(new ObjectMapper().readTree(serve(Map.of("SWITCHBOARD_HEADER_TIMEOUT", "3"), "--print-config").out())
                .get("headerTimeout").asText()).isEqualTo("3000ms");
        Run bad = serve(Map.of(), "--header-timeout", "0s", "--print-config");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("invalid --header-timeout '0s'");
    }

    @Test
    void badSettingsGiveOneClearLineAndUsageExitCode(@TempDir Path dir) throws Exception {
        assertThat(serve(Map.of(), "--port", "70000", "--print-config").err()).contains("invalid --port '70000'");
        assertThat(serve(Map.of(), "--media-ports", "9000", "--print-config").exitCode()).isEqualTo(2);
        assertThat(serve(Map.of(), "--config", dir.resolve("missing.json").toString()).err()).contains("config file not found");
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{not json");
        assertThat(serve(Map.of(), "--config", bad.toString(), "--print-config").err()).contains("is not valid JSON");
        assertThat(serve(Map.of(), "--bogus").exitCode()).isEqualTo(2);
        assertThat(serve(Map.of("SWITCHBOARD_LOG_FORMAT", "xml"), "--print-config").err()).contains("expected text or json");
    }
}
