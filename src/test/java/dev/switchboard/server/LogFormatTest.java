package dev.switchboard.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Logging configured in code writes byte for byte what the former {@code logback.xml} / {@code logback-json.xml}
 * (kept as test resources) wrote; logback finds the code configuration by itself, and a user's own file still wins.
 */
class LogFormatTest {
    private static final List<String> LOGGERS = List.of("dev.switchboard.server.SwitchboardServer",
            "org.eclipse.jetty.server.Server", "org.eclipse.jetty.util.HostPort", "io.javalin.Javalin", "com.example.Other");

    @Test
    void textLinesAreTheLinesTheFormerXmlWrote() throws Exception {
        assertSameOutput(LogFormat.TEXT, "/log/reference-text.xml");
        List<String> lines = encode(configured(LogFormat.TEXT));
        assertThat(lines.get(0)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  d\\.s\\.s\\.SwitchboardServer - "
                + "call created callId=c-1 requestId=r-9\n");
        assertThat(lines.get(1)).endsWith("WARN  d.s.s.SwitchboardServer - no request here\n");
    }

    /**
     * Text a client chose (a user id, a display name) reaches log messages: a line break in it must not start a line
     * of its own, nor a control or bidirectional character reorder or hide what is shown.
     */
    @Test
    void aTextLineIsOneLineWhateverTheMessageCarries() {
        LoggerContext context = configured(LogFormat.TEXT);
        var appender = (OutputStreamAppender<ILoggingEvent>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
        Logger logger = context.getLogger("dev.switchboard.core.CallEngine");
        LoggingEvent forged = new LoggingEvent("x", logger, Level.INFO, "call transferring to userId={}", null,
                new Object[] {"eve\r\n12:00:00.000 INFO  d.s.s.SwitchboardServer - admin signed in\u0000\u001b[2J\u202egnp.exe"});
        forged.setTimeStamp(1_700_000_000_123L);
        forged.setMDCPropertyMap(Map.of());
        String line = new String(appender.getEncoder().encode(forged), StandardCharsets.UTF_8);
        assertThat(line).endsWith("call transferring to userId=eve\\r\\n12:00:00.000 INFO  d.s.s.SwitchboardServer - admin"
                + " signed in\\u0000\\u001b[2J\\u202egnp.exe\n");
        assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
        context.stop();
    }

    @Test
    void jsonLinesAreTheLinesTheFormerXmlWrote() throws Exception {
        assertSameOutput(LogFormat.JSON, "/log/reference-json.xml");
        assertThat(encode(configured(LogFormat.JSON)).get(0))
                .contains("\"formattedMessage\":\"call created callId=c-1\"", "\"mdc\": {\"requestId\":\"r-9\"}");
    }

    @Test
    void logbackFindsTheCodeConfigurationWithoutXml() throws Exception {
        assertThat(LogConfigurator.userConfiguration()).as("the test class path carries no logback.xml").isNull();
        LoggerContext context = new LoggerContext();
        new ContextInitializer(context).autoConfig();
        var appender = (OutputStreamAppender<ILoggingEvent>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
        assertThat(appender).isNotNull();
        var encoder = (LayoutWrappingEncoder<ILoggingEvent>) appender.getEncoder();
        assertThat(((PatternLayout) encoder.getLayout()).getPattern()).isEqualTo(LogFormat.TEXT_PATTERN);
        assertThat(context.getLogger("org.eclipse.jetty.util.HostPort").getEffectiveLevel()).isEqualTo(Level.ERROR);
        context.stop();
    }

    @Test
    void aUsersLogbackConfigurationFileWins(@TempDir Path dir) throws Exception {
        Path own = dir.resolve("logback.xml");
        Files.writeString(own, """
                <configuration>
                  <appender name="MINE" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%level %msg%n</pattern></encoder>
                  </appender>
                  <root level="DEBUG"><appender-ref ref="MINE"/></root>
                </configuration>
                """);
        System.setProperty(LogConfigurator.CONFIG_FILE_PROPERTY, own.toString());
        try {
            assertThat(LogConfigurator.userConfiguration()).isEqualTo(own.toString());
            LoggerContext context = new LoggerContext();
            new ContextInitializer(context).autoConfig();
            Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
            assertThat(root.getAppender("MINE")).isNotNull();
            assertThat(root.getAppender("STDERR")).isNull();
            assertThat(root.getLevel()).isEqualTo(Level.DEBUG);
            context.stop();
        } finally {
            System.clearProperty(LogConfigurator.CONFIG_FILE_PROPERTY);
        }
    }

    private static void assertSameOutput(LogFormat format, String referenceXml) throws Exception {
        LoggerContext code = configured(format);
        LoggerContext xml = new LoggerContext();
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(xml);
        joran.doConfigure(LogFormatTest.class.getResource(referenceXml));
        assertThat(encode(code)).isEqualTo(encode(xml));
        for (String name : LOGGERS) {
            assertThat(code.getLogger(name).getEffectiveLevel()).as(name).isEqualTo(xml.getLogger(name).getEffectiveLevel());
        }
        var appender = (ch.qos.logback.core.ConsoleAppender<ILoggingEvent>) code.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
        assertThat(appender.getTarget()).isEqualTo("System.err");
        code.stop();
        xml.stop();
    }

    private static LoggerContext configured(LogFormat format) {
        LoggerContext context = new LoggerContext();
        format.configure(context);
        return context;
    }

    /** The same events (one with a request id and arguments, one without, one with an exception) as encoded lines. */
    private static List<String> encode(LoggerContext context) {
        var appender = (OutputStreamAppender<ILoggingEvent>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
        Logger logger = context.getLogger("dev.switchboard.server.SwitchboardServer");
        LoggingEvent withRequest = new LoggingEvent("x", logger, Level.INFO, "call created callId={}", null, new Object[] {"c-1"});
        withRequest.setTimeStamp(1_700_000_000_123L);
        withRequest.setThreadName("http-1");
        withRequest.setMDCPropertyMap(Map.of("requestId", "r-9"));
        LoggingEvent plain = new LoggingEvent("x", logger, Level.WARN, "no request here", null, null);
        plain.setTimeStamp(1_700_000_000_456L);
        plain.setThreadName("main");
        plain.setMDCPropertyMap(Map.of());
        LoggingEvent failed = new LoggingEvent("x", logger, Level.ERROR, "failed", new IllegalStateException("boom"), null);
        failed.setTimeStamp(1_700_000_000_789L);
        failed.setThreadName("main");
        failed.setMDCPropertyMap(Map.of());
        return List.of(withRequest, plain, failed).stream()
                .map(e -> new String(appender.getEncoder().encode(e), StandardCharsets.UTF_8)).toList();
    }
}
