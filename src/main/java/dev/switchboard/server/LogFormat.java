package dev.switchboard.server;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.LoggerFactory;

import java.net.URL;

/** The log output: human-readable lines (default) or JSON lines, chosen at start by {@code --log-format}. */
public enum LogFormat {
    TEXT("logback.xml"),
    JSON("logback-json.xml");

    private final String resource;

    LogFormat(String resource) {
        this.resource = resource;
    }

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
        ch.qos.logback.classic.Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory())
                .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.classic.Level before = root.getLevel();
        root.setLevel(ch.qos.logback.classic.Level.WARN);
        return () -> root.setLevel(before);
    }

    /** Reconfigures logging for the whole process. Call once, before the server starts. */
    public void apply() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        URL url = LogFormat.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new IllegalStateException("missing log configuration " + resource);
        }
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(url);
        } catch (JoranException e) {
            throw new IllegalStateException("bad log configuration " + resource, e);
        }
    }
}
