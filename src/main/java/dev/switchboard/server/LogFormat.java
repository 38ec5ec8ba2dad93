package dev.switchboard.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import org.slf4j.LoggerFactory;

/**
 * The log output: human-readable lines (default) or JSON lines, chosen at start by {@code --log-format}. Both are
 * configured in code ({@link #configure}), not by logback's XML configurator, which would load an XML parser and
 * ~300 more classes at every start (docs/benchmarks.md, "Issue 17, memory footprint (session 6)"). A user's own
 * {@code logback.xml} ({@link LogConfigurator#userConfiguration()}) takes precedence over both.
 */
public enum LogFormat {
    TEXT,
    JSON;

    /**
     * The text line: time, level, abbreviated logger, message (on one line, {@link OneLineMessage}), and the request id
     * when there is one.
     */
    static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %oneLineMsg"
            + "%replace( requestId=%X{requestId}){' requestId=$', ''}%n";
    /** The conversion word of {@link OneLineMessage} in {@link #TEXT_PATTERN}. */
    static final String ONE_LINE_MESSAGE = "oneLineMsg";

    /** Restores the log level {@link #warningsOnly()} lowered. */
    public interface Quiet extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Until closed, the whole process logs warnings and errors only (the in-process demo keeps the server's
     * informational lines out of its narrative). Not for concurrent use by two callers.
     */
    public static Quiet warningsOnly() {
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level before = root.getLevel();
        root.setLevel(Level.WARN);
        return () -> root.setLevel(before);
    }

    /**
     * Reconfigures logging for the whole process, unless the user brought a logback configuration of their own
     * (then that one stays, whatever the format). Call once, before the server starts.
     */
    public void apply() {
        if (LogConfigurator.userConfiguration() != null) {
            return;
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        configure(context);
    }

    /**
     * Configures {@code context} (freshly created or reset) for this format: one appender on standard error, the
     * root at INFO, Jetty and Javalin at WARN, Jetty's {@code HostPort} at ERROR (a client sending a bad Host header
     * must not write a WARN line per request).
     */
    public void configure(LoggerContext context) {
        Encoder<ILoggingEvent> encoder = switch (this) {
            case TEXT -> {
                PatternLayout layout = new PatternLayout();
                layout.getInstanceConverterMap().put(ONE_LINE_MESSAGE, OneLineMessage::new);
                layout.setPattern(TEXT_PATTERN);
                layout.setContext(context);
                layout.start();
                LayoutWrappingEncoder<ILoggingEvent> e = new LayoutWrappingEncoder<>();
                e.setLayout(layout);
                yield e;
            }
            case JSON -> {
                JsonEncoder e = new JsonEncoder();
                e.setWithFormattedMessage(true);
                e.setWithMessage(false);
                e.setWithArguments(false);
                e.setWithSequenceNumber(false);
                e.setWithNanoseconds(false);
                e.setWithContext(false);
                yield e;
            }
        };
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("STDERR");
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        context.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
        context.getLogger("org.eclipse.jetty.util.HostPort").setLevel(Level.ERROR);
        context.getLogger("io.javalin").setLevel(Level.WARN);
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(appender);
    }
}
