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
